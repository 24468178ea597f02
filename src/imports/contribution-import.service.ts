import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { Actor } from '../common/actor';
import { ContributionsService, RecordContribution } from '../contributions/contributions.service';
import { contributionsRepository } from '../contributions/contributions.repository';
import { DonorsService } from '../contributions/donors.service';
import { Donor } from '../contributions/entities';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { FundsService } from '../funds/funds.service';
import {
  ContributionRow,
  HeaderMap,
  parseContributionRow,
  readHeader,
  rowFingerprint,
} from './contribution-row';
import { ImportReference } from './import-reference';
import { RowSchema, rowSchema, RowWriter, runImport } from './import-pipeline';
import type { CheckedRun, ImportOptions, ImportReport, ImportSource } from './import-run';
import { recordRun, TableImportService } from './import-run';
import { ImportKeys } from './import-table';

// Where they were first written: the command line and the filter import them from here too.
export { ImportRejectedError, MAX_LISTED_BAD_ROWS } from './import-run';
export type { BadRow, ImportOptions, ImportProgress, ImportReport, ImportSource } from './import-run';

/** Most data rows one file may have. */
export const MAX_IMPORT_ROWS = 2_000_000;
/** Rows posted at a time (recordMany): the statements per chunk are few, the memory one chunk's. */
const CHUNK_ROWS = 2_000;
/**
 * Indexes of `contributions` that a large import into books without imported rows builds once at its end (SQLite):
 * the import key is random, so inserted row by row it touched a random page of an index larger than the page cache
 * for every row; the donor index nearly so.
 */
const INDEXES_BUILT_AT_END = ['uq_contributions_import_key', 'ix_contributions_donor'];
/** Rows from which an import builds them at its end, if it at least doubles the table (imports.e2e's 10,000 do). */
const BUILD_INDEXES_FROM_ROWS = 10_000;
/** Hops followed through donor merges before giving up (a merge chain is normally one hop long). */
const MAX_MERGE_HOPS = 20;

/** A contributions file: its rows are checked on their own and against the funds and campaigns (ImportReference). */
const CONTRIBUTION_ROWS: RowSchema<HeaderMap, ContributionRow, ImportReference> = rowSchema(
  'rows',
  MAX_IMPORT_ROWS,
  readHeader,
  (line, cells, header, reference) => {
    const parsed = parseContributionRow(line, cells, header);
    const errors = parsed.ok
      ? reference.check(parsed.row)
      : [...parsed.errors, ...reference.check(parsed.keys)];
    return errors.length === 0 && parsed.ok ? parsed : { ok: false, errors };
  },
);

/**
 * Imports contributions from a CSV or XLSX file through the import pipeline (import-pipeline.ts): every row is
 * checked first, then, in one write, each good row not imported before is recorded through
 * ContributionsService.record (the one posting path). Memory holds one chunk of rows, the listed bad rows, the
 * donors met so far, and one counter per distinct row content — never the file.
 */
@Injectable()
export class ContributionImportService extends TableImportService {
  constructor(
    uow: UnitOfWork,
    private readonly contributions: ContributionsService,
    private readonly donors: DonorsService,
    funds: FundsService,
  ) {
    super(uow, funds);
  }

  importContributions(
    actor: Actor,
    source: ImportSource,
    options: ImportOptions = {},
  ): Promise<ImportReport> {
    return runImport(this.uow, {
      label: 'import contributions',
      source,
      options,
      schema: CONTRIBUTION_ROWS,
      context: (manager) => ImportReference.load(manager, actor),
      writer: (tx, _sha256, rows) => new Posting(tx, this.contributions, this.donors, actor.username, rows),
      chunkRows: CHUNK_ROWS,
    });
  }
}

