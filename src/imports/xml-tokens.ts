/**
 * A small streaming XML tokenizer for the parts of an .xlsx workbook: start tags with their attributes, end tags
 * and text, fed chunk by chunk. Element and attribute names lose their namespace prefix (`x:row` → `row`). It
 * expands only the five predefined entities and character references, and refuses a DOCTYPE, so no entity can
 * expand (no "billion laughs"); a tag, comment or CDATA section longer than `maxTokenChars` is refused, so a
 * chunk without `>` is never buffered without end.
 */

export interface XmlHandler {
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(name: string): void;
  /** Text between tags, entities expanded; one run of text may come in several pieces. */
  text(text: string): void;
}

export class XmlError extends Error {}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ATTRIBUTE = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export class XmlTokenizer {
  private pending = '';

  constructor(
    private readonly handler: XmlHandler,
    private readonly maxTokenChars = 64 * 1024,
  ) {}

  write(chunk: string): void {
    const buffer = this.pending + chunk;
    this.pending = '';
    let at = 0;
    while (at < buffer.length) {
      const lt = buffer.indexOf('<', at);
      if (lt === -1) {
        this.textUpTo(buffer, at, buffer.length);
        return;
      }
      if (lt > at) this.emitText(buffer.slice(at, lt));
      const end = this.tokenEnd(buffer, lt);
      if (end === -1) {
        this.keep(buffer.slice(lt));
        return;
      }
      at = end;
    }
  }

  /** The document is over: anything still pending is an unfinished token. */
  end(): void {
    if (this.pending.trim() !== '') throw new XmlError('the XML ends inside a tag');
    this.pending = '';
  }

  /** Emits the text from `from` to `to`, keeping back an entity reference that the next chunk may finish. */
  private textUpTo(buffer: string, from: number, to: number): void {
    const amp = buffer.lastIndexOf('&', to - 1);
    if (amp >= from && buffer.indexOf(';', amp) === -1) {
      if (amp > from) this.emitText(buffer.slice(from, amp));
      this.keep(buffer.slice(amp, to));
      return;
    }
    this.emitText(buffer.slice(from, to));
  }

  private keep(rest: string): void {
    if (rest.length > this.maxTokenChars) {
      throw new XmlError(`an XML tag or section is longer than ${this.maxTokenChars} characters`);
    }
    this.pending = rest;
  }

  /** Handles the markup starting at `lt`; the index after it, or -1 when the buffer ends first. */
  private tokenEnd(buffer: string, lt: number): number {
    if (buffer.startsWith('<!--', lt)) return after(buffer.indexOf('-->', lt + 4), 3);
    if (buffer.startsWith('<![CDATA[', lt)) {
      const close = buffer.indexOf(']]>', lt + 9);
      if (close === -1) return -1;
      this.handler.text(buffer.slice(lt + 9, close));
      return close + 3;
    }
    if (buffer.startsWith('<?', lt)) return after(buffer.indexOf('?>', lt + 2), 2);
    if (buffer.startsWith('<!', lt)) {
      if (buffer.length - lt < 9) return -1;
      throw new XmlError('a DOCTYPE or other declaration is not allowed in a workbook');
    }
    const close = tagEnd(buffer, lt + 1);
    if (close === -1) return -1;
    this.tag(buffer.slice(lt + 1, close));
    return close + 1;
  }

  private tag(body: string): void {
    if (body.startsWith('/')) {
      this.handler.close(localName(body.slice(1).trim()));
      return;
    }
    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    const space = inner.search(/\s/);
    const name = localName(space === -1 ? inner : inner.slice(0, space));
    if (name === '') throw new XmlError('an XML tag has no name');
    const attributes: Record<string, string> = {};
    if (space !== -1) {
      for (const match of inner.slice(space).matchAll(ATTRIBUTE)) {
        attributes[localName(match[1])] = decodeEntities(match[2] ?? match[3] ?? '');
      }
    }
    this.handler.open(name, attributes);
    if (selfClosing) this.handler.close(name);
  }

  private emitText(raw: string): void {
    this.handler.text(raw.includes('&') ? decodeEntities(raw) : raw);
  }
}

function after(index: number, length: number): number {
  return index === -1 ? -1 : index + length;
}

/** The `>` that ends a tag, outside quoted attribute values; -1 when the buffer ends first. */
function tagEnd(buffer: string, from: number): number {
  let quote = '';
  for (let i = from; i < buffer.length; i++) {
    const char = buffer[i];
    if (quote !== '') {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '>') {
      return i;
    }
  }
  return -1;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[entity] ?? whole;
  });
}
