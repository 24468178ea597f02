import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sharedStringsStream,
  understateSizes,
  writeWorkbook,
  writeXlsxBomb,
  WorkbookParts,
} from '../../test/support/xlsx';
import { InvalidRequestError } from '../common/errors';
import { readXlsxRows, XLSX_LIMITS, XlsxRow } from './xlsx-reader';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'xlsx-reader-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
async function workbook(parts: WorkbookParts): Promise<string> {
  const path = join(dir, `w${++fileNo}.xlsx`);
  await writeWorkbook(path, parts);
  return path;
}

async function rows(path: string): Promise<XlsxRow[]> {
  const result: XlsxRow[] = [];
  for await (const row of readXlsxRows(path)) result.push(row);
  return result;
}

async function refusal(path: string): Promise<string> {
  try {
    await rows(path);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as InvalidRequestError).messages.join('\n');
  }
  throw new Error('the workbook was read');
}

describe('cells', () => {
  it('reads shared, inline and formula strings, numbers, booleans, errors and dates by their format', async () => {
    const path = await workbook({
      sharedStrings:
        '<si><t>Nguyễn Văn A &amp; B</t></si>' +
        '<si><r><t>Lê Đức </t></r><r><rPr><b/></rPr><t>Thắng</t></r><rPh><t>phonetic</t></rPh></si>',
      styles:
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>' +
        '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>' +
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="3"/></cellXfs>',
      rows:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="inlineStr"><is><t>inline &lt;x&gt;</t></is></c></row>' +
        '<row r="3"><c r="A3" s="1"><v>45127</v></c><c r="B3" s="2"><v>45128</v></c><c r="C3" s="3"><v>55500000</v></c>' +
        '<c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#DIV/0!</v></c><c r="F3" t="str"><f>A1</f><v>kết quả</v></c>' +
        '<c r="G3"><f>1+1</f></c></row>' +
        '<row r="4"><c r="A4" t="s"/><c r="B4"><v></v></c></row>',
    });
    expect(await rows(path)).toEqual([
      { line: 1, cells: ['Nguyễn Văn A & B', 'Lê Đức Thắng', null, 'inline <x>'] },
      {
        line: 3,
        cells: [
          new Date(Date.UTC(2023, 6, 20)),
          new Date(Date.UTC(2023, 6, 21)),
          55500000,
          true,
          { error: '#DIV/0!' },
          'kết quả',
          null,
        ],
      },
    ]);
  });

  it('counts days from 1904 when the workbook says so', async () => {
    const path = await workbook({
      date1904: true,
      styles: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>',
      rows: '<row r="1"><c r="A1" s="1"><v>43665</v></c></row>',
    });
    expect((await rows(path))[0].cells).toEqual([new Date(Date.UTC(2023, 6, 20))]);
  });

  it('refuses a DOCTYPE (no entity expansion) and a cell naming a shared string it does not have', async () => {
    const empty = await workbook({
      rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>',
      sharedStrings: () => sharedStringsStream(0)(),
    });
    expect(await rows(empty)).toHaveLength(1);
    const bad = await workbook({
      sharedStrings: '<!DOCTYPE sst [<!ENTITY a "aaaaaaaa">]><si><t>&a;</t></si>',
      rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
    });
    expect(await refusal(bad)).toMatch(/DOCTYPE/);
    const missing = await workbook({
      sharedStrings: '<si><t>one</t></si>',
      rows: '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',
    });
    expect(await refusal(missing)).toMatch(/shared string 7/);
  });
});

describe('limits (the XLSX bomb)', () => {
  it('refuses a shared-string table that says it unpacks past the limit, before inflating it', async () => {
    const path = join(dir, 'bomb.xlsx');
    await writeXlsxBomb(path, 200);
    expect(statSync(path).size).toBeLessThan(2 * 1024 * 1024);
    expect(await refusal(path)).toBe(
      'the shared strings (xl/sharedStrings.xml) unpacks to more than 64 MB; the limit is 64 MB. ' +
        'Save the sheet as CSV (UTF-8), or split it into smaller files',
    );
  }, 60_000);

  it('refuses a table that lies about its size as soon as the inflated bytes pass the limit', async () => {
    const path = join(dir, 'lying-bomb.xlsx');
    await writeXlsxBomb(path, 70);
    understateSizes(path, 1000);
    expect(await refusal(path)).toMatch(
      /^the shared strings \(xl\/sharedStrings.xml\) unpacks to more than 64 MB/,
    );
  }, 60_000);

  it('refuses more shared strings than the limit, and more text than the limit', async () => {
    const many = await workbook({
      rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
      sharedStrings: sharedStringsStream(XLSX_LIMITS.sharedStrings + 1, 'a'),
    });
    expect(await refusal(many)).toMatch(/more than 1000000 shared strings; the limit is 1000000/);
    const long = await workbook({
      rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
      // 40 MB of text in 30,000-character strings: under the XML limit, over the text limit.
      sharedStrings: sharedStringsStream(1400, 'ơ'.repeat(15_000)),
    });
    expect(await refusal(long)).toMatch(/shared strings hold more than 32 MB of text; the limit is 32 MB/);
  }, 60_000);

  it('refuses a cell past the column limit, a row past the row limit, and a cell past 32,767 characters', async () => {
    const wide = await workbook({ rows: '<row r="2"><c r="IW2"><v>1</v></c></row>' });
    expect(await refusal(wide)).toBe('line 2: a cell in column 257 (IW2); the limit is 256 columns');
    const deep = await workbook({ rows: '<row r="1048577"><c r="A1048577"><v>1</v></c></row>' });
    expect(await refusal(deep)).toBe('the worksheet has a row 1048577; the limit is 1048576 rows');
    const long = await workbook({
      rows: `<row r="5"><c r="A5" t="inlineStr"><is><t>${'x'.repeat(40_000)}</t></is></c></row>`,
    });
    expect(await refusal(long)).toBe('line 5: a cell holds more than 32767 characters; the limit is 32767');
  });
});
