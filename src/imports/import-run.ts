import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../common/errors';
import { requestContext } from '../common/request-context';
import { User } from '../auth/user.entity';
import { nowIso } from '../common/clock';
import { ImportRun } from '../contributions/entities';
import { Fund } from '../funds/fund.entity';
import type { UnitOfWork } from '../database/unit-of-work';
import type { FundsService } from '../funds/funds.service';
import type { ReadMeter } from './table-reader';

/**
 * What every import run shares, whatever it imports: the file, its options and progress, the bad rows and how a
 * rejected file is answered, the run record (`imports`), the audit description of the request, and who a
 * command-line import runs as.
 */

/** Bad rows listed in an answer; all of them are counted. */
export const MAX_LISTED_BAD_ROWS = 1000;

/** A file on disk to import; `name` is what the user called it (for the record), not a path to open. */
export interface ImportSource {
  path: string;
  name: string;
}

export interface ImportProgress {
  /** `posting` (contributions, through the books) and `writing` (registry rows) both count rows written. */
  phase: 'validating' | 'posting' | 'writing';
  /** Data rows validated, or rows written or skipped. */
  rows: number;
  /** Data rows in the file: known once the validating pass is over. */
  rowsTotal: number | null;
  bytesRead: number;
  bytesTotal: number;
}

export interface ImportOptions {
  /** Import the good rows and report the bad ones, instead of all-or-nothing. */
  partial?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

export interface BadRow {
  line: number;
  errors: string[];
}

/** How the data rows of a kind of file are called in messages: "rows", or a statement's "lines". */
export type RowNoun = 'rows' | 'lines';

/**
 * 422: rows of the file are bad, so (all-or-nothing) nothing was written. Carries every bad row's line. A kind of
 * file that cannot be imported in part (a bank statement) names its lines and says so.
 */
export class ImportRejectedError extends BusinessRuleError {
  constructor(
    readonly rowsTotal: number,
    readonly badRowCount: number,
    readonly badRows: BadRow[],
    partial: boolean,
    noun: RowNoun = 'rows',
  ) {
    const lines = badRows.map((row) => `line ${row.line}: ${row.errors.join('; ')}`);
    if (badRowCount > badRows.length) lines.push(`… and ${badRowCount - badRows.length} more bad ${noun}`);
    if (partial) lines.push(`no row of the file's ${rowsTotal} can be imported; nothing was written`);
    else if (noun === 'lines')
      lines.push(`${badRowCount} of ${rowsTotal} statement lines are bad; nothing was imported`);
    else
      lines.push(
        `${badRowCount} of ${rowsTotal} rows are bad; nothing was written (fix them, or import with partial=true to import the others)`,
      );
    super(lines);
  }
}

/** Bad rows as they are found: all counted, the first MAX_LISTED_BAD_ROWS kept. */
export class BadRows {
  count = 0;
  readonly listed: BadRow[] = [];

  add(line: number, errors: string[]): void {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_BAD_ROWS) this.listed.push({ line, errors });
  }
}

/** One streamed pass over a file: data rows seen, bad rows, bytes read. */
export interface Scan {
  rows: number;
  bad: BadRows;
  meter: ReadMeter;
}

export function newScan(): Scan {
  return { rows: 0, bad: new BadRows(), meter: { bytesRead: 0 } };
}

/** The answer to an import recorded in `imports`: the run, what it wrote, and the rows it could not take. */
export interface ImportReport {
  importId: number;
  fileName: string;
  fileSha256: string;
  partial: boolean;
  /** Data rows in the file (the header and blank rows not counted). */
  rowsTotal: number;
  imported: number;
  /** Rows imported before (by this file or another with the same rows): nothing new was written for them. */
  skipped: number;
  badRowCount: number;
  /** The first MAX_LISTED_BAD_ROWS bad rows. */
  badRows: BadRow[];
}

/** A file whose every row was checked and whose good rows were written, before its run is recorded. */
export interface CheckedRun {
  source: ImportSource;
  fileSha256: string;
  partial: boolean;
  rowsTotal: number;
  bad: BadRows;
}

/** Records the run in `imports` (inside the import's transaction) and answers it. */
export async function recordRun(
  tx: EntityManager,
  kind: 'contributions' | 'beneficiaries',
  run: CheckedRun,
  written: { imported: number; skipped: number },
  createdBy: string,
): Promise<ImportReport> {
  const inserted = await tx.insert(ImportRun, {
    kind,
    fileName: run.source.name.slice(0, 300),
    fileSha256: run.fileSha256,
    rowsTotal: run.rowsTotal,
    rowsImported: written.imported,
    rowsSkipped: written.skipped,
    createdBy,
    createdAt: nowIso(),
  });
  return {
    importId: (inserted.identifiers[0] as { id: number }).id,
    fileName: run.source.name,
    fileSha256: run.fileSha256,
    partial: run.partial,
    rowsTotal: run.rowsTotal,
    imported: written.imported,
    skipped: written.skipped,
    badRowCount: run.bad.count,
    badRows: run.bad.listed,
  };
}

/**
 * Names the file in the request's audit row, and makes an Idempotency-Key answer depend on the file's bytes: the
 * request hash the interceptor computed could not see a multipart body, so the same key with another file would
 * otherwise replay the first answer instead of being refused with 409.
 */
export function describeRequest(source: ImportSource, fileSha256: string, partial: boolean): void {
  const context = requestContext.get();
  if (!context) return;
  context.auditDetails = { fileName: source.name, fileSha256, partial };
  if (context.idempotency) {
    context.idempotency.requestHash = createHash('sha256')
      .update(`${context.idempotency.requestHash}\nfile ${fileSha256}\npartial ${partial}`)
      .digest('hex');
  }
}

/** What every import service offers the command line: the user an import runs as. */
export abstract class TableImportService {
  constructor(
    protected readonly uow: UnitOfWork,
    protected readonly funds: FundsService,
  ) {}

  /** The actor a command-line import runs as: an active accountant or admin, with the user's fund scope. */
  actorNamed(username: string): Promise<Actor> {
    return importActor(this.uow.manager, this.funds, username);
  }
}

/** The actor a command-line import runs as: an active accountant or admin, with the user's fund scope. */
export async function importActor(
  manager: EntityManager,
  funds: FundsService,
  username: string,
): Promise<Actor> {
  const user = await manager.findOne(User, { where: { username, status: 'active' } });
  if (!user) throw new NotFoundError(`user ${username} does not exist or is disabled`);
  if (user.role !== 'accountant' && user.role !== 'admin') {
    throw new ForbiddenError(`user ${username} is an ${user.role}; only accountants and admins import`);
  }
  let fundScope: ReadonlySet<string> | null = null;
  if (user.fundId !== null) {
    const fund = await manager.findOneByOrFail(Fund, { id: user.fundId });
    const all = await funds.withDescendants(manager, fund.code);
    fundScope = new Set(all.map((f) => f.code));
  }
  return { userId: user.id, username: user.username, role: user.role, fundScope };
}
