import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Migrations are history: once committed, a migration file and the frozen helpers it imports never change.
// migrations/frozen.json pins the SHA-256 of each file; `npm run check` (test/support/check-migrations-history.js)
// also refuses any commit in git history that edited or removed a pinned line.

const dir = path.join(__dirname, 'migrations');
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'frozen.json'), 'utf8')) as Record<string, string>;
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.ts'))
  .sort();

function sha256(name: string): string {
  // Line endings are normalised so a CRLF checkout does not look like an edit.
  const text = fs.readFileSync(path.join(dir, name), 'utf8').replace(/\r\n/g, '\n');
  return createHash('sha256').update(text).digest('hex');
}

describe('migrations are frozen', () => {
  it.each(files)('%s is pinned in frozen.json and unchanged', (name) => {
    const hash = sha256(name);
    const pinned = manifest[name];
    if (pinned === undefined) {
      throw new Error(
        `${name} is not pinned: add "${name}": "${hash}" to src/database/migrations/frozen.json`,
      );
    }
    if (pinned !== hash) {
      throw new Error(
        `${name} changed after it was pinned (${pinned.slice(0, 12)}… → ${hash.slice(0, 12)}…): ` +
          'migrations are history; write a new migration instead',
      );
    }
  });

  it('every pinned file still exists', () => {
    expect(Object.keys(manifest).filter((name) => !files.includes(name))).toEqual([]);
  });

  it.each(files)('%s imports nothing live: only typeorm and frozen files of its own folder', (name) => {
    const source = fs.readFileSync(path.join(dir, name), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    const live = imports.filter((spec) => {
      if (spec === 'typeorm' || spec.startsWith('typeorm/')) return false;
      return !(
        spec.startsWith('./') &&
        !spec.slice(2).includes('/') &&
        files.includes(`${spec.slice(2)}.ts`)
      );
    });
    expect(live).toEqual([]);
  });
});