/** The posting pass's state inside its transaction: the donors met so far and the row-occurrence counters. */
class Posting implements RowWriter<ContributionRow, ImportReport> {
  readonly phase = 'posting';
  imported = 0;
  skipped = 0;
  /** "kind␟folded name" → donor id. Grows with the distinct donors of the file, not with its rows. */
  private readonly donorIds = new Map<string, number>();
  /**
   * How often each distinct row content occurred so far: the only state that grows with the file's rows, some
   * 50–100 bytes an entry (50–100 MB for a million distinct rows).
   */
  private readonly keys: ImportKeys;
  /**
   * Whether rows imported before this run can be met: on SQLite (one writer; this transaction holds the write
   * lock), none when no contribution had an import key as it began. The keys this run writes are distinct.
   */
  private keysBefore: boolean | null = null;
  /** The indexes dropped for this run (their CREATE statements, as the schema has them), made again by finish(). */
  private indexesToBuild: string[] | null = null;

  constructor(
    private readonly tx: EntityManager,
    private readonly contributions: ContributionsService,
    private readonly donors: DonorsService,
    private readonly createdBy: string,
    private readonly rows: number,
  ) {
    // Sized for the file's rows at once: growing it (a table twice the size beside the old one) raised the peak.
    this.keys = new ImportKeys(rows);
  }

  async finish(run: CheckedRun): Promise<ImportReport> {
    // The same statements, in the same transaction: a unique key met twice fails here, and everything rolls back.
    for (const create of this.indexesToBuild ?? []) await this.tx.query(create);
    return recordRun(this.tx, 'contributions', run, this, this.createdBy);
  }

  /**
   * On SQLite, when no contribution was imported before and this run at least doubles the table, drops the
   * INDEXES_BUILT_AT_END for finish() to build again, sorted, in the same transaction (a rollback or a crash keeps
   * them). Nothing reads them meanwhile: imported keys are not looked up (keysBefore), donors are found by name.
   */
  private async deferIndexes(): Promise<string[]> {
    if (this.keysBefore !== false || this.rows < BUILD_INDEXES_FROM_ROWS) return [];
    const [table] = await sql<{ rows: number }>(
      this.tx,
      'SELECT COALESCE(MAX(id), 0) AS rows FROM contributions',
    );
    if (Number(table.rows) > this.rows) return [];
    const creates: string[] = [];
    for (const name of INDEXES_BUILT_AT_END) {
      const [index] = await sql<{ sql: string | null }>(
        this.tx,
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contributions' AND name = ?",
        [name],
      );
      if (!index?.sql) continue;
      await this.tx.query(`DROP INDEX "${name}"`);
      creates.push(index.sql);
    }
    return creates;
  }

  async write(rows: ContributionRow[]): Promise<void> {
    if (rows.length === 0) return;
    const keys = rows.map((row) => this.keyOf(row));
    this.keysBefore ??= await anyImportKey(this.tx);
    this.indexesToBuild ??= await this.deferIndexes();
    const imported = this.keysBefore
      ? await contributionsRepository.importedKeys(this.tx, keys)
      : new Set<string>();
    const fresh = rows.filter((_, i) => !imported.has(keys[i]));
    this.skipped += rows.length - fresh.length;
    await this.resolveDonors(fresh);
    const inputs: RecordContribution[] = [];
    for (const [i, row] of rows.entries()) {
      const key = keys[i];
      if (imported.has(key)) continue;
      const donorId = this.donorIds.get(donorKey(row));
      if (donorId === undefined) throw new Error(`no donor resolved for line ${row.line}`);
      inputs.push({
        fundCode: row.fundCode,
        donorId,
        date: row.date,
        amount: row.amount,
        method: row.method,
        purpose: row.purpose,
        campaignCode: row.campaign,
        importKey: key,
        externalRef: row.reference,
        // History: its own series (LS), never the live one, with the paper number kept (issue 10 item 3).
        historical: { originalNo: row.originalNo },
        createdBy: this.createdBy,
      });
    }
    // The chunk at once: one posting pass over it, as record() would post each row (recordMany).
    await this.contributions.recordMany(this.tx, inputs);
    this.imported += inputs.length;
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

/** False when this SQLite database has no imported contribution yet; always true on PostgreSQL (other writers). */
async function anyImportKey(tx: EntityManager): Promise<boolean> {
  if (tx.connection.options.type === 'postgres') return true;
  const [row] = await sql<{ found: number }>(
    tx,
    'SELECT EXISTS (SELECT 1 FROM contributions WHERE import_key IS NOT NULL) AS found',
  );
  return Number(row?.found) === 1;
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
