import i18next, { type i18n, type TFunction } from 'i18next';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATES_DIR } from './paths';

/**
 * The one i18next instance of the service: the web admin's catalogues (templates/i18n/{vi,en}.json, namespace
 * `translation`) and the API's messages (templates/i18n/messages.{vi,en}.json, namespace `messages`).
 * Vietnamese is the default; English on request.
 */
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'vi' || value === 'en';
}

function load(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'i18n', file), 'utf8')) as Record<
    string,
    unknown
  >;
}

let instance: i18n | null = null;

/** The catalogues of templates/i18n, loaded once. */
export function translator(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: 'vi',
    fallbackLng: 'vi',
    ns: ['translation', 'messages'],
    defaultNS: 'translation',
    resources: Object.fromEntries(
      LANGUAGES.map((lang) => [
        lang,
        { translation: load(`${lang}.json`), messages: load(`messages.${lang}.json`) },
      ]),
    ),
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  instance = created;
  return created;
}

export function tFor(lang: Language): TFunction {
  return translator().getFixedT(lang);
}

/**
 * The language an `Accept-Language` header asks for, among those we serve: the highest-weighted of vi and en
 * (`en-US` counts as en), Vietnamese when the header is absent or names neither.
 */
export function languageFromHeader(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  let best: { lang: Language; q: number } | null = null;
  for (const part of value.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const primary = tag.split('-')[0];
    if (!isLanguage(primary)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang: primary, q };
  }
  return best?.lang ?? 'vi';
}
