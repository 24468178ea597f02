import type * as ExcelJSModule from 'exceljs';
import type PDFDocumentClass from 'pdfkit';
import type * as QRCodeModule from 'qrcode';

/**
 * The libraries that write documents, loaded with the first document that needs them rather than when the server
 * starts: a server that has printed nothing yet holds none of them. pdfkit (with fontkit, its font tables and
 * brotli) and exceljs (with archiver, jszip and unzipper) are about 800 modules and 14 MB of resident memory
 * together (the startup benchmark, docs/benchmarks.md). Of the QR code package only the encoder is loaded, not
 * its image and terminal renderers.
 */
let pdfkit: typeof PDFDocumentClass | undefined;
let qrcode: Pick<typeof QRCodeModule, 'create'> | undefined;
let exceljs: typeof ExcelJSModule | undefined;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */

export function pdfDocumentClass(): typeof PDFDocumentClass {
  pdfkit ??= require('pdfkit') as typeof PDFDocumentClass;
  return pdfkit;
}

export function qrCodeEncoder(): Pick<typeof QRCodeModule, 'create'> {
  qrcode ??= require('qrcode/lib/core/qrcode') as Pick<typeof QRCodeModule, 'create'>;
  return qrcode;
}

export function excelJs(): typeof ExcelJSModule {
  exceljs ??= require('exceljs') as typeof ExcelJSModule;
  return exceljs;
}
