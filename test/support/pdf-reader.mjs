// Reads the PDF on stdin with pdf.js (the npm package unpdf) and prints what the tests look at, as JSON:
// every page's size and text runs (with their boxes), the document info, and the fonts.
// A separate `node` process because pdf.js is an ES module, which jest's CommonJS runtime cannot import;
// test/support/pdf.ts runs it and turns the runs into text.
import { Buffer } from 'node:buffer';

const { getDocument } = await import('unpdf/pdfjs');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const bytes = Buffer.concat(chunks);

const doc = await getDocument({
  data: new Uint8Array(bytes),
  isEvalSupported: false,
  disableFontFace: true,
  useSystemFonts: false,
  verbosity: 0,
}).promise;

const pages = [];
for (let number = 1; number <= doc.numPages; number++) {
  const page = await doc.getPage(number);
  const [x0, y0, x1, y1] = page.view;
  const content = await page.getTextContent();
  const runs = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str === '') continue;
    const style = content.styles[item.fontName] ?? { ascent: 0.8, descent: -0.2 };
    const [a, b, c, d, e, f] = item.transform;
    const size = Math.hypot(c, d);
    // The run's rectangle: its advance along the baseline, from the font's descent to its ascent.
    const along = Math.hypot(a, b) || 1;
    const corners = [0, item.width].flatMap((u) =>
      [style.descent, style.ascent].map((v) => [e + (u * a) / along + v * c, f + (u * b) / along + v * d]),
    );
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    runs.push({
      text: item.str,
      size,
      // Top-left origin, as a reader sees the page (and as poppler reports boxes).
      baseline: y1 - f,
      xMin: Math.min(...xs) - x0,
      xMax: Math.max(...xs) - x0,
      yMin: y1 - Math.max(...ys),
      yMax: y1 - Math.min(...ys),
    });
  }
  pages.push({ width: x1 - x0, height: y1 - y0, runs });
  page.cleanup();
}

const { info } = await doc.getMetadata();
await doc.destroy();

process.stdout.write(JSON.stringify({ pages, info: documentInfo(info), fonts: fonts(bytes) }));

/** The info dictionary, its dates as ISO 8601 in UTC. */
function documentInfo(info) {
  const text = (value) => (typeof value === 'string' ? value : null);
  return {
    title: text(info.Title),
    author: text(info.Author),
    subject: text(info.Subject),
    keywords: text(info.Keywords),
    creator: text(info.Creator),
    producer: text(info.Producer),
    creationDate: pdfDate(info.CreationDate),
    modDate: pdfDate(info.ModDate),
    language: text(info.Language),
  };
}

/** `D:YYYYMMDDHHmmSS` with `Z` or `±HH'mm'` → `YYYY-MM-DDTHH:mm:ssZ` (UTC); null when absent. */
function pdfDate(value) {
  if (typeof value !== 'string') return null;
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|([+-])(\d{2})'?(\d{2})?'?)?$/.exec(value);
  if (!m) throw new Error(`not a PDF date: ${value}`);
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', , sign, oh = '00', om = '00'] = m;
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offsetMinutes * 60_000;
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}

/**
 * The fonts, as poppler's pdffonts reports them: read from the font dictionaries themselves (pdf.js keeps the
 * encoding and the ToUnicode map to itself). Objects are found through the cross-reference table, which is how
 * pdfkit writes every PDF; anything else (object streams, a broken table) is refused, never guessed at.
 */
function fonts(pdf) {
  const text = pdf.toString('latin1');
  const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!start) throw new Error('no startxref at the end of the PDF');
  const table = /^xref\s+(\d+)\s+(\d+)\s+/.exec(text.slice(Number(start[1])));
  if (!table) throw new Error('no classic cross-reference table (object streams are not read here)');
  const first = Number(table[1]);
  const offsets = new Map();
  const entries = text.slice(Number(start[1]) + table[0].length).split(/\r?\n|\r/);
  for (let i = 0; i < Number(table[2]); i++) {
    const [offset, , kind] = entries[i].trim().split(/\s+/);
    if (kind === 'n') offsets.set(first + i, Number(offset));
  }
  const object = (id) => {
    const at = offsets.get(id);
    if (at === undefined) throw new Error(`object ${id} is not in the cross-reference table`);
    const m = /^(\d+) 0 obj\s*([\s\S]*?)\s*(?:\bstream\r?\n|\bendobj\b)/.exec(text.slice(at));
    if (!m || Number(m[1]) !== id) throw new Error(`object ${id} is not where the table says`);
    return m[2];
  };
  const ref = (dict, key) => {
    const m = new RegExp(`/${key}\\s*(?:\\[\\s*)?(\\d+) 0 R`).exec(dict);
    return m ? Number(m[1]) : null;
  };
  const name = (dict, key) => {
    const m = new RegExp(`/${key}\\s*/([^\\s/<>\\[\\]()]+)`).exec(dict);
    return m ? m[1].replace(/#([0-9a-fA-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))) : null;
  };
  const found = [];
  for (const id of [...offsets.keys()].sort((a, b) => a - b)) {
    const dict = object(id);
    if (!/\/Type\s*\/Font\b/.test(dict)) continue;
    const subtype = name(dict, 'Subtype');
    if (subtype === 'CIDFontType0' || subtype === 'CIDFontType2') continue; // listed through its Type0 parent
    const descendantId = subtype === 'Type0' ? ref(dict, 'DescendantFonts') : null;
    const descendant = descendantId === null ? null : object(descendantId);
    const descriptorId = ref(descendant ?? dict, 'FontDescriptor');
    const descriptor = descriptorId === null ? '' : object(descriptorId);
    const baseFont = name(dict, 'BaseFont') ?? '';
    const effective = descendant === null ? subtype : name(descendant, 'Subtype');
    found.push({
      name: baseFont,
      type:
        {
          CIDFontType2: 'CID TrueType',
          CIDFontType0: 'CID Type 0',
          TrueType: 'TrueType',
          Type1: 'Type 1',
          Type3: 'Type 3',
        }[effective] ?? String(effective),
      encoding: name(dict, 'Encoding') ?? (/\/Encoding\s*\d+ 0 R/.test(dict) ? 'Custom' : 'Builtin'),
      embedded: /\/FontFile[23]?\s+\d+ 0 R/.test(descriptor),
      subset: /^[A-Z]{6}\+/.test(baseFont),
      toUnicode: ref(dict, 'ToUnicode') !== null,
    });
  }
  return found;
}
