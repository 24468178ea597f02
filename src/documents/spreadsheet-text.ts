import * as fs from 'node:fs';
import * as path from 'node:path';
import { LANGUAGES, type Language, translator } from '../common/i18n';
import { TEMPLATES_DIR } from '../common/paths';
import { TemplateError } from './layout-text';

/**
 * The headers of the spreadsheets (XLSX) in the language a request asks for: Vietnamese by default, English on
 * `Accept-Language: en`. They live in templates/i18n/spreadsheets.{vi,en}.json, a namespace of the service's one
 * i18next instance (common/i18n.ts). A printed book keeps its Vietnamese form: only a spreadsheet's header row
 * changes language, since the form's wording (templates/documents/*.vi.json) is Vietnamese by law.
 */
const NAMESPACE = 'spreadsheets';

function withCatalogue(): ReturnType<typeof translator> {
  const i18n = translator();
  for (const lang of LANGUAGES) {
    if (i18n.hasResourceBundle(lang, NAMESPACE)) continue;
    const file = path.join(TEMPLATES_DIR, 'i18n', `${NAMESPACE}.${lang}.json`);
    i18n.addResourceBundle(lang, NAMESPACE, JSON.parse(fs.readFileSync(file, 'utf8')) as object);
  }
  return i18n;
}

/** One spreadsheet label, or a template error naming the key when the catalogue lacks it. */
export function spreadsheetLabel(lang: Language, key: string): string {
  // Read without a fallback: an English sheet must not quietly get a Vietnamese header.
  const value: unknown = withCatalogue().getResource(lang, NAMESPACE, key);
  if (typeof value !== 'string' || value === '')
    throw new TemplateError(`templates/i18n/${NAMESPACE}.${lang}.json has no "${key}"`);
  return value;
}

/**
 * A book's (or the Bảng cân đối tài khoản's) column headers for a spreadsheet: the printed form's own in
 * Vietnamese, the catalogue's `group` in English (every column of the form must have one).
 */
export function spreadsheetColumns<K extends string>(
  lang: Language,
  group: 'books' | 'accountBalances' | 'statement',
  printed: Record<K, string>,
): Record<K, string> {
  if (lang === 'vi') return printed;
  const keys = Object.keys(printed) as K[];
  return Object.fromEntries(keys.map((key) => [key, spreadsheetLabel(lang, `${group}.${key}`)])) as Record<
    K,
    string
  >;
}
