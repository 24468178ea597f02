import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { EntityManager, In } from 'typeorm';
import type { Actor } from '../common/actor';
import {
  BusinessRuleError,
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
} from '../common/errors';
import { requestContext } from '../common/request-context';
import { User } from '../auth/user.entity';
import { ContributionsService } from '../contributions/contributions.service';
import { DonorsService } from '../contributions/donors.service';
import { Contribution, Donor, ImportRun } from '../contributions/entities';
import { nowIso, UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import {
  ContributionRow,
  HeaderMap,
  importKey,
  parseContributionRow,
  readHeader,
  rowFingerprint,
} from './contribution-row';
import { ImportReference } from './import-reference';
import { detectFormat, ReadMeter, readTable, sha256File, TableFormat } from './table-reader';

/** Most data rows one file may have. */
export const MAX_IMPORT_ROWS = 2_000_000;
/** Bad rows listed in an answer; all of them are counted. */
export const MAX_LISTED_BAD_ROWS = 1000;
/** Rows whose import keys and donors are looked up together. */
const CHUNK_ROWS = 500;
const PROGRESS_EVERY_ROWS = 250;
/** Hops followed through donor merges before giving up (a merge chain is normally one hop long). */
const MAX_MERGE_HOPS = 20;

/** A file on disk to import; `name` is what the user called it (for the record), not a path to open. */
export interface ImportSource {
  path: string;
  name: string;
}

export interface ImportProgress {
  phase: 'validating' | 'posting';
  /** Data rows validated, or rows posted or skipped. */
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

/** 422: rows of the file are bad, so (all-or-nothing) nothing was written. Carries every bad row's line. */
export class ImportRejectedError extends BusinessRuleError {
  constructor(
    readonly rowsTotal: number,
    readonly badRowCount: number,
    readonly badRows: BadRow[],
    partial: boolean,
  ) {
    const lines = badRows.map((row) => `line ${row.line}: ${row.errors.join('; ')}`);
    if (badRowCount > badRows.length) lines.push(`… and ${badRowCount - badRows.length} more bad rows`);
    lines.push(
      partial
        ? `no row of the file's ${rowsTotal} can be imported; nothing was written`
        : `${badRowCount} of ${rowsTotal} rows are bad; nothing was written (fix them, or import with partial=true to import the others)`,
    );
    super(lines);
  }
}

/** Bad rows as they are found: all counted, the first MAX_LISTED_BAD_ROWS kept. */
class BadRows {
  count = 0;
  readonly listed: BadRow[] = [];

  add(line: number, errors: string[]): void {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_BAD_ROWS) this.listed.push({ line, errors });
  }
}

interface Scan {
  rows: number;
  bad: BadRows;
  meter: ReadMeter;
}

/**
 * Imports contributions from a CSV or XLSX file in two streamed passes. The first checks every row without
 * taking the write lock and, unless `partial`, stops there when any row is bad. The second reads the file again
 * inside one write transaction and records each good row through ContributionsService.record (the one posting
 * path), skipping rows imported before. Memory holds one chunk of rows, the listed bad rows, the donors met so
 * far, and one counter per distinct row content — never the file.
 */
@Injectable()
export class ContributionImportService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contributions: ContributionsService,
    private readonly donors: DonorsService,
    private readonly funds: FundsService,
  ) {}

  async importContributions(
    actor: Actor,
    source: ImportSource,
    options: ImportOptions = {},
  ): Promise<ImportReport> {
    const partial = options.partial === true;
    const format = await detectFormat(source.path);
    const bytesTotal = (await stat(source.path)).size;
    const fileSha256 = await sha256File(source.path);
    describeRequest(source, fileSha256, partial);
    let rowsTotal: number | null = null;
    const progress = (phase: ImportProgress['phase'], scan: Scan) =>
      options.onProgress?.({
        phase,
        rows: scan.rows,
        rowsTotal,
        bytesRead: scan.meter.bytesRead,
        bytesTotal,
      });

    // Pass 1: a dry run outside the write lock, so a bad file never holds up other writers.
    const reference = await ImportReference.load(this.uow.manager, actor);
    const dry = newScan();
    const checked = this.goodRows(source.path, format, reference, dry, () => {
      if (dry.rows % PROGRESS_EVERY_ROWS === 0) progress('validating', dry);
    });
    while (!(await checked.next()).done) {
      // Only the count and the bad rows matter in this pass.
    }
    progress('validating', dry);
    rowsTotal = dry.rows;
    if (dry.rows === 0) throw new InvalidRequestError('the file has a header but no rows below it');
    if (dry.bad.count > 0 && (!partial || dry.bad.count === dry.rows)) {
      throw new ImportRejectedError(dry.rows, dry.bad.count, dry.bad.listed, partial);
    }

    // Pass 2: the authoritative one, under the write lock; rows are checked again against the books as they are now.
    return this.uow.write(async (tx) => {
      const posting = new Posting(tx, this.contributions, this.donors, actor.username);
      const scan = newScan();
      const rows = this.goodRows(source.path, format, await ImportReference.load(tx, actor), scan);
      let chunk: ContributionRow[] = [];
      for await (const row of rows) {
        if (!partial && scan.bad.count > 0) break;
        chunk.push(row);
        if (chunk.length === CHUNK_ROWS) {
          await posting.post(chunk);
          chunk = [];
          progress('posting', { ...scan, rows: posting.imported + posting.skipped + scan.bad.count });
        }
      }
      if (!partial && scan.bad.count > 0) {
        // The books changed between the passes (a fund was locked or closed): the rollback undoes every row.
        throw new ConflictError([
          ...scan.bad.listed.map((row) => `line ${row.line}: ${row.errors.join('; ')}`),
          'the books changed while the file was being imported; nothing was written',
        ]);
      }
      await posting.post(chunk);
      progress('posting', scan);
      if (scan.bad.count === scan.rows) {
        throw new ImportRejectedError(scan.rows, scan.bad.count, scan.bad.listed, partial);
      }
      if ((await sha256File(source.path)) !== fileSha256) {
        throw new ConflictError('the file changed while it was being imported; nothing was written');
      }
      const run = await tx.insert(ImportRun, {
        kind: 'contributions',
        fileName: source.name.slice(0, 300),
        fileSha256,
        rowsTotal: scan.rows,
        rowsImported: posting.imported,
        rowsSkipped: posting.skipped,
        createdBy: actor.username,
        createdAt: nowIso(),
      });
      const report: ImportReport = {
        importId: (run.identifiers[0] as { id: number }).id,
        fileName: source.name,
        fileSha256,
        partial,
        rowsTotal: scan.rows,
        imported: posting.imported,
        skipped: posting.skipped,
        badRowCount: scan.bad.count,
        badRows: scan.bad.listed,
      };
      return report;
    }, 'import contributions');
  }

  /** The actor a command-line import runs as: an active accountant or admin, with the user's fund scope. */
  async actorNamed(username: string): Promise<Actor> {
    const user = await this.uow.manager.findOne(User, { where: { username, status: 'active' } });
    if (!user) throw new NotFoundError(`user ${username} does not exist or is disabled`);
    if (user.role !== 'accountant' && user.role !== 'admin') {
      throw new ForbiddenError(`user ${username} is an ${user.role}; only accountants and admins import`);
    }
    let fundScope: ReadonlySet<string> | null = null;
    if (user.fundId !== null) {
      const fund = await this.uow.manager.findOneByOrFail(Fund, { id: user.fundId });
      const all = await this.funds.withDescendants(this.uow.manager, fund.code);
      fundScope = new Set(all.map((f) => f.code));
    }
    return { userId: user.id, username: user.username, role: user.role, fundScope };
  }

  /** Streams the file's good rows; counts every data row and records the bad ones in `scan`. */
  private async *goodRows(
    path: string,
    format: TableFormat,
    reference: ImportReference,
    scan: Scan,
    onRow?: () => void,
  ): AsyncGenerator<ContributionRow> {
    let header: HeaderMap | null = null;
    for await (const source of readTable(path, format, scan.meter)) {
      if (header === null) {
        header = readHeader(source.cells);
        continue;
      }
      scan.rows += 1;
      if (scan.rows > MAX_IMPORT_ROWS) {
        throw new InvalidRequestError(
          `the file has more than ${MAX_IMPORT_ROWS} rows; split it into smaller files`,
        );
      }
      const parsed = parseContributionRow(source.line, source.cells, header);
      const errors = parsed.ok
        ? reference.check(parsed.row)
        : [...parsed.errors, ...reference.check(parsed.keys)];
      if (errors.length > 0) scan.bad.add(source.line, errors);
      onRow?.();
      if (errors.length === 0 && parsed.ok) yield parsed.row;
    }
    if (header === null) throw new InvalidRequestError('the file is empty; its first row must be the header');
  }
}

