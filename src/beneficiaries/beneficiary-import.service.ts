import { Injectable } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { EntityManager, In } from 'typeorm';
import type { Actor } from '../common/actor';
import { ConflictError, InvalidRequestError } from '../common/errors';
import { ImportRun } from '../contributions/entities';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { FundsService } from '../funds/funds.service';
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
} from '../imports/import-run';
import { ImportKeys } from '../imports/import-table';
import { detectFormat, readTable, sha256File, TableFormat } from '../imports/table-reader';
import {
  BeneficiaryHeader,
  BeneficiaryRow,
  beneficiaryFingerprint,
  parseBeneficiaryRow,
  readBeneficiaryHeader,
} from './beneficiary-row';
import { DuplicatesService, MAX_LOOKUP_ROWS } from './duplicates.service';
import { Beneficiary } from './entities';
import { nameRuleKey, reasonText } from './identity';

/** Most data rows one file may have: eight provinces' registries. The in-file duplicate check grows with it. */
export const MAX_BENEFICIARY_ROWS = 200_000;
/** Possible duplicates listed in an answer; all of them are counted. */
export const MAX_LISTED_DUPLICATES = 1000;
/** Rows whose import keys and duplicates are looked up, and which are inserted, together. */
const CHUNK_ROWS = 500;
const PROGRESS_EVERY_ROWS = 250;

/** A row of the file that may be a household already in the registry (`id`) or on an earlier line (`otherLine`). */
export interface ImportDuplicate {
  line: number;
  id?: number;
  otherLine?: number;
  reason: string;
}

export interface BeneficiaryImportReport {
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
  /** Imported rows that may duplicate a record or another row: flagged, not refused. */
  possibleDuplicateCount: number;
  /** The first MAX_LISTED_DUPLICATES of them. */
  possibleDuplicates: ImportDuplicate[];
}

/**
 * Imports households from a CSV or XLSX file in two streamed passes, as the contributions import does: the first
 * checks every row outside the write lock and, unless `partial`, stops there when any row is bad; the second reads
 * the file again inside one write transaction, skips rows imported before (their import key), flags possible
 * duplicates — against the registry as it was before the import, and between the file's own rows — and inserts
 * the rest in chunks. Memory holds one chunk, the listed bad rows and duplicates, and a few keys per row.
 */
@Injectable()
export class BeneficiaryImportService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly duplicates: DuplicatesService,
    private readonly funds: FundsService,
  ) {}

  async importBeneficiaries(
    actor: Actor,
    source: ImportSource,
    options: ImportOptions = {},
  ): Promise<BeneficiaryImportReport> {
    const partial = options.partial === true;
    const format = await detectFormat(source.path);
    const bytesTotal = (await stat(source.path)).size;
    const fileSha256 = await sha256File(source.path);
    describeRequest(source, fileSha256, partial);
    let rowsTotal: number | null = null;
    const progress = (phase: ImportProgress['phase'], rows: number, scan: Scan) =>
      options.onProgress?.({ phase, rows, rowsTotal, bytesRead: scan.meter.bytesRead, bytesTotal });

    // Pass 1: a dry run outside the write lock, so a bad file never holds up other writers.
    const dry = newScan();
    const checked = this.goodRows(source.path, format, dry, () => {
      if (dry.rows % PROGRESS_EVERY_ROWS === 0) progress('validating', dry.rows, dry);
    });
    while (!(await checked.next()).done) {
      // Only the count and the bad rows matter in this pass.
    }
    progress('validating', dry.rows, dry);
    rowsTotal = dry.rows;
    if (dry.rows === 0) throw new InvalidRequestError('the file has a header but no rows below it');
    if (dry.bad.count > 0 && (!partial || dry.bad.count === dry.rows)) {
      throw new ImportRejectedError(dry.rows, dry.bad.count, dry.bad.listed, partial);
    }

    // Pass 2: the authoritative one, under the write lock. Rows are compared with the registry as it was before
    // (ids up to maxId) and with each other separately, so a row is never reported against its own file twice.
    return this.uow.write(async (tx) => {
      const [{ maxId }] = await sql<{ maxId: number | string | null }>(
        tx,
        'SELECT MAX(id) AS "maxId" FROM beneficiaries',
      );
      const writing = new Writing(tx, this.duplicates, actor.username, Number(maxId ?? 0));
      const scan = newScan();
      let chunk: BeneficiaryRow[] = [];
      for await (const row of this.goodRows(source.path, format, scan)) {
        chunk.push(row);
        if (chunk.length === CHUNK_ROWS) {
          await writing.write(chunk);
          chunk = [];
          progress('writing', writing.imported + writing.skipped + scan.bad.count, scan);
        }
      }
      await writing.write(chunk);
      progress('writing', scan.rows, scan);
      // A row is checked against nothing but itself, so the passes can only disagree if the file changed.
      if (
        scan.rows !== dry.rows ||
        scan.bad.count !== dry.bad.count ||
        (await sha256File(source.path)) !== fileSha256
      ) {
        throw new ConflictError('the file changed while it was being imported; nothing was written');
      }
      const run = await tx.insert(ImportRun, {
        kind: 'beneficiaries',
        fileName: source.name.slice(0, 300),
        fileSha256,
        rowsTotal: scan.rows,
        rowsImported: writing.imported,
        rowsSkipped: writing.skipped,
        createdBy: actor.username,
        createdAt: nowIso(),
      });
      const report: BeneficiaryImportReport = {
        importId: (run.identifiers[0] as { id: number }).id,
        fileName: source.name,
        fileSha256,
        partial,
        rowsTotal: scan.rows,
        imported: writing.imported,
        skipped: writing.skipped,
        badRowCount: scan.bad.count,
        badRows: scan.bad.listed,
        possibleDuplicateCount: writing.duplicateCount,
        possibleDuplicates: writing.duplicates,
      };
      return report;
    }, 'import beneficiaries');
  }

  /** The actor a command-line import runs as: an active accountant or admin. */
  actorNamed(username: string): Promise<Actor> {
    return importActor(this.uow.manager, this.funds, username);
  }

  /** Streams the file's good rows; counts every data row and records the bad ones in `scan`. */
  private async *goodRows(
    path: string,
    format: TableFormat,
    scan: Scan,
    onRow?: () => void,
  ): AsyncGenerator<BeneficiaryRow> {
    let header: BeneficiaryHeader | null = null;
    const now = new Date();
    for await (const source of readTable(path, format, scan.meter)) {
      if (header === null) {
        header = readBeneficiaryHeader(source.cells);
        continue;
      }
      scan.rows += 1;
      if (scan.rows > MAX_BENEFICIARY_ROWS) {
        throw new InvalidRequestError(
          `the file has more than ${MAX_BENEFICIARY_ROWS} rows; split it into smaller files`,
        );
      }
      const parsed = parseBeneficiaryRow(source.line, source.cells, header, now);
      if (!parsed.ok) scan.bad.add(source.line, parsed.errors);
      onRow?.();
      if (parsed.ok) yield parsed.row;
    }
    if (header === null) throw new InvalidRequestError('the file is empty; its first row must be the header');
  }
}

