import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';

/** Answers a rendered PDF, shown in the browser with a sensible file name. */
export function pdfFile(res: Response, filename: string, pdf: Buffer): StreamableFile {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${filename}"`);
  return new StreamableFile(pdf);
}
