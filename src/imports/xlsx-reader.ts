import { StringDecoder } from 'node:string_decoder';
import { pipeline, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import * as yauzl from 'yauzl';
import { InvalidRequestError } from '../common/errors';
import { CellValue, isBlankRow } from './cells';
import { XmlError, XmlHandler, XmlTokenizer } from './xml-tokens';

/**
 * Reads the first worksheet of an .xlsx workbook, row by row, within fixed limits (XLSX_LIMITS), so that a small
 * file that unpacks to gigabytes (a "zip bomb") or holds millions of shared strings is refused with a 400 naming
 * the limit, instead of filling the server's memory. The zip is read through its central directory (yauzl) and
 * each part is inflated here, counting the bytes: a part that unpacks to more than its limit is refused as soon as
 * it gets there, whatever size the zip claims for it. The shared strings are kept as UTF-8 bytes in a few large
 * buffers (not millions of JavaScript strings), so their memory is bounded by the limit.
 */

const MB = 1024 * 1024;

export const XLSX_LIMITS = {
  /** Files in the zip. */
  zipEntries: 10_000,
  /** Unpacked size of xl/sharedStrings.xml. */
  sharedStringsXmlBytes: 64 * MB,
  /** Distinct strings in the shared-string table. */
  sharedStrings: 1_000_000,
  /** Their text, in UTF-8 bytes: what is held in memory while the sheet is read. */
  sharedStringsTextBytes: 32 * MB,
  /** Unpacked size of the worksheet read (it is streamed, never held). */
  sheetXmlBytes: 512 * MB,
  /** Unpacked size of each other part read: the workbook, its relationships and styles. */
  otherPartBytes: 16 * MB,
  /** Cell formats (styles.xml cellXfs). */
  cellFormats: 65_536,
  /** Excel's own limits: rows in a sheet and characters in a cell. */
  rows: 1_048_576,
  cellChars: 32_767,
} as const;

/** Columns a row may reach, for CSV and XLSX alike: far more than any import names. */
export const MAX_COLUMNS = 256;

export interface XlsxRow {
  line: number;
  cells: CellValue[];
}

/** Bytes taken from the file so far (compressed, for a workbook). */
export interface ByteMeter {
  bytesRead: number;
}

/** Streams the non-blank rows of the workbook's first worksheet. */
export async function* readXlsxRows(path: string, meter?: ByteMeter): AsyncGenerator<XlsxRow> {
  const zip = await openZip(path);
  try {
    const parts = await listParts(zip);
    const workbook = new Workbook(zip, parts, meter);
    const sheet = await workbook.firstSheetPath();
    const strings = await workbook.sharedStrings();
    const styles = await workbook.dateStyles();
    const date1904 = workbook.date1904;
    const rows: XlsxRow[] = [];
    const reader = new SheetReader(strings, styles, date1904, (row) => rows.push(row));
    const tokens = new XmlTokenizer(reader);
    for await (const text of workbook.partText(sheet, XLSX_LIMITS.sheetXmlBytes, 'the worksheet')) {
      xml(() => tokens.write(text));
      yield* rows.splice(0, rows.length);
    }
    xml(() => tokens.end());
    yield* rows.splice(0, rows.length);
  } finally {
    zip.close();
  }
}

async function openZip(path: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      strictFileNames: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw unreadable(error);
  }
}

async function listParts(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > XLSX_LIMITS.zipEntries) {
    throw new InvalidRequestError(
      `the workbook holds ${zip.entryCount} files; the limit is ${XLSX_LIMITS.zipEntries}`,
    );
  }
  const parts = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) parts.set(entry.fileName.replace(/^\/+/, ''), entry);
  } catch (error) {
    throw unreadable(error);
  }
  return parts;
}

