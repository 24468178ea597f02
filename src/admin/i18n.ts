/** The web admin shares the service's i18next setup (src/common/i18n.ts): one instance, catalogues in templates/i18n. */
export { LANGUAGES, isLanguage, tFor, translator, type Language } from '../common/i18n';
