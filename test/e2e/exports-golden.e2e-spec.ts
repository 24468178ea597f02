import * as ExcelJS from 'exceljs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { CLI_ACTOR } from '../../src/common/actor';
import type { ExportFormat, ExportParameters } from '../../src/exports/export.types';
import { ExportSourceService } from '../../src/exports/export-source.service';
import { ExportsService } from '../../src/exports/exports.service';
import { DB_LABEL } from '../support/database';
import { ExportBooks, FROM, TO } from '../support/export-books';

/**
 * The exports byte for byte: every format of the export books (test/support/export-books.ts), written with pages of
 * two entries so that entries, funds and lines fall on page boundaries, equals the text kept in
 * fixtures/exports-golden/ (written by the export before it streamed its rows in one pass). Only what changes
 * from run to run is masked: hashes (they cover the posting time) and times.
 *
 * GOLDEN_UPDATE=1 rewrites the fixtures from the current output: only for a deliberate change of a format.
 */
const FIXTURES = path.join(__dirname, 'fixtures', 'exports-golden');

const CASES: { name: string; format: ExportFormat; parameters: ExportParameters }[] = [
  { name: 'all', format: 'hledger', parameters: { fund: null, consolidated: false, from: null, to: null } },
  { name: 'lc-2023', format: 'hledger', parameters: { fund: 'LC', consolidated: false, from: FROM, to: TO } },
  { name: 'lc-group', format: 'hledger', parameters: { fund: 'LC', consolidated: true, from: FROM, to: TO } },
  { name: 'all', format: 'beancount', parameters: { fund: null, consolidated: false, from: null, to: null } },
  { name: 'lc-2023', format: 'csv', parameters: { fund: 'LC', consolidated: false, from: FROM, to: TO } },
  { name: 'all', format: 'xlsx', parameters: { fund: null, consolidated: false, from: null, to: null } },
];

function masked(text: string): string {
  return text
    .replace(/[0-9a-f]{64}/g, '<hash>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<time>');
}

/** A workbook as text: each sheet's name, then its rows as JSON. */
async function workbookText(data: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  const out: string[] = [];
  workbook.eachSheet((sheet) => {
    out.push(`# ${sheet.name}`);
    sheet.eachRow((row) => out.push(JSON.stringify(row.values)));
  });
  return `${out.join('\n')}\n`;
}

describe(`exports byte for byte (${DB_LABEL})`, () => {
  let books: ExportBooks;

  beforeAll(async () => {
    books = await ExportBooks.start();
    books.t.app.get(ExportSourceService).pageSize = 2;
  }, 120_000);
  afterAll(() => books.close());

  it.each(CASES)('$format of $name equals the kept text', async ({ name, format, parameters }) => {
    const exports = books.t.app.get(ExportsService);
    const plan = await exports.plan(CLI_ACTOR, parameters, `journal (${format})`);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exports.writeJournal(plan, format, out);
    const data = Buffer.concat(chunks);
    const text = masked(format === 'xlsx' ? await workbookText(data) : data.toString('utf8'));
    const file = path.join(FIXTURES, `${name}.${format}.txt`);
    if (process.env.GOLDEN_UPDATE === '1') {
      fs.mkdirSync(FIXTURES, { recursive: true });
      fs.writeFileSync(file, text);
    }
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
  });
});