function unreadable(error: unknown): InvalidRequestError {
  if (error instanceof InvalidRequestError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new InvalidRequestError(`the file is not a readable .xlsx workbook: ${reason}`);
}

function xml(step: () => void): void {
  try {
    step();
  } catch (error) {
    if (error instanceof XmlError) throw unreadable(error);
    throw error;
  }
}

/** The parts of the package other than the sheet: where things are, the date system, styles, shared strings. */
class Workbook {
  date1904 = false;
  private workbookPath = 'xl/workbook.xml';
  private readonly relations = new Map<string, string>();
  /** The workbook's related parts by the last segment of their type ("/styles"), the first of each. */
  private readonly relationTypes = new Map<string, string>();

  constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly parts: ReadonlyMap<string, yauzl.Entry>,
    private readonly meter?: ByteMeter,
  ) {}

  /** The first sheet of the workbook (its first tab), found through the package's relationships. */
  async firstSheetPath(): Promise<string> {
    const root = await this.relationships('_rels/.rels', '');
    this.workbookPath =
      [...root.entries()].find(([type]) => type.endsWith('/officeDocument'))?.[1] ?? 'xl/workbook.xml';
    if (!this.parts.has(this.workbookPath)) throw unreadable(new Error(`it has no ${this.workbookPath}`));
    const folder = folderOf(this.workbookPath);
    const rels = await this.relationshipsById(`${folder}_rels/${baseName(this.workbookPath)}.rels`, folder);
    for (const [id, target] of rels) this.relations.set(id, target);
    let firstSheetId: string | null = null;
    await this.parse(this.workbookPath, {
      open: (name, attributes) => {
        if (name === 'workbookPr') {
          this.date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
        } else if (name === 'sheet' && firstSheetId === null) {
          firstSheetId = attributes.id ?? '';
        }
      },
    });
    const path = firstSheetId === null ? undefined : this.relations.get(firstSheetId);
    if (path === undefined || !this.parts.has(path)) {
      throw new InvalidRequestError('the workbook has no worksheet');
    }
    return path;
  }

  /** The shared-string table, within its limits (an empty one when the workbook has none). */
  async sharedStrings(): Promise<SharedStrings> {
    const strings = new SharedStrings();
    const path = this.relatedPart('/sharedStrings', 'sharedStrings.xml');
    if (path === null) return strings;
    let phonetic = 0;
    let inText = false;
    let text: string[] | null = null;
    let chars = 0;
    await this.parse(
      path,
      {
        open: (name) => {
          if (name === 'si') {
            text = [];
            chars = 0;
          } else if (name === 'rPh') phonetic += 1;
          else if (name === 't') inText = phonetic === 0;
        },
        text: (piece) => {
          if (text === null || !inText) return;
          chars += piece.length;
          if (chars > XLSX_LIMITS.cellChars) throw tooLongCell();
          text.push(piece);
        },
        close: (name) => {
          if (name === 'si' && text !== null) {
            strings.add(text.join(''));
            text = null;
          } else if (name === 'rPh') phonetic -= 1;
          else if (name === 't') inText = false;
        },
      },
      XLSX_LIMITS.sharedStringsXmlBytes,
      'the shared strings',
      true,
    );
    return strings;
  }

  /** For each cell format (the `s` of a cell), whether it shows a number as a date. */
  async dateStyles(): Promise<boolean[]> {
    const path = this.relatedPart('/styles', 'styles.xml');
    if (path === null) return [];
    const customFormats = new Map<number, string>();
    const formatIds: number[] = [];
    let inCellFormats = false;
    await this.parse(path, {
      open: (name, attributes) => {
        if (name === 'numFmt') customFormats.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
        else if (name === 'cellXfs') inCellFormats = true;
        else if (name === 'xf' && inCellFormats) {
          if (formatIds.length >= XLSX_LIMITS.cellFormats) {
            throw new InvalidRequestError(
              `the workbook has more than ${XLSX_LIMITS.cellFormats} cell formats; the limit is ${XLSX_LIMITS.cellFormats}`,
            );
          }
          formatIds.push(Number(attributes.numFmtId ?? 0));
        }
      },
      close: (name) => {
        if (name === 'cellXfs') inCellFormats = false;
      },
    });
    return formatIds.map((id) => {
      const custom = customFormats.get(id);
      return custom === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateFormat(custom);
    });
  }

  /** A part's text, decoded as UTF-8, as it is inflated; refused once it unpacks to more than `limit` bytes. */
  async *partText(path: string, limit: number, what: string): AsyncGenerator<string> {
    const entry = this.parts.get(path);
    if (!entry) return;
    const tooBig = () =>
      new InvalidRequestError(
        `${what} (${path}) unpacks to more than ${limit / MB} MB; the limit is ${limit / MB} MB. ` +
          'Save the sheet as CSV (UTF-8), or split it into smaller files',
      );
    if (entry.uncompressedSize > limit) throw tooBig();
    if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
      throw unreadable(new Error(`${path} is encrypted or compressed in an unknown way`));
    }
    let raw: Readable;
    try {
      raw = await this.zip.openReadStreamPromise(entry, { decodeFileData: false });
    } catch (error) {
      throw unreadable(error);
    }
    const meter = this.meter;
    if (meter) raw.on('data', (chunk: Buffer) => (meter.bytesRead += chunk.length));
    // pipeline: an error on either side ends the loop below with it.
    const inflated = entry.compressionMethod === 8 ? pipeline(raw, createInflateRaw(), noop) : raw;
    const decoder = new StringDecoder('utf8');
    let unpacked = 0;
    try {
      for await (const chunk of inflated as AsyncIterable<Buffer>) {
        unpacked += chunk.length;
        if (unpacked > limit) throw tooBig();
        yield decoder.write(chunk);
      }
      yield decoder.end();
    } catch (error) {
      throw unreadable(error);
    } finally {
      raw.destroy();
      inflated.destroy();
    }
  }

  private async parse(
    path: string,
    handler: Partial<XmlHandler>,
    limit: number = XLSX_LIMITS.otherPartBytes,
    what = 'a part of the workbook',
    keepText = false,
  ): Promise<void> {
    const tokens = new XmlTokenizer({
      open: handler.open ?? noop,
      close: handler.close ?? noop,
      text: keepText && handler.text ? handler.text : noop,
    });
    for await (const text of this.partText(path, limit, what)) xml(() => tokens.write(text));
    xml(() => tokens.end());
  }

  /** The part the workbook relates by a type ending in `typeSuffix`, or its usual name beside the workbook. */
  private relatedPart(typeSuffix: string, usualName: string): string | null {
    const byType = this.relationTypes.get(typeSuffix);
    if (byType !== undefined && this.parts.has(byType)) return byType;
    const usual = `${folderOf(this.workbookPath)}${usualName}`;
    return this.parts.has(usual) ? usual : null;
  }

  private async relationships(path: string, folder: string): Promise<Map<string, string>> {
    const byType = new Map<string, string>();
    if (!this.parts.has(path)) return byType;
    await this.parse(path, {
      open: (name, attributes) => {
        if (name === 'Relationship' && attributes.Target && attributes.Type) {
          byType.set(attributes.Type, resolvePart(folder, attributes.Target));
        }
      },
    });
    return byType;
  }

  private async relationshipsById(path: string, folder: string): Promise<Map<string, string>> {
    const byId = new Map<string, string>();
    if (!this.parts.has(path)) return byId;
    await this.parse(path, {
      open: (name, attributes) => {
        if (name !== 'Relationship' || !attributes.Target) return;
        const target = resolvePart(folder, attributes.Target);
        if (attributes.Id) byId.set(attributes.Id, target);
        const type = attributes.Type ?? '';
        const suffix = type.slice(type.lastIndexOf('/'));
        if (!this.relationTypes.has(suffix)) this.relationTypes.set(suffix, target);
      },
    });
    return byId;
  }
}

