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
 * Durability is unchanged: a COMMIT is durable once in the log (`synchronous = NORMAL`), as before.
 */
export class WalCheckpointer {
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Starts the thread for a file-backed SQLite data source; null for PostgreSQL, in-memory databases, or no thread. */
  static async start(
    dataSource: DataSource,
    options: { intervalMs?: number; backstopPages?: number } = {},
  ): Promise<WalCheckpointer | null> {
    const o = dataSource.options;
    if (o.type !== 'better-sqlite3' || o.database === ':memory:') return null;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: require.resolve('better-sqlite3'),
          file: o.database,
          intervalMs: options.intervalMs ?? 100,
        },
      });
    } catch {
      return null; // no thread could start: SQLite's automatic checkpoint alone, as before
    }
    worker.on('error', () => undefined); // the backstop keeps the log bounded
    worker.unref();
    const checkpointer = new WalCheckpointer(worker);
    await dataSource.query(`PRAGMA wal_autocheckpoint = ${options.backstopPages ?? 10_000}`);
    return checkpointer;
  }

  /** Stops the thread after its last checkpoint; the caller closes the data source after. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
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
