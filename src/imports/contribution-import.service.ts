import { Injectable } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { EntityManager, In } from 'typeorm';
import type { Actor } from '../common/actor';
import { ConflictError, InvalidRequestError } from '../common/errors';
import { ContributionsService } from '../contributions/contributions.service';
import { DonorsService } from '../contributions/donors.service';
import { Contribution, Donor, ImportRun } from '../contributions/entities';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { FundsService } from '../funds/funds.service';
import {
  ContributionRow,
  HeaderMap,
  parseContributionRow,
  readHeader,
  rowFingerprint,
} from './contribution-row';
import { ImportReference } from './import-reference';
import {
  BadRow,
  describeRequest,
  importActor,
  ImportOptions,
  ImportProgress,
  ImportRejectedError,
  ImportSource,
  newScan,
  Scan,
} from './import-run';
import { ImportKeys } from './import-table';
import { detectFormat, readTable, sha256File, TableFormat } from './table-reader';

// Where they were first written: the command line and the filter import them from here too.
export { ImportRejectedError, MAX_LISTED_BAD_ROWS } from './import-run';
export type { BadRow, ImportOptions, ImportProgress, ImportSource } from './import-run';

/** Most data rows one file may have. */
export const MAX_IMPORT_ROWS = 2_000_000;
/** Rows whose import keys and donors are looked up together. */
const CHUNK_ROWS = 500;
const PROGRESS_EVERY_ROWS = 250;
/** Hops followed through donor merges before giving up (a merge chain is normally one hop long). */
const MAX_MERGE_HOPS = 20;

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
  actorNamed(username: string): Promise<Actor> {
    return importActor(this.uow.manager, this.funds, username);
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

/** The posting pass's state inside its transaction: the donors met so far and the row-occurrence counters. */
class Posting {
  imported = 0;
  skipped = 0;
  /** "kind␟folded name" → donor id. Grows with the distinct donors of the file, not with its rows. */
  private readonly donorIds = new Map<string, number>();
  /**
   * How often each distinct row content occurred so far: the only state that grows with the file's rows, some
   * 50–100 bytes an entry (50–100 MB for a million distinct rows).
   */
  private readonly keys = new ImportKeys();

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
    return this.keys.next(rowFingerprint(row));
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
