import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InvalidRequestError } from './errors';

/** Deepest nesting a request body may have: the deepest real one (a batch's members) is 3. */
export const MAX_BODY_DEPTH = 10;
/** Most problems named in one answer. */
const MAX_PROBLEMS = 20;

/** Keys that could reach an object's prototype when copied (prototype pollution): dropped, never validated. */
export const POISONED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Characters no name or free text may hold: C0 and C1 controls (tab, line feed and carriage return are allowed
 * in free text, not in names), zero-width characters and the soft hyphen (they hide inside a name and defeat
 * masking and duplicate checks), and bidi overrides, embeddings and isolates (they reorder what is shown).
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/u;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]/u;

/** Fields whose value is a name or code: one line only. */
const ONE_LINE = /(name|code|username|nationalid|taxcode|email|no)$/i;

export interface GuardResult {
  value: unknown;
  problems: string[];
}

function describe(path: string): string {
  return path === '' ? 'body' : path;
}

/** The problem with one string at `path`, if any. */
export function textProblem(path: string, text: string): string | null {
  const key =
    path
      .replace(/\[\d+\]$/, '')
      .split('.')
      .pop() ?? '';
  if (INVISIBLE.test(text) || (ONE_LINE.test(key) && LINE_BREAKS.test(text)))
    return `${describe(path)} must not contain control, zero-width or bidi-override characters`;
  return null;
}

/**
 * Cleans a parsed request body before anything else sees it: refuses nesting deeper than MAX_BODY_DEPTH, drops
 * `__proto__`, `constructor` and `prototype` keys, refuses invisible characters in every string (naming the
 * field), and puts every string in Unicode NFC, so that "Nguyễn" typed two ways is stored one way.
 * Iterative, so a body nested thousands of levels deep cannot exhaust the stack.
 */
export function guardBody(body: unknown): GuardResult {
  const problems: string[] = [];
  const clean = (text: string, path: string) => {
    const problem = textProblem(path, text);
    if (problem) problems.push(problem);
    return text.normalize('NFC');
  };
  if (typeof body === 'string') return { value: clean(body, ''), problems };
  if (body === null || typeof body !== 'object') return { value: body, problems };

  const stack: { node: Record<string, unknown> | unknown[]; path: string; depth: number }[] = [
    { node: body as Record<string, unknown>, path: '', depth: 1 },
  ];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { node, path, depth } = stack.pop() as (typeof stack)[number];
    if (depth > MAX_BODY_DEPTH) {
      return { value: body, problems: [`body must not be nested deeper than ${MAX_BODY_DEPTH} levels`] };
    }
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((item, i) => [i, item])
      : Object.keys(node).map((key) => [key, node[key]]);
    for (const [key, item] of entries) {
      const at = typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (typeof key === 'string' && POISONED_KEYS.has(key)) {
        delete (node as Record<string, unknown>)[key];
        continue;
      }
      if (typeof key === 'string' && INVISIBLE.test(key)) {
        problems.push(
          `${describe(path)} has a field name with control, zero-width or bidi-override characters`,
        );
        continue;
      }
      if (typeof item === 'string') {
        (node as Record<string | number, unknown>)[key] = clean(item, at);
      } else if (item !== null && typeof item === 'object') {
        stack.push({ node: item as Record<string, unknown>, path: at, depth: depth + 1 });
      }
    }
  }
  return { value: body, problems: problems.slice(0, MAX_PROBLEMS) };
}

/**
 * Runs before routing's pipes, guards and validation (so also on public routes, without a token): the body and
 * the query string go through guardBody, and every answer is marked `Cache-Control: no-store`, since the
 * service's answers carry personal data (names, addresses, citizen IDs) that no shared cache may keep.
 */
@Injectable()
export class BodyGuardMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Cache-Control', 'no-store');
    const body = guardBody(req.body);
    const query = guardBody(req.query);
    const problems = [...body.problems, ...query.problems.map((p) => p.replace(/^body\b/, 'query'))];
    if (problems.length > 0) throw new InvalidRequestError(problems);
    // Express 5 computes req.query from the URL on each read: keep the cleaned copy as the request's own.
    Object.defineProperty(req, 'query', { value: query.value, writable: true, configurable: true });
    next();
  }
}