function noop(): void {
  // An event this parse does not need.
}

/**
 * The shared-string table as UTF-8 bytes in 4 MB slabs, with each string's slab, start and length in one typed
 * array: some 12 bytes a string beyond its text, and no per-string object for the garbage collector.
 */
class SharedStrings {
  private static readonly SLAB_BYTES = 4 * MB;
  private readonly slabs: Buffer[] = [];
  private used = SharedStrings.SLAB_BYTES;
  private index = new Uint32Array(3 * 1024);
  private count = 0;
  private textBytes = 0;

  add(text: string): void {
    if (this.count >= XLSX_LIMITS.sharedStrings) {
      throw new InvalidRequestError(
        `the workbook has more than ${XLSX_LIMITS.sharedStrings} shared strings; the limit is ` +
          `${XLSX_LIMITS.sharedStrings}. Save the sheet as CSV (UTF-8), or split it into smaller files`,
      );
    }
    const bytes = Buffer.byteLength(text);
    this.textBytes += bytes;
    if (this.textBytes > XLSX_LIMITS.sharedStringsTextBytes) {
      const limit = XLSX_LIMITS.sharedStringsTextBytes / MB;
      throw new InvalidRequestError(
        `the workbook's shared strings hold more than ${limit} MB of text; the limit is ${limit} MB. ` +
          'Save the sheet as CSV (UTF-8), or split it into smaller files',
      );
    }
    if (this.used + bytes > SharedStrings.SLAB_BYTES) {
      this.slabs.push(Buffer.allocUnsafe(Math.max(SharedStrings.SLAB_BYTES, bytes)));
      this.used = 0;
    }
    const slab = this.slabs.length - 1;
    this.slabs[slab].write(text, this.used, 'utf8');
    if (3 * (this.count + 1) > this.index.length) {
      const grown = new Uint32Array(this.index.length * 2);
      grown.set(this.index);
      this.index = grown;
    }
    this.index.set([slab, this.used, bytes], 3 * this.count);
    this.used += bytes;
    this.count += 1;
  }

  get(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    const [slab, start, length] = this.index.subarray(3 * i, 3 * i + 3);
    return this.slabs[slab].toString('utf8', start, start + length);
  }
}

/** Turns the sheet's XML events into rows of plain cell values. */
class SheetReader implements XmlHandler {
  private rowNumber = 0;
  private cells: CellValue[] | null = null;
  private column = 0;
  private cell: { type: string; style: number; ref: string } | null = null;
  /** Text of the cell's <v>, or of its inline string's <t> parts. */
  private value: string[] | null = null;
  private valueChars = 0;
  private capturing = false;
  private phonetic = 0;