function newScan(): Scan {
  return { rows: 0, bad: new BadRows(), meter: { bytesRead: 0 } };
}

/**
 * Names the file in the request's audit row, and makes an Idempotency-Key answer depend on the file's bytes: the
 * request hash the interceptor computed could not see a multipart body, so the same key with another file would
 * otherwise replay the first answer instead of being refused with 409.
 */
function describeRequest(source: ImportSource, fileSha256: string, partial: boolean): void {
  const context = requestContext.get();
  if (!context) return;
  context.auditDetails = { fileName: source.name, fileSha256, partial };
  if (context.idempotency) {
    context.idempotency.requestHash = createHash('sha256')
      .update(`${context.idempotency.requestHash}\nfile ${fileSha256}\npartial ${partial}`)
      .digest('hex');
  }
}

/** The posting pass's state inside its transaction: the donors met so far and the row-occurrence counters. */
class Posting {
  imported = 0;
  skipped = 0;
  /** "kind␟folded name" → donor id. Grows with the distinct donors of the file, not with its rows. */
  private readonly donorIds = new Map<string, number>();
  /**
   * First 16 bytes of a row fingerprint (base64) → how often it occurred so far. One entry per distinct row
   * content: the only state that grows with the file's rows, some 50–100 bytes an entry (50–100 MB for a
   * million distinct rows).
   */
  private readonly occurrences = new Map<string, number>();

