import * as ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRequestError } from '../common/errors';
import { detectFormat, ReadMeter, readTable, sha256File, SourceRow, TableFormat } from './table-reader';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'table-reader-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${++fileNo}`);
  writeFileSync(path, content);
  return path;
}

async function rows(path: string, format?: TableFormat, meter?: ReadMeter): Promise<SourceRow[]> {
  const result: SourceRow[] = [];
  for await (const row of readTable(path, format ?? (await detectFormat(path)), meter)) result.push(row);
  return result;
}

describe('CSV', () => {
  it('reads UTF-8 with a BOM, skips blank lines, and gives each row its line in the file', async () => {
    const path = file(
      '\ufeffa,b,c\r\n1,Nguyễn Văn Hùng,3\r\n\r\n,,\r\n4,"nhiều\r\ndòng",6\r\n7,"x, y",9\r\n',
    );
    const meter = { bytesRead: 0 };
    expect(await rows(path, 'csv', meter)).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'Nguyễn Văn Hùng', '3'] },
      { line: 5, cells: ['4', 'nhiều\r\ndòng', '6'] },
      { line: 7, cells: ['7', 'x, y', '9'] },
    ]);
    expect(meter.bytesRead).toBeGreaterThan(0);
  });

  it('reads a file without a BOM the same', async () => {
    expect(await rows(file('a,b\n1,2\n'))).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ]);
  });

  it('takes semicolons or tabs when the header uses them (Excel with Vietnamese regional settings)', async () => {
    expect(await rows(file('ma_quy;so_tien\nLC;55.500.000\n'))).toEqual([
      { line: 1, cells: ['ma_quy', 'so_tien'] },
      { line: 2, cells: ['LC', '55.500.000'] },
    ]);
    expect((await rows(file('a\tb\n1\t2\n')))[1].cells).toEqual(['1', '2']);
  });

  it('keeps rows with too few or too many cells for the row checks to report', async () => {
    expect((await rows(file('a,b,c\n1\n1,2,3,4\n'))).map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['1'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('reads a file without quotes or carriage returns (the fast path) as csv-parse reads it with CRLF', async () => {
    // Past one 64 KB block; blank lines and a BOM.
    const lines = ['\ufeffma_quy,ten', ...Array.from({ length: 3000 }, (_, i) => `LC,Nguyễn Văn Hùng ${i}`)];
    lines.splice(5, 0, '', ',,');
    const plain = await rows(file(`${lines.join('\n')}\n`));
    expect(plain).toEqual(await rows(file(`${lines.join('\r\n')}\r\n`)));
    expect(plain).toHaveLength(3001);
    expect(plain[5]).toEqual({ line: 8, cells: ['LC', 'Nguyễn Văn Hùng 4'] });
    await expect(rows(file(`a,b\n1,${'x'.repeat(70_000)}\n`))).rejects.toThrow(
      /^line 2: the file is not valid CSV/,
    );
  });

  it('reads a letter whose bytes fall on both sides of a 64 KB block as that letter (the fast path)', async () => {
    // Padding chosen so that byte 65,536 is the middle of a three-byte "ễ": the reader's buffer is reused for the
    // next block while the decoder still holds the letter's first bytes.
    const content = (pad: number) =>
      Buffer.from(
        `ma_quy,ten\n${'x'.repeat(pad)},a\n${Array.from({ length: 4000 }, (_, i) => `LC,ễễễ ${i}`).join('\n')}\n`,
      );
    const pad = Array.from({ length: 32 }, (_, p) => p).find(
      (p) => (content(p)[65_536] & 0xc0) === 0x80,
    ) as number;
    expect(pad).toBeDefined();
    const read = await rows(file(content(pad)));
    expect(read).toHaveLength(4002);
    expect(read.slice(2).every((row, i) => row.cells[1] === `ễễễ ${i}`)).toBe(true);
  });

  it('refuses broken quoting with its line', async () => {
    const path = file('a,b\n1,2\n3,"x"y\n');
    await expect(rows(path)).rejects.toThrow(InvalidRequestError);
    await expect(rows(path)).rejects.toThrow(/^line 3: the file is not valid CSV/);
  });
});

describe('detectFormat', () => {
  it('tells XLSX from CSV by content, and refuses old .xls and empty files', async () => {
    expect(await detectFormat(file('a,b\n'))).toBe('csv');
    expect(await detectFormat(file(Buffer.from('PK\u0003\u0004rest')))).toBe('xlsx');
    await expect(detectFormat(file(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1])))).rejects.toThrow(
      /\.xls/,
    );
    await expect(detectFormat(file(''))).rejects.toThrow(/empty/);
  });
});

