import { nowIso } from '../common/clock';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CLI_ACTOR } from '../common/actor';
import { IdempotencyConflictError } from '../common/errors';
import { requestContext } from '../common/request-context';
import { prepared } from './prepared';
import { storageFault } from './storage-faults';
import { WriteLock } from './write-lock';

export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');

/** Raised inside a write when its idempotency key was already answered: the stored answer is replayed. */
export class IdempotentReplay extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super('idempotent replay');
  }
}

/**
 * The only way to write: one transaction, behind the write lock, that also records the audit-log row and the
 * idempotency answer of the request that caused it. Either all of it is committed or none of it.
 */
@Injectable()
export class UnitOfWork {
  private readonly lock = new WriteLock();
  private readonly snapshotLock = new WriteLock();

  private readonly reader: DataSource;

  constructor(
    @Inject(DATA_SOURCE) readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) reader?: DataSource,
  ) {
    this.reader = reader ?? dataSource;
  }

  /** For reads: sees committed data only (on SQLite a separate read-only connection). */
  get manager(): EntityManager {
    return this.reader.manager;
  }

  /**
   * One consistent view for long reads (verify, exports) while others write: on PostgreSQL a REPEATABLE READ
   * transaction; on SQLite a read transaction on the read-only connection (one at a time: it is one connection),
   * or, for an in-memory database, the write lock.
   */
  snapshot<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres')
      return this.dataSource.transaction('REPEATABLE READ', fn);
    if (this.reader !== this.dataSource) return this.snapshotLock.run(() => this.reader.transaction(fn));
    return this.lock.run(() => fn(this.dataSource.manager));
  }

  /** `action` names a write that no request caused (first start, a CLI command) in the audit log. */
  write<T>(fn: (tx: EntityManager) => Promise<T>, action?: string): Promise<T> {
    return this.transact(fn, action, null);
  }

  /**
   * A write that posts to the books of `fundCodes` only, beside its own new rows (a contribution): on PostgreSQL it
   * runs alongside writes to other funds (issue 13); it still waits for every write that is not so confined. On
   * SQLite, one connection, it is an ordinary write.
   */
  writeToFunds<T>(fundCodes: readonly string[], fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.transact(fn, undefined, fundCodes);
  }

  private transact<T>(
    fn: (tx: EntityManager) => Promise<T>,
    action: string | undefined,
    fundCodes: readonly string[] | null,
  ): Promise<T> {
    const context = requestContext.get();
    const idem = context?.idempotency;
    const actor = context?.actor ?? CLI_ACTOR;
    const postgres = this.dataSource.options.type === 'postgres';
    // What a confined write holds: its funds, and its idempotency key (two retries of one request never overlap).
    const keys =
      postgres && fundCodes !== null
        ? [
            ...new Set([
              ...fundCodes.map((f) => `fund ${f}`),
              ...(idem ? [idemKey(actor.username, idem.key)] : []),
            ]),
          ].sort()
        : [];
    const written = this.lock.run(
      (hold) =>
        this.dataSource.transaction(async (tx) => {
          // Several processes on one PostgreSQL database: the write lock above is per process, these are not.
          // Every write runs these few statements: prepared (prepared.ts), not built by TypeORM each time.
          if (postgres && keys.length === 0) await prepared(tx, 'SELECT pg_advisory_xact_lock(7201)');
          else if (postgres) {
            await prepared(tx, 'SELECT pg_advisory_xact_lock_shared(7201)');
            // Two retries of one request never overlap; the funds are held from the write's first statement on
            // their numbered state (holdFunds), after its checks and reads.
            if (idem) await lockKeys(tx, [idemKey(actor.username, idem.key)]);
            const funds = keys.filter((key) => key.startsWith('fund '));
            fundHolds.set(tx, () => hold().then(() => lockKeys(tx, funds)));
          }
          // SQLite: write first, so the transaction takes the write lock at once and waits (busy_timeout) for another
          // process's writer, instead of failing when it later upgrades from a read. A write statement takes the lock
          // whether or not it changes a row; one that changes none leaves no page to log at COMMIT (an UPDATE of the
          // chain_head row, as before, cost 11.6 µs a transaction against 4.5; issue 13).
          else await prepared(tx, 'UPDATE chain_head SET id = id WHERE 0');
          if (idem) {
            const [previous] = await prepared<{
              request_hash: string;
              status_code: number;
              response_body: string;
            }>(
              tx,
              'SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = ? AND idem_key = ?',
              [actor.username, idem.key],
            );
            if (previous) {
              if (previous.request_hash !== idem.requestHash) {
                throw new IdempotencyConflictError(
                  'Idempotency-Key was already used with a different request; use a new key for a new request',
                );
              }
              throw new IdempotentReplay(Number(previous.status_code), JSON.parse(previous.response_body));
            }
          }

          const result = await fn(tx);
          await holdFunds(tx);
          // JSON round trip: the stored answer is exactly what the client received.
          const body: unknown = result === undefined ? null : JSON.parse(JSON.stringify(result));

          const at = nowIso();
          await prepared(
            tx,
            'INSERT INTO audit_log (at, request_id, user_id, username, action, details) VALUES (?, ?, ?, ?, ?, ?)',
            [
              at,
              context?.requestId ?? null,
              actor.userId,
              actor.username,
              (context?.action ?? action ?? 'internal').slice(0, 200),
              JSON.stringify({ request: context?.auditDetails ?? null, result: summarize(body) }),
            ],
          );
          if (idem) {
            await prepared(
              tx,
              `INSERT INTO idempotency_keys (scope, idem_key, request_hash, status_code, response_body, created_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
              [actor.username, idem.key, idem.requestHash, idem.statusCode, JSON.stringify(body), at],
            );
          }
          return result;
        }),
      keys,
      true,
    );
    // Disk full, a read-only file, the server gone: a 503 that says so (the transaction was rolled back).
    return written.catch((error: unknown) => {
      resetAfterAutoRollback(this.dataSource);
      throw storageFault(error) ?? error;
    });
  }
}

/** A confined write's hold on its funds, until it takes it (PostgreSQL). */
const fundHolds = new WeakMap<EntityManager, () => Promise<void>>();

/**
 * Holds the funds of a write confined to them (`UnitOfWork.writeToFunds`, PostgreSQL), if it does not yet: in the
 * process after the previous write to each ends, and with its transaction lock (7202). Called by the first
 * statement on a fund's numbered state (`NumberingService.next`, `PostingService.postAll`), so that a write's
 * checks and reads run while the previous write to the fund is still writing. A no-op for every other write.
 */
export async function holdFunds(tx: EntityManager): Promise<void> {
  const hold = fundHolds.get(tx);
  if (!hold) return;
  fundHolds.delete(tx);
  await hold();
}

const idemKey = (scope: string, key: string) => `idem ${scope} ${key}`;

/** Transaction locks on `keys`, in order (sorted by the caller: two writes never take two keys in opposite order). */
async function lockKeys(tx: EntityManager, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await prepared(tx, 'SELECT count(pg_advisory_xact_lock(7202, hashtext(k))) FROM unnest(?::text[]) AS k', [
    keys,
  ]);
}

/**
 * When COMMIT fails for lack of space or an I/O error, SQLite rolls the transaction back by itself; TypeORM's
 * ROLLBACK then fails, and its one query runner still believes a transaction is open, so the next write would
 * run as a nested SAVEPOINT. Tell it the truth: no transaction is open on the connection.
 */
function resetAfterAutoRollback(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const driver = dataSource.driver as unknown as {
    databaseConnection?: { inTransaction: boolean };
    queryRunner?: { isTransactionActive: boolean; transactionDepth: number };
  };
  const runner = driver.queryRunner;
  if (runner?.isTransactionActive && driver.databaseConnection?.inTransaction === false) {
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
  }
}

/** The identifying fields of a result, for the audit log. */
function summarize(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const keys = [
    'id',
    'code',
    'number',
    'username',
    'status',
    'lockedThrough',
    'receiptNo',
    'voucherNo',
    'entryId',
    'importId',
  ];
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(([key]) => keys.includes(key)),
  );
}
