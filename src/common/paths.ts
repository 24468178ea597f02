import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (the folder with package.json), whether the code runs from src/, dist/ or dist-bench/. */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'data'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..');
  }
}

export const ROOT_DIR = findRoot(__dirname);
export const DATA_DIR = path.join(ROOT_DIR, 'data');
export const TEMPLATES_DIR = path.join(ROOT_DIR, 'templates');
