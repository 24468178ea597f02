import { translator, type Language } from './i18n';

/**
 * A message as a key of the `messages` catalogue (templates/i18n/messages.{vi,en}.json) and its parameters.
 * Domain errors and validation decorators carry these; the exception filter renders them in the request's
 * language. `msg('donors.notFound', { id })`.
 */
export interface MessageKey {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export type Message = string | MessageKey;

export function msg(key: string, params?: Record<string, string | number>): MessageKey {
  return params ? { key, params } : { key };
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'object' && value !== null && typeof (value as MessageKey).key === 'string';
}

interface Pattern {
  key: string;
  regex: RegExp;
  names: string[];
}

let patterns: Pattern[] | null = null;

function flatten(node: unknown, prefix: string, out: Map<string, string>): void {
  if (typeof node === 'string') out.set(prefix, node);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
}

/** Every English template of the catalogue, flattened: key → text. */
export function englishTemplates(): Map<string, string> {
  const out = new Map<string, string>();
  flatten(translator().getResourceBundle('en', 'messages'), '', out);
  return out;
}

/**
 * The English catalogue read backwards: a message thrown as English text (code not yet given a key, a
 * class-validator default) is matched against each `en` template and rendered from its key. The more literal
 * text a template has, the earlier it is tried, so "amount must be a positive integer" wins over
 * "{{property}} must be {{what}}".
 */
function compiled(): Pattern[] {
  if (patterns) return patterns;
  const list: (Pattern & { literal: number })[] = [];
  for (const [key, text] of englishTemplates()) {
    const names: string[] = [];
    let literal = 0;
    const source = text
      .split(/(\{\{\s*[\w.]+\s*\}\})/)
      .map((piece) => {
        const m = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(piece);
        if (m) {
          names.push(m[1]);
          return '([\\s\\S]+?)';
        }
        literal += piece.length;
        return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    if (literal < 4) continue;
    list.push({ key, names, literal, regex: new RegExp(`^${source}$`) });
  }
  list.sort((a, b) => b.literal - a.literal);
  patterns = list;
  return patterns;
}

/** The key and parameters of an English message, when the catalogue has its template. */
export function keyOf(text: string): MessageKey | null {
  for (const p of compiled()) {
    const m = p.regex.exec(text);
    if (!m) continue;
    const params: Record<string, string> = {};
    p.names.forEach((name, i) => (params[name] = m[i + 1]));
    return { key: p.key, params };
  }
  return null;
}

/** A message in `lang`: a key through i18next; English text through its template, or as it is if it has none. */
export function renderMessage(message: Message, lang: Language): string {
  const keyed = isMessageKey(message) ? message : keyOf(message);
  if (!keyed) return message as string;
  const t = translator().getFixedT(lang, 'messages');
  const out = t(keyed.key, { ...(keyed.params ?? {}), defaultValue: '' });
  return out === '' ? (isMessageKey(message) ? message.key : message) : out;
}
