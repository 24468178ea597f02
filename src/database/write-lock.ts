/**
 * One in-process queue for every write transaction. SQLite under TypeORM shares a single connection, so two
 * interleaved transactions would collide; serializing writes makes each one see the books the previous left.
 *
 * Each write starts on a later turn of the event loop than the one before it ended. On SQLite a write never
 * waits for I/O (better-sqlite3 is synchronous), so without that turn a queue of writes runs back to back in
 * one turn, and sockets are read and connections accepted (Node accepts about one per turn) only between
 * batches: under 50 connections a new one waited for seconds (post.http's p99). With it the queue is first
 * come, first served for every connection.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every write queued before it has finished. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(nextTurn).then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
