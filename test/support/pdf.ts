import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';

// PDFs are read back with pdf.js (npm: unpdf), never a system program: `npm test` runs where only node is
// installed. pdf.js is an ES module, which jest's CommonJS runtime cannot load, so pdf-reader.mjs runs it in a
// child `node` (≈0.3 s a document), once per distinct document: the answer is kept by the bytes' hash.

/** A run of text as drawn (a word or several), with its box in points from the page's top-left corner. */
export interface PdfRun {
  /** 1-based. */
  page: number;
  text: string;
  /** Font size in points. */
  size: number;
  baseline: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A font as poppler's pdffonts lists it. */
export interface PdfFont {
  /** `ABCDEF+DejaVuSans-Bold`: the six letters and + mark a subset. */
  name: string;
  /** `CID TrueType`, `TrueType`, `Type 1`, … */
  type: string;
  /** `Identity-H`, `WinAnsiEncoding`, … */
  encoding: string;
  embedded: boolean;
  subset: boolean;
  /** Has a ToUnicode map, so its text can be searched and copied. */
  toUnicode: boolean;
}

export interface PdfInfo {
  pages: number;
  /** Each page's size in points. */
  pageSizes: { width: number; height: number }[];
  title: string | null;
  author: string | null;
  subject: string | null;
  keywords: string | null;
  creator: string | null;
  producer: string | null;
  /** ISO 8601 in UTC (`2025-03-15T09:30:00Z`), or null when absent. */
  creationDate: string | null;
  modDate: string | null;
  language: string | null;
}

interface ReaderOutput {
  pages: {
    width: number;
    height: number;
    runs: Omit<PdfRun, 'page'>[];
  }[];
  info: Omit<PdfInfo, 'pages' | 'pageSizes'>;
  fonts: PdfFont[];
}

interface PdfContent {
  pages: { width: number; height: number; runs: PdfRun[] }[];
  info: PdfInfo;
  fonts: PdfFont[];
}

const READER = path.join(__dirname, 'pdf-reader.mjs');
const read = new Map<string, PdfContent>();

/** Everything the tests look at in a PDF (read once per distinct document). */
export function readPdf(pdf: Buffer): PdfContent {
  const key = createHash('sha256').update(pdf).digest('hex');
  const known = read.get(key);
  if (known) return known;
  const result = spawnSync(process.execPath, [READER], {
    input: pdf,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`pdf-reader.mjs failed (${result.status}): ${result.stderr}`);
  const output = JSON.parse(result.stdout) as ReaderOutput;
  const content: PdfContent = {
    pages: output.pages.map((page, index) => ({
      width: page.width,
      height: page.height,
      runs: page.runs.map((run) => ({ ...run, page: index + 1 })),
    })),
    info: {
      pages: output.pages.length,
      pageSizes: output.pages.map(({ width, height }) => ({ width, height })),
      ...output.info,
    },
    fonts: output.fonts,
  };
  read.set(key, content);
  return content;
}

/**
 * The text in reading order, as `pdftotext -layout` gives it: runs on one baseline make a line, left to right,
 * lines top to bottom; every page ends with a form feed. Runs that touch are joined, others get one space.
 */
export function pdfText(pdf: Buffer): string {
  return pdfPages(pdf)
    .map((page) => `${page}\f`)
    .join('');
}

/** Each page's text in reading order (see `pdfText`). */
export function pdfPages(pdf: Buffer): string[] {
  return readPdf(pdf).pages.map((page) =>
    linesOf(page.runs.filter((run) => run.text.trim() !== ''))
      .map((line) => joinRuns(line.sort((a, b) => a.xMin - b.xMin)))
      .join('\n'),
  );
}

/**
 * The text in drawing order, as `pdftotext -raw` gives it: a run on a new baseline starts a new line. A phrase the
 * document draws in one go stays together here even where another column sits beside it on the page.
 */
export function pdfRawText(pdf: Buffer, page?: number): string {
  const pages = readPdf(pdf).pages.filter((_, index) => page === undefined || index + 1 === page);
  return pages
    .map((p) => {
      let text = '';
      let previous: PdfRun | null = null;
      for (const run of p.runs) {
        if (previous !== null) text += separator(previous, run);
        text += run.text;
        previous = run;
      }
      return `${text}\f`;
    })
    .join('');
}

export function pdfPageCount(pdf: Buffer): number {
  return readPdf(pdf).info.pages;
}

export function pdfInfo(pdf: Buffer): PdfInfo {
  return readPdf(pdf).info;
}

/** The fonts of the document, read from their dictionaries (what `pdffonts` lists). */
export function pdfFonts(pdf: Buffer): PdfFont[] {
  return readPdf(pdf).fonts;
}

/** Every run of visible text with its box. */
export function pdfRuns(pdf: Buffer): PdfRun[] {
  return readPdf(pdf).pages.flatMap((page) => page.runs.filter((run) => run.text.trim() !== ''));
}

/**
 * Pairs of text runs whose boxes overlap on a page by more than a hair (adjacent lines may touch): what a reader
 * would see as text drawn over text. A run's box holds its words, so overlapping words always show here.
 */
export function pdfOverlaps(pdf: Buffer): string[] {
  const runs = pdfRuns(pdf);
  const found: string[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i];
      const b = runs[j];
      if (a.page !== b.page) continue;
      const dx = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const dy = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      if (dx > 0.5 && dy > 1.5) found.push(`p${a.page} "${a.text}" × "${b.text}"`);
    }
  }
  return found;
}

/** Same line: baselines closer than half the smaller font size. */
function sameLine(a: PdfRun, b: PdfRun): boolean {
  return Math.abs(a.baseline - b.baseline) < Math.min(a.size, b.size) / 2;
}

/** Runs grouped into lines, top to bottom. */
function linesOf(runs: PdfRun[]): PdfRun[][] {
  const lines: PdfRun[][] = [];
  for (const run of [...runs].sort((a, b) => a.baseline - b.baseline || a.xMin - b.xMin)) {
    const line = lines[lines.length - 1];
    if (line && sameLine(line[0], run)) line.push(run);
    else lines.push([run]);
  }
  return lines;
}

function joinRuns(runs: PdfRun[]): string {
  let text = '';
  runs.forEach((run, index) => {
    if (index > 0) text += separator(runs[index - 1], run);
    text += run.text;
  });
  return text.replace(/ {2,}/g, ' ').trim();
}

/** What a reader puts between two runs: nothing if they touch, a space on one line, a new line otherwise. */
function separator(previous: PdfRun, next: PdfRun): string {
  if (!sameLine(previous, next)) return '\n';
  const gap = next.xMin - previous.xMax;
  if (gap < 0 || gap > Math.min(previous.size, next.size) * 0.1) return ' ';
  return '';
}

/** Collects a binary supertest response into a Buffer. */
export function binaryParser(response: unknown, callback: (err: Error | null, body: Buffer) => void): void {
  const res = response as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
  res.on('error', (err: Error) => callback(err, Buffer.alloc(0)));
}