describe('XLSX', () => {
  async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    const path = join(dir, `w${++fileNo}.xlsx`);
    await wb.xlsx.writeFile(path);
    return path;
  }

  it('reads the first worksheet: strings, numbers, date cells, rich text, formulas and blank cells', async () => {
    const path = await workbook((wb) => {
      const sheet = wb.addWorksheet('Đóng góp');
      sheet.addRow(['fund_code', 'date', 'amount', 'donor_name']);
      sheet.addRow(['LC', new Date(Date.UTC(2023, 6, 20)), 55500000, 'Trần Thị Thu Hà']);
      sheet.addRow([]);
      sheet.addRow([
        'LC',
        '20/07/2023',
        { formula: 'A1', result: 1500000 },
        { richText: [{ text: 'Lê Đức ' }, { text: 'Thắng' }] },
      ]);
      sheet.getCell('B5').value = '2023-07-21';
      wb.addWorksheet('Khác').addRow(['not', 'read']);
    });
    expect(await detectFormat(path)).toBe('xlsx');
    expect(await rows(path)).toEqual([
      { line: 1, cells: ['fund_code', 'date', 'amount', 'donor_name'] },
      { line: 2, cells: ['LC', new Date(Date.UTC(2023, 6, 20)), 55500000, 'Trần Thị Thu Hà'] },
      { line: 4, cells: ['LC', '20/07/2023', 1500000, 'Lê Đức Thắng'] },
      { line: 5, cells: [null, '2023-07-21'] },
    ]);
  });

  it('leaves no temporary files behind, also when the reader stops early', async () => {
    const path = await workbook((wb) => {
      for (const name of ['Một', 'Hai']) {
        const sheet = wb.addWorksheet(name);
        for (let i = 0; i < 50; i++) sheet.addRow([`${name} ${i}`, i]);
      }
    });
    const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`tmp-${process.pid}-`));
    for await (const row of readTable(path, 'xlsx')) {
      if (row.line === 3) break;
    }
    expect((await rows(path)).length).toBe(50);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(leftovers()).toEqual([]);
  });

  it('refuses a zip that is not a workbook', async () => {
    const path = file(Buffer.from('PK\u0003\u0004 this is not really a zip file at all'));
    await expect(rows(path, 'xlsx')).rejects.toThrow(InvalidRequestError);
  });
});

it('sha256File hashes the bytes, of one block or several (the last one short)', async () => {
  const content = 'fund_code,date\nLC,2023-07-20\n';
  expect(await sha256File(file(content))).toBe(createHash('sha256').update(content).digest('hex'));
  const blocks = Buffer.from(Array.from({ length: 150_001 }, (_, i) => (i * 7) % 251));
  expect(await sha256File(file(blocks))).toBe(createHash('sha256').update(blocks).digest('hex'));
});

describe('CSV text encoding', () => {
  it('refuses bytes that are not UTF-8, naming the line, instead of storing U+FFFD', async () => {
    const file = join(dir, 'not-utf8.csv');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('name,amount\nok,1\nNguy'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('n,2\n'),
      ]),
    );
    const read = async () => {
      for await (const row of readTable(file, 'csv')) void row;
    };
    await expect(read()).rejects.toThrow(/line 3: the file is not UTF-8 text/);
  });
});
