import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * body-parser's `verify` hook for JSON bodies: the bytes must be valid UTF-8. Otherwise the parser silently turns
 * each bad byte into U+FFFD and a name like "Nguy\xC3(n" would be stored as "Nguy�(n". body-parser answers the
 * error with its status (400); the exception filter words it like any other.
 */
export function requireUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (!isUtf8(body)) {
    throw Object.assign(new Error('body must be valid UTF-8'), {
      status: 400,
      type: 'entity.encoding.invalid',
    });
  }
}