  constructor(
    private readonly tx: EntityManager,
    private readonly contributions: ContributionsService,
    private readonly donors: DonorsService,
    private readonly createdBy: string,
  ) {}

  async post(rows: ContributionRow[]): Promise<void> {
    if (rows.length === 0) return;
    const keys = rows.map((row) => this.keyOf(row));
    const existing = await this.tx.find(Contribution, {
      select: { id: true, importKey: true },
      where: { importKey: In(keys) },
    });
    const imported = new Set(existing.map((c) => c.importKey));
    const fresh = rows.filter((_, i) => !imported.has(keys[i]));
    this.skipped += rows.length - fresh.length;
    await this.resolveDonors(fresh);
    for (const [i, row] of rows.entries()) {
      const key = keys[i];
      if (imported.has(key)) continue;
      const donorId = this.donorIds.get(donorKey(row));
      if (donorId === undefined) throw new Error(`no donor resolved for line ${row.line}`);
      await this.contributions.record(this.tx, {
        fundCode: row.fundCode,
        donorId,
        date: row.date,
        amount: row.amount,
        method: row.method,
        purpose: row.purpose,
        campaignCode: row.campaign,
        importKey: key,
        externalRef: row.reference,
        createdBy: this.createdBy,
      });
      this.imported += 1;
    }
  }

  private keyOf(row: ContributionRow): string {
    const fingerprint = rowFingerprint(row);
    const short = Buffer.from(fingerprint.slice(0, 32), 'hex').toString('base64');
    const occurrence = this.occurrences.get(short) ?? 0;
    this.occurrences.set(short, occurrence + 1);
    return importKey(fingerprint, occurrence);
  }

  /**
   * Finds each new donor of the chunk by diacritics-insensitive name and kind (one query for the chunk), following
   * a merged record to the donor it was merged into, and creates the donors not found.
   */
  private async resolveDonors(rows: ContributionRow[]): Promise<void> {
    const wanted = new Map<string, ContributionRow>();
    for (const row of rows) {
      const key = donorKey(row);
      if (!this.donorIds.has(key) && !wanted.has(key)) wanted.set(key, row);
    }
    if (wanted.size === 0) return;
    const names = [...new Set([...wanted.values()].map((row) => row.donorNameFolded))];
    const found = await this.tx.find(Donor, {
      select: { id: true, nameFolded: true, kind: true, mergedIntoId: true },
      where: { nameFolded: In(names) },
      order: { id: 'ASC' },
    });
    // Per key, the oldest record not merged away, or else the oldest merged one (to follow to its survivor).
    const best = new Map<string, Donor>();
    for (const donor of found) {
      const key = `${donor.kind}\u001f${donor.nameFolded}`;
      const held = best.get(key);
      if (!held || (held.mergedIntoId !== null && donor.mergedIntoId === null)) best.set(key, donor);
    }
    for (const [key, row] of wanted) {
      const current = best.get(key);
      const id = current
        ? await this.survivor(current)
        : (await this.donors.insert(this.tx, newDonor(row))).id;
      this.donorIds.set(key, id);
    }
  }

  private async survivor(donor: Pick<Donor, 'id' | 'mergedIntoId'>): Promise<number> {
    let current = donor;
    for (let hop = 0; current.mergedIntoId !== null && hop < MAX_MERGE_HOPS; hop++) {
      current = await this.tx.findOneOrFail(Donor, { where: { id: current.mergedIntoId } });
    }
    return current.id;
  }
}

function donorKey(row: ContributionRow): string {
  return `${row.donorKind}\u001f${row.donorNameFolded}`;
}

function newDonor(row: ContributionRow) {
  return {
    name: row.donorName,
    kind: row.donorKind,
    address: row.donorAddress ?? undefined,
    email: row.donorEmail ?? undefined,
    taxCode: row.donorTaxCode ?? undefined,
  };
}
