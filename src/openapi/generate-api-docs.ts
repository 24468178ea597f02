import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createApp, createOpenApiDocument } from '../app.factory';
import { loadConfig } from '../config/app-config';
import { renderApiMarkdown } from './api-markdown';
import { routeAccess } from './route-access';

/** Where `npm run docs:api` writes the reference, relative to the repository root. */
export const API_MARKDOWN_PATH = path.join('docs', 'api.md');

/**
 * `npm run docs:api`: builds the application in-process on a throw-away SQLite file (it never listens) and writes
 * docs/api.md from its OpenAPI document. `test/e2e/docs.e2e-spec.ts` fails when the file is out of date.
 */
async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-docs-'));
  try {
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: `sqlite:${path.join(dir, 'ledger.sqlite')}`,
      ADMIN_PASSWORD: 'api-docs-generator',
      LOG_LEVEL: 'silent',
    });
    const app = await createApp(config);
    const markdown = renderApiMarkdown(createOpenApiDocument(app), routeAccess(app));
    await app.close();
    const target = path.resolve(__dirname, '..', '..', API_MARKDOWN_PATH);
    writeFileSync(target, markdown);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
