import * as path from 'node:path';

/** The repository root, whether the code runs from src/ (tests) or dist/ (npm start). */
export const ROOT_DIR = path.resolve(__dirname, '..', '..');
export const DATA_DIR = path.join(ROOT_DIR, 'data');
export const TEMPLATES_DIR = path.join(ROOT_DIR, 'templates');
