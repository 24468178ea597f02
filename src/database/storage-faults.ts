import { DomainError } from '../common/errors';

/**
 * 503: the database's storage refused a write (disk full, read-only file or file system, the server gone).
 * The transaction was rolled back, so nothing of the request was written; reads keep working, and the same
 * request succeeds once the fault is cleared.
 */
export class StorageUnavailableError extends DomainError {
  readonly status = 503;
}

const DISK_FULL =
  'the database storage is full: nothing was written (reads still work); free disk space and try again';
const READ_ONLY =
  'the database is read-only: nothing was written (reads still work); make the database writable and try again';
const IO_ERROR = 'the database could not write to its storage: nothing was written; try again';
const UNAVAILABLE = 'the database is unavailable: nothing was written; try again in a moment';

/**
 * SQLite result codes (better-sqlite3 puts the extended code in `code`, e.g. SQLITE_READONLY_DBMOVED), PostgreSQL
 * SQLSTATEs and Node's system error codes, each with what the client is told.
 */
function faultMessage(code: string): string | null {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === '53100') return DISK_FULL;
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === '25006') return READ_ONLY;
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO') return IO_ERROR;
  // insufficient_resources (53000), out_of_memory (53200), too_many_connections (53300); the server shutting down
  // or restarting (57P01–57P03); connection failures (08xxx), and the socket itself.
  if (/^(53|57P0[123]|08)/.test(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET') return UNAVAILABLE;
  return null;
}

/** The storage fault behind `error` (a TypeORM QueryFailedError or a driver error), or null for anything else. */
export function storageFault(error: unknown): StorageUnavailableError | null {
  if (error instanceof DomainError || typeof error !== 'object' || error === null) return null;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const raw = typeof code === 'string' ? code : driverError?.code;
  let message = typeof raw === 'string' ? faultMessage(raw) : null;
  // pg reports a connection lost mid-query without a code.
  if (!message && /Connection terminated/i.test(String((error as Error).message))) message = UNAVAILABLE;
  return message ? new StorageUnavailableError(message) : null;
}
