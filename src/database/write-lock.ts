/**
 * One in-process queue for every write transaction. SQLite under TypeORM shares a single connection, so two
 * interleaved transactions would collide; serializing writes makes each one see the books the previous left.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every write queued before it has finished. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
