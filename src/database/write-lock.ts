/**
 * One in-process queue for write transactions. SQLite under TypeORM shares a single connection, so two
 * interleaved transactions would collide; serializing writes makes each one see the books the previous left.
 *
 * A write may name keys (on PostgreSQL: the funds whose books it posts to, issue 13): it then waits only for the
 * writes before it that hold one of its keys and for the last write without keys, so writes to different funds run
 * side by side. A write without keys waits for everything before it, and everything after waits for it.
 *
 * Each write starts on a later turn of the event loop than the one before it ended. On SQLite a write never
 * waits for I/O (better-sqlite3 is synchronous), so without that turn a queue of writes runs back to back in
 * one turn, and sockets are read and connections accepted (Node accepts about one per turn) only between
 * batches: under 50 connections a new one waited for seconds (post.http's p99). With it the queue is first
 * come, first served for every connection.
 */
export class WriteLock {
  /** The last write without keys. */
  private exclusive: Promise<unknown> = Promise.resolve();
  /** Keyed writes queued since it, which the next write without keys waits for. */
  private readonly keyed = new Set<Promise<unknown>>();
  /** Per key, the last write holding it: when it holds its keys, and when it is done. */
  private readonly tails = new Map<string, { held: Promise<unknown>; done: Promise<unknown> }>();

  /**
   * Runs `fn` after the writes queued before it that it must follow (all of them, without `keys`).
   *
   * `pipelined` (keyed writes only): `fn` starts as soon as the previous write to each of its keys holds them, and
   * holds them itself by calling `hold`, which waits for those writes to end. So a write's checks and reads
   * overlap the previous write's writing, and at most two writes per key are under way: one writing, one getting
   * ready. A write that never calls `hold` holds its keys when it ends.
   */
  run<T>(
    fn: (hold: () => Promise<void>) => Promise<T>,
    keys: readonly string[] = [],
    pipelined = false,
  ): Promise<T> {
    if (keys.length === 0) {
      const before = Promise.all([this.exclusive, ...this.keyed]);
      const result = before.then(nextTurn).then(() => fn(holdNothing));
      this.exclusive = settled(result);
      this.keyed.clear();
      return result;
    }
    const previous = keys.flatMap((k) => this.tails.get(k) ?? []);
    const ended = Promise.all(previous.map((p) => p.done));
    let markHeld!: () => void;
    const heldSignal = new Promise<void>((resolve) => (markHeld = resolve));
    const hold = () => ended.then(() => markHeld());
    const before = Promise.all([
      this.exclusive,
      pipelined ? Promise.all(previous.map((p) => p.held)) : ended,
    ]);
    const result = before.then(nextTurn).then(() => fn(pipelined ? hold : holdNothing));
    const done = settled(result);
    const tail = { held: pipelined ? Promise.race([heldSignal, done]) : done, done };
    this.keyed.add(done);
    for (const key of keys) this.tails.set(key, tail);
    void done.then(() => {
      this.keyed.delete(done);
      for (const key of keys) if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

const holdNothing = () => Promise.resolve();

function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
