import i18next, { type i18n, type TFunction } from 'i18next';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEMPLATES_DIR } from '../common/paths';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'vi' || value === 'en';
}

function catalogue(lang: Language): Record<string, unknown> {
  const file = path.join(TEMPLATES_DIR, 'i18n', `${lang}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

let instance: i18n | null = null;

/** The catalogues of templates/i18n (Vietnamese by default, English on request), loaded once. */
export function translator(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: 'vi',
    fallbackLng: 'vi',
    resources: { vi: { translation: catalogue('vi') }, en: { translation: catalogue('en') } },
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
