import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** The reader went away (a closed HTTP connection, a closed pipe) before the export was complete. */
export class OutputClosedError extends Error {
  constructor() {
    super('the output was closed before the export was complete');
  }
}

/**
 * Resolves once `out` can take more: at once when its buffer is below its high-water mark, else on 'drain'.
 * This is what keeps an export's memory bounded when the reader is slower than the database.
 */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(new OutputClosedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new OutputClosedError());
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
  });
}

/** Writes a chunk and waits until the output can take the next one. */
export async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new OutputClosedError();
  if (!out.write(chunk)) await drained(out);
}

/** Ends the output and waits until everything written has been flushed. */
export async function end(out: Writable): Promise<void> {
  if (!out.writableEnded) out.end();
  await finished(out);
}