/**
 * The writing pass's state inside its transaction: import keys, the new rows' match keys (for duplicates inside
 * the file), and the duplicates found so far.
 */
class Writing {
  imported = 0;
  skipped = 0;
  duplicateCount = 0;
  readonly duplicates: ImportDuplicate[] = [];
  private readonly keys = new ImportKeys();
  /** Citizen ID → line of the first new row that has it. */
  private readonly lineById = new Map<string, number>();
  /** Name rule key → line of the first new row that has it. */
  private readonly lineByName = new Map<string, number>();

  constructor(
    private readonly tx: EntityManager,
    private readonly matcher: DuplicatesService,
    private readonly createdBy: string,
    /** The registry as it was before the import: records up to this id. */
    private readonly maxIdBefore: number,
  ) {}

  async write(rows: BeneficiaryRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.length > MAX_LOOKUP_ROWS) throw new Error(`at most ${MAX_LOOKUP_ROWS} rows per chunk`);
    const keys = rows.map((row) => this.keys.next(beneficiaryFingerprint(row)));
    const existing = await this.tx.find(Beneficiary, {
      select: { id: true, importKey: true },
      where: { importKey: In(keys) },
    });
    const imported = new Set(existing.map((b) => b.importKey));
    const fresh = rows.filter((_, i) => !imported.has(keys[i]));
    const freshKeys = keys.filter((key) => !imported.has(key));
    this.skipped += rows.length - fresh.length;
    if (fresh.length === 0) return;

    const inRegistry = await this.matcher.matchAll(this.tx, fresh, { maxId: this.maxIdBefore });
    fresh.forEach((row, i) => {
      for (const candidate of inRegistry[i])
        this.flag({ line: row.line, id: candidate.id, reason: candidate.reason });
      this.flagInFile(row);
    });

    const createdAt = nowIso();
    await this.tx
      .createQueryBuilder()
      .insert()
      .into(Beneficiary)
      .values(
        fresh.map((row, i) => ({
          fullName: row.fullName,
          nameFolded: row.nameFolded,
          nationalId: row.nationalId,
          idKind: row.idKind,
          birthYear: row.birthYear,
          category: row.category,
          commune: row.commune,
          communeFolded: row.communeFolded,
          address: row.address,
          recordNo: row.recordNo,
          housingCondition: row.housingCondition,
          mergedIntoId: null,
          importKey: freshKeys[i],
          createdBy: this.createdBy,
          createdAt,
        })),
      )
      .updateEntity(false)
      .execute();
    this.imported += fresh.length;
  }

  /**
   * Compares a new row with the new rows before it (the rules of identity.ts `matchingRules`, as two indexes),
   * then remembers it.
   */
  private flagInFile(row: BeneficiaryRow): void {
    const byId = row.nationalId === null ? undefined : this.lineById.get(row.nationalId);
    const nameKey = nameRuleKey(row);
    const byName = nameKey === null ? undefined : this.lineByName.get(nameKey);
    // The first earlier row per rule; when both rules point at one row, it is one pair with both reasons.
    const others = [...new Set([byId, byName].filter((line): line is number => line !== undefined))];
    for (const otherLine of others) {
      const rules = [
        ...(otherLine === byId ? (['national_id'] as const) : []),
        ...(otherLine === byName ? (['name_birth_year_commune'] as const) : []),
      ];
      this.flag({
        line: row.line,
        otherLine,
        reason: rules.map((r) => reasonText(r, row.idKind)).join('; '),
      });
    }
    if (row.nationalId !== null && byId === undefined) this.lineById.set(row.nationalId, row.line);
    if (nameKey !== null && byName === undefined) this.lineByName.set(nameKey, row.line);
  }

  private flag(duplicate: ImportDuplicate): void {
    this.duplicateCount += 1;
    if (this.duplicates.length < MAX_LISTED_DUPLICATES) this.duplicates.push(duplicate);
  }
}
