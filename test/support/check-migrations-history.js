#!/usr/bin/env node
// Part of `npm run check`: src/database/migrations/frozen.json may only grow. A commit (or the working tree) that
// edits or removes a pinned line edited a migration that was already history. The hash check itself is the unit
// spec src/database/migrations-frozen.spec.ts; this adds the history, which needs git.
const { execFileSync } = require('node:child_process');

const MANIFEST = 'src/database/migrations/frozen.json';

function git(args) {
  return execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

// A pinned line is `"<file>": "<sha256>"`, with a comma unless it is the last: appending a pin moves the comma,
// so a line counts as removed only when its file and hash are not added back in the same change.
function pins(patch, sign) {
  return patch
    .split('\n')
    .filter((line) => line.startsWith(sign) && !line.startsWith(sign.repeat(3)))
    .map((line) => /^"([^"]+)": "([0-9a-f]{64})",?$/.exec(line.slice(1).trim()))
    .filter(Boolean)
    .map((match) => `${match[1]} ${match[2]}`);
}

function removedLines(patch) {
  const added = new Set(pins(patch, '+'));
  return pins(patch, '-').filter((pin) => !added.has(pin));
}

let history;
try {
  history =
    git(['log', '-p', '--format=commit %H', '--', MANIFEST]) +
    '\ncommit working-tree\n' +
    git(['diff', 'HEAD', '--', MANIFEST]);
} catch (error) {
  console.error(
    `check-migrations-history: git is needed to read the history of ${MANIFEST} (${error.message})`,
  );
  process.exit(1);
}

const problems = [];
let commit = '';
let chunk = [];
const flush = () => {
  for (const line of removedLines(chunk.join('\n'))) problems.push(`${commit}: removed or changed ${line}`);
  chunk = [];
};
for (const line of history.split('\n')) {
  const match = /^commit (\S+)$/.exec(line);
  if (match) {
    flush();
    commit = match[1];
  } else {
    chunk.push(line);
  }
}
flush();

if (problems.length > 0) {
  console.error('Migrations are history: a pinned migration was edited or removed.');
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`migrations: ${MANIFEST} only ever grew`);
