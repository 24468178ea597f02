import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ConflictError, NotFoundError } from './errors';
import { errorBody } from './exception.filter';
import { languageFromHeader, translator } from './i18n';
import { englishTemplates, keyOf, msg, renderMessage } from './messages';

/**
 * The message catalogues (templates/i18n/messages.{en,vi}.json) cover every message the code throws: each English
 * text of a domain error or a validation decorator in src/ matches an `en` template, and each key has a `vi` text
 * with the same parameters. A new message without its translation fails here, not in front of a user.
 */
const SRC = path.join(__dirname, '..');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'migrations' && entry.name !== 'demo' && entry.name !== 'documents')
        sourceFiles(file, out);
    } else if (file.endsWith('.ts') && !file.endsWith('.spec.ts')) out.push(file);
  }
  return out;
}

/** A thrown text as the catalogue writes it: each `${…}` becomes a stand-in value. */
function sample(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((span, i) => `X${i}` + span.literal.text).join('');
  return null;
}

function thrownTexts(): { where: string; text: string }[] {
  const found: { where: string; text: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      let args: ts.Node[] = [];
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        /(Error|Exception)$/.test(node.expression.text) &&
        !['Error', 'AssertionError', 'TypeError', 'RangeError'].includes(node.expression.text)
      ) {
        const first = node.arguments?.[0];
        if (first) args = ts.isArrayLiteralExpression(first) ? [...first.elements] : [first];
      } else if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'message'
      ) {
        args = [node.initializer];
      }
      for (const arg of args) {
        for (const candidate of ts.isConditionalExpression(arg) ? [arg.whenTrue, arg.whenFalse] : [arg]) {
          const text = sample(candidate);
          if (text !== null && /[a-z]{2}/i.test(text)) {
            const line = source.getLineAndCharacterOfPosition(candidate.getStart()).line + 1;
            found.push({ where: `${path.relative(SRC, file)}:${line}`, text });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the message catalogues', () => {
  it('have, for every English template, a Vietnamese text with the same parameters', () => {
    const vi = translator().getResourceBundle('vi', 'messages') as Record<string, Record<string, string>>;
    const problems: string[] = [];
    for (const [key, english] of englishTemplates()) {
      const [section, name] = key.split('.');
      const text = vi[section]?.[name];
      if (typeof text !== 'string') problems.push(`${key}: no Vietnamese text`);
      else if (placeholders(text).join() !== placeholders(english).join())
        problems.push(
          `${key}: parameters differ (${placeholders(english).join()} / ${placeholders(text).join()})`,
        );
    }
    expect(problems).toEqual([]);
  });

  it('match every English message that src/ throws or declares (domain errors, validation decorators)', () => {
    const texts = thrownTexts();
    expect(texts.length).toBeGreaterThan(150);
    const missing = texts.filter(({ text }) => keyOf(text) === null && !/^X\d+$/.test(text.trim()));
    expect(missing.map(({ where, text }) => `${where}: ${text}`)).toEqual([]);
  });

  it('render a keyed message in either language, and English text through its template', () => {
    const key = msg('donors.duplicateTaxCode', { value: '5300123456', id: 7, name: 'Sở Tài chính' });
    expect(renderMessage(key, 'en')).toBe('tax code 5300123456 already belongs to donor 7 (Sở Tài chính)');
    expect(renderMessage(key, 'vi')).toBe('mã số thuế 5300123456 đã thuộc về nhà tài trợ 7 (Sở Tài chính)');
    expect(renderMessage('donor 12 does not exist', 'vi')).toBe('nhà tài trợ 12 không tồn tại');
    expect(renderMessage('nothing the catalogue knows', 'vi')).toBe('nothing the catalogue knows');
  });

  it('give domain errors English for logs and the request language for the answer', () => {
    const error = new ConflictError(msg('donors.duplicateTaxCode', { value: '1', id: 2, name: 'A' }));
    expect(error.message).toBe('tax code 1 already belongs to donor 2 (A)');
    expect(errorBody(error).message).toEqual(['mã số thuế 1 đã thuộc về nhà tài trợ 2 (A)']);
    expect(errorBody(error, 'en').message).toEqual(['tax code 1 already belongs to donor 2 (A)']);
    expect(
      errorBody(new NotFoundError(['donor 1 does not exist', 'donor 2 does not exist'])).message,
    ).toEqual(['nhà tài trợ 1 không tồn tại', 'nhà tài trợ 2 không tồn tại']);
  });

  it.each([
    [undefined, 'vi'],
    ['', 'vi'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['vi-VN', 'vi'],
    ['de, en;q=0.1', 'en'],
    ['en;q=0.3, vi;q=0.7', 'vi'],
    ['en;q=0', 'vi'],
    ['*', 'vi'],
  ])('reads Accept-Language %p as %p', (header, lang) => {
    expect(languageFromHeader(header)).toBe(lang);
  });
});