  constructor(
    private readonly strings: SharedStrings,
    private readonly dateStyles: readonly boolean[],
    private readonly date1904: boolean,
    private readonly emit: (row: XlsxRow) => void,
  ) {}

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    switch (name) {
      case 'row': {
        const number = attributes.r === undefined ? this.rowNumber + 1 : Number(attributes.r);
        if (!Number.isInteger(number) || number <= this.rowNumber) {
          throw unreadable(new Error(`row ${attributes.r} is out of order`));
        }
        if (number > XLSX_LIMITS.rows) {
          throw new InvalidRequestError(
            `the worksheet has a row ${number}; the limit is ${XLSX_LIMITS.rows} rows`,
          );
        }
        this.rowNumber = number;
        this.cells = [];
        this.column = 0;
        break;
      }
      case 'c': {
        if (this.cells === null) return;
        const ref = attributes.r ?? '';
        const column = ref === '' ? this.column + 1 : columnNumber(ref);
        if (column > MAX_COLUMNS) {
          throw new InvalidRequestError(
            `line ${this.rowNumber}: a cell in column ${column} (${ref}); the limit is ${MAX_COLUMNS} columns`,
          );
        }
        this.column = column;
        this.cell = { type: attributes.t ?? 'n', style: Number(attributes.s ?? 0), ref };
        this.value = null;
        this.valueChars = 0;
        break;
      }
      case 'v':
        if (this.cell !== null) {
          this.value = [];
          this.capturing = true;
        }
        break;
      case 'is':
        if (this.cell !== null) this.value = [];
        break;
      case 'rPh':
        this.phonetic += 1;
        break;
      case 't':
        if (this.cell !== null && this.value !== null && this.phonetic === 0) this.capturing = true;
        break;
      default:
        break;
    }
  }

  text(text: string): void {
    if (!this.capturing || this.value === null) return;
    this.valueChars += text.length;
    if (this.valueChars > XLSX_LIMITS.cellChars) throw tooLongCell(this.rowNumber);
    this.value.push(text);
  }

  close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.capturing = false;
        break;
      case 'rPh':
        this.phonetic -= 1;
        break;
      case 'c':
        if (this.cells !== null && this.cell !== null) {
          this.cells[this.column - 1] = this.valueOf(this.cell, this.value?.join('') ?? null);
        }
        this.cell = null;
        this.value = null;
        break;
      case 'row':
        if (this.cells !== null) {
          const cells = this.cells;
          for (let i = 0; i < cells.length; i++) cells[i] ??= null;
          if (!isBlankRow(cells)) this.emit({ line: this.rowNumber, cells });
        }
        this.cells = null;
        break;
      default:
        break;
    }
  }

  /** A cell as a plain value: text, a number, a date (a number in a date format), a boolean or an error. */
  private valueOf(cell: { type: string; style: number; ref: string }, text: string | null): CellValue {
    if (text === null) return null;
    switch (cell.type) {
      case 's': {
        const value = this.strings.get(Number(text));
        if (value === undefined) {
          throw unreadable(new Error(`cell ${cell.ref} names shared string ${text}, which it does not have`));
        }
        return value;
      }
      case 'inlineStr':
      case 'str':
        return text;
      case 'b':
        return text.trim() === '' ? null : text.trim() !== '0';
      case 'e':
        return { error: text };
      case 'd': {
        const date = new Date(text);
        return Number.isNaN(date.getTime()) ? text : date;
      }
      default: {
        if (text.trim() === '') return null;
        const number = Number(text);
        if (!Number.isFinite(number)) return text;
        return this.dateStyles[cell.style] ? excelDate(number, this.date1904) : number;
      }
    }
  }
}

function tooLongCell(line?: number): InvalidRequestError {
  return new InvalidRequestError(
    `${line === undefined ? '' : `line ${line}: `}a cell holds more than ${XLSX_LIMITS.cellChars} characters; ` +
      `the limit is ${XLSX_LIMITS.cellChars}`,
  );
}

/** "B12" → 2, "AA3" → 27. */
function columnNumber(ref: string): number {
  let column = 0;
  for (const char of ref.toUpperCase()) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
    if (column > MAX_COLUMNS) return column;
  }
  return column;
}

/** Excel's serial day number (fractions are the time of day) as a UTC date. */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** A custom format shows a date when, outside quoted text and [brackets], it uses y, m, d, h, s. */
function isDateFormat(code: string): boolean {
  return /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash + 1);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A relationship's target, relative to the folder of the part that names it, as a path inside the zip. */
function resolvePart(folder: string, target: string): string {
  const segments = target.startsWith('/') ? [] : folder.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}
