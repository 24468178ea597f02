import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { renderApiMarkdown } from '../../src/openapi/api-markdown';
import { routeAccess } from '../../src/openapi/route-access';
import { startTestApp, TestApp } from '../support/app';

const ROOT = path.resolve(__dirname, '..', '..');
// The "20 KB", counted as it counted the 87 KB README: in thousands of bytes.
const README_MAX_BYTES = 20_000;
const MAX_LINE = 160;

/** README.md and every Markdown file under docs/, relative to the repository root. */
function documentation(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file));
  return ['README.md', ...docs.sort()];
}

describe('the documentation', () => {
  describe('docs/api.md', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('is the OpenAPI document the application serves (regenerate it with `npm run docs:api`)', async () => {
      const served = (await t.http.get('/api/docs-json').expect(200)).body as OpenAPIObject;
      const expected = renderApiMarkdown(served, routeAccess(t.app));
      const actual = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
      if (actual !== expected) {
        const a = actual.split('\n');
        const e = expected.split('\n');
        const line = e.findIndex((text, i) => a[i] !== text);
        throw new Error(
          `docs/api.md is out of date: run \`npm run docs:api\` and commit it.\n` +
            `First difference at line ${line + 1}:\n  file:      ${a[line]}\n  generated: ${e[line]}`,
        );
      }
    });

    it('lists every route of the OpenAPI document, with who may call it', async () => {
      const served = (await t.http.get('/api/docs-json').expect(200)).body as OpenAPIObject;
      const markdown = renderApiMarkdown(served, routeAccess(t.app));
      const routes = Object.entries(served.paths).flatMap(([route, item]) =>
        Object.keys(item).map((method) => `### \`${method.toUpperCase()} ${route}\``),
      );
      expect(routes.length).toBeGreaterThan(50);
      for (const heading of routes) expect(markdown).toContain(heading);
      expect(markdown).toContain('### `POST /api/users`\n\nWho: admin.');
      expect(markdown).toContain('### `POST /api/auth/login`\n\nWho: anyone, no token needed.');
      expect(markdown).toMatch(/### `GET \/api\/funds`\n\nWho: any signed-in user\./);
    });
  });

  it(`keeps the README within ${README_MAX_BYTES / 1000} KB`, () => {
    expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it(`has no line longer than ${MAX_LINE} characters (lists, not padded tables)`, () => {
    const long: string[] = [];
    for (const file of documentation()) {
      fs.readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if ([...line].length > MAX_LINE) long.push(`${file}:${i + 1} (${[...line].length} characters)`);
        });
    }
    expect(long).toEqual([]);
  });

  it('names only source, test and data files that exist (each guarantee names the test that proves it)', () => {
    const missing: string[] = [];
    for (const file of documentation()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, name] of text.matchAll(/`((?:src|test|templates)\/[\w./-]+\.\w+)`/g)) {
        if (!fs.existsSync(path.join(ROOT, name))) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has every relative link and image lead to a file', () => {
    const broken: string[] = [];
    for (const file of documentation()) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:|^#/.test(target)) continue;
        const local = path.resolve(path.dirname(path.join(ROOT, file)), target.split('#')[0]);
        if (!fs.existsSync(local)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
