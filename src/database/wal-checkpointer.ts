import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';

/**
 * Checkpoints an SQLite file's write-ahead log on a thread of its own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the log past 1,000 pages: that COMMIT copies the
 * log into the database file and waits for the disk (fsync), on the event loop's thread, so every request queued
 * behind it waits too (a posting's COMMIT averaged 0.66–1.2 ms with it, 0.36 ms without). Here a worker thread, on
 * its own connection, runs a PASSIVE checkpoint every `intervalMs` (it never waits for the writer; SQLite's locks
 * keep the two apart, and a checkpoint interrupted by a crash is redone from the log on the next open). The
 * writer's own automatic checkpoint stays as a backstop at `backstopPages`, should the thread fall behind or stop.
 *
 * The thread starts with the first writes, once the log passes `startBytes` (an idle server does not pay for its
 * memory). Durability is unchanged: a COMMIT is durable once in the log (`synchronous = NORMAL`), as before.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly watch: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly file: string,
    private readonly options: { intervalMs: number; backstopPages: number; startBytes: number },
  ) {
    // The log's size is looked at every few intervals until it passes `startBytes`.
    this.watch = setInterval(() => void this.startWhenWritten(), options.intervalMs * 2.5);
    this.watch.unref();
  }

  /** For a file-backed SQLite data source; null for PostgreSQL and in-memory databases. */
  static start(
    dataSource: DataSource,
    options: { intervalMs?: number; backstopPages?: number; startBytes?: number } = {},
  ): WalCheckpointer | null {
    const o = dataSource.options;
    if (o.type !== 'better-sqlite3' || o.database === ':memory:') return null;
    return new WalCheckpointer(dataSource, String(o.database), {
      intervalMs: options.intervalMs ?? 100,
      backstopPages: options.backstopPages ?? 10_000,
      startBytes: options.startBytes ?? 1 << 20,
    });
  }

  /** Whether the thread runs (it starts once the log has grown). */
  get running(): boolean {
    return this.worker !== null;
  }

  private async startWhenWritten(): Promise<void> {
    const size = await fs.promises.stat(`${this.file}-wal`).then(
      (s) => s.size,
      () => 0,
    );
    if (size < this.options.startBytes || this.worker || this.stopped) return;
    clearInterval(this.watch);
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: require.resolve('better-sqlite3'),
          file: this.file,
          intervalMs: this.options.intervalMs,
        },
      });
    } catch {
      return; // no thread could start: SQLite's automatic checkpoint alone, as before
    }
    worker.on('error', () => undefined); // the backstop keeps the log bounded
    worker.unref();
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    await this.dataSource
      .query(`PRAGMA wal_autocheckpoint = ${this.options.backstopPages}`)
      .catch(() => undefined);
  }

  /** Stops the thread after its last checkpoint; the caller closes the data source after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watch);
    this.worker?.postMessage('stop');
    await this.exited;
  }
}

/** The thread's code: plain JavaScript (it also runs under ts-jest), given the driver's resolved path. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or I/O trouble: the next tick, or the writer's backstop, tries again
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;
