import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import * as yazl from 'yazl';

/**
 * Hand-made .xlsx packages for the reader's tests, written with yazl: small well-formed workbooks with chosen XML,
 * and "bombs" whose shared-string table unpacks to hundreds of megabytes from a zip of a few hundred kilobytes.
 * Large parts are generated as streams, so the test process never holds them.
 */

export interface WorkbookParts {
  /** The <sheetData> rows of the first sheet, as XML. */
  rows: string;
  /** The <si> items of xl/sharedStrings.xml as XML, or a stream of the whole part; none when omitted. */
  sharedStrings?: string | (() => Readable);
  /** The <numFmts> and <cellXfs> of xl/styles.xml; none when omitted. */
  styles?: string;
  date1904?: boolean;
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export async function writeWorkbook(path: string, parts: WorkbookParts): Promise<void> {
  const zip = new yazl.ZipFile();
  const add = (name: string, xml: string) => zip.addBuffer(Buffer.from(xml), name);
  add(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  add(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} xmlns:r="${REL}"><workbookPr${parts.date1904 ? ' date1904="1"' : ''}/><sheets><sheet name="Một" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  add(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="${REL}/styles" Target="/xl/styles.xml"/></Relationships>`,
  );
  add(
    'xl/worksheets/sheet1.xml',
    `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${parts.rows}</sheetData></worksheet>`,
  );
  if (typeof parts.sharedStrings === 'string') {
    add(
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><sst ${NS}>${parts.sharedStrings}</sst>`,
    );
  } else if (parts.sharedStrings) {
    zip.addReadStream(parts.sharedStrings(), 'xl/sharedStrings.xml');
  }
  if (parts.styles !== undefined) {
    add(
      'xl/styles.xml',
      `<?xml version="1.0" encoding="UTF-8"?><styleSheet ${NS}>${parts.styles}</styleSheet>`,
    );
  }
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'close');
}

/**
 * A shared-string table of `count` strings of `text`, each followed by `padding` spaces between the tags, generated
 * as it is read: `count` × (text + padding + 16) bytes unpacked, compressing about a thousandfold.
 */
export function sharedStringsStream(count: number, text = 'x', padding = 0): () => Readable {
  return () => {
    let made = 0;
    const item = `<si><t>${text}</t></si>${' '.repeat(padding)}`;
    const perChunk = Math.max(1, Math.floor((64 * 1024) / item.length));
    return new Readable({
      read() {
        if (made === 0) this.push(`<?xml version="1.0" encoding="UTF-8"?><sst ${NS} count="${count}">`);
        if (made >= count) {
          this.push('</sst>');
          this.push(null);
          return;
        }
        const n = Math.min(perChunk, count - made);
        made += n;
        this.push(item.repeat(n));
      },
    });
  };
}

/**
 * A workbook whose xl/sharedStrings.xml unpacks to at least `megabytes` MB, in 128-byte strings (mostly markup and
 * white space): the XLSX bomb of issue 9.
 */
export async function writeXlsxBomb(path: string, megabytes: number): Promise<void> {
  const count = Math.ceil((megabytes * 1024 * 1024) / 128);
  await writeWorkbook(path, {
    rows: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
    sharedStrings: sharedStringsStream(count, 'x'.repeat(24), 128 - 24 - 16),
  });
}

/**
 * Rewrites the zip's central directory so that every entry claims to unpack to `bytes`: a bomb that lies about its
 * size, which only counting the inflated bytes catches.
 */
export function understateSizes(path: string, bytes: number): void {
  const zip = readFileSync(path);
  for (let at = zip.indexOf(CENTRAL); at !== -1; at = zip.indexOf(CENTRAL, at + 4)) {
    if (zip.readUInt32LE(at + 24) > bytes) zip.writeUInt32LE(bytes, at + 24);
  }
  writeFileSync(path, zip);
}

const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
