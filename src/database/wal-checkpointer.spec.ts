import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'den-on-wal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = async (file: string) => {
    const dataSource = new DataSource({
      type: 'better-sqlite3',
      database: file,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      },
    });
    return dataSource.initialize();
  };

  it('copies committed pages into the database file on its own thread; the writer keeps a backstop', async () => {
    const file = path.join(dir, 'books.sqlite');
    const dataSource = await open(file);
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    // Nothing is checkpointed yet: the log holds less than SQLite's own 1,000 pages.
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const empty = fs.statSync(file).size;

    const checkpointer = WalCheckpointer.start(dataSource, { intervalMs: 20, startBytes: 100_000 });
    expect(checkpointer).not.toBeNull();
    // Idle, no thread: the log is empty.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(checkpointer!.running).toBe(false);
    expect(await dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 1000 }]);
    for (let i = 0; i < 50; i++) {
      await dataSource.transaction(async (tx) => {
        for (let j = 0; j < 20; j++) await tx.query('INSERT INTO t (text) VALUES (?)', ['x'.repeat(1000)]);
      });
    }
    // Only a checkpoint grows the database file itself (the rows were written to the log).
    for (let waited = 0; fs.statSync(file).size <= empty && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(fs.statSync(file).size).toBeGreaterThan(empty + 500_000);
    expect(checkpointer!.running).toBe(true);
    expect(await dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 10_000 }]);

    await checkpointer!.stop();
    await checkpointer!.stop(); // twice is harmless: the thread has gone
    await dataSource.destroy();
    const again = await open(file);
    expect(await again.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1000 }]);
    await again.destroy();
  });

  it('is not started for an in-memory database', async () => {
    const dataSource = await open(':memory:');
    expect(WalCheckpointer.start(dataSource)).toBeNull();
    await dataSource.destroy();
  });
});
