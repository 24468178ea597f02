import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { Actor } from '../common/actor';
import { nowIso } from '../common/clock';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { FundsService } from '../funds/funds.service';
import { RowSchema, rowSchema, RowWriter, runImport } from '../imports/import-pipeline';
import type { CheckedRun, ImportOptions, ImportReport, ImportSource } from '../imports/import-run';
import { recordRun, TableImportService } from '../imports/import-run';
import { ImportKeys } from '../imports/import-table';
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

/** A row of the file that may be a household already in the registry (`id`) or on an earlier line (`otherLine`). */
export interface ImportDuplicate {
  line: number;
  id?: number;
  otherLine?: number;
  reason: string;
}

export interface BeneficiaryImportReport extends ImportReport {
  /** Imported rows that may duplicate a record or another row: flagged, not refused. */
  possibleDuplicateCount: number;
  /** The first MAX_LISTED_DUPLICATES of them. */
  possibleDuplicates: ImportDuplicate[];
}

/** A households file: each row is checked on its own (the birth year against the date of the import). */
const BENEFICIARY_ROWS: RowSchema<BeneficiaryHeader, BeneficiaryRow, Date> = rowSchema(
  'rows',
  MAX_BENEFICIARY_ROWS,
  readBeneficiaryHeader,
  parseBeneficiaryRow,
);

/**
 * Imports households from a CSV or XLSX file through the import pipeline (imports/import-pipeline.ts): every row
 * is checked first, then, in one write, rows imported before (their import key) are skipped, possible
 * duplicates are flagged — against the registry as it was before the import, and between the file's own rows —
 * and the rest are inserted in chunks. Memory holds one chunk, the listed bad rows and duplicates, and a few keys
 * per row.
 */
@Injectable()
export class BeneficiaryImportService extends TableImportService {
  constructor(
    uow: UnitOfWork,
    private readonly duplicates: DuplicatesService,
    funds: FundsService,
  ) {
    super(uow, funds);
  }

  importBeneficiaries(
    actor: Actor,
    source: ImportSource,
    options: ImportOptions = {},
  ): Promise<BeneficiaryImportReport> {
    return runImport(this.uow, {
      label: 'import beneficiaries',
      source,
      options,
      schema: BENEFICIARY_ROWS,
      context: () => new Date(),
      // Rows are compared with the registry as it was before (ids up to maxId) and with each other separately,
      // so a row is never reported against its own file twice.
      writer: async (tx) => {
        const [{ maxId }] = await sql<{ maxId: number | string | null }>(
          tx,
          'SELECT MAX(id) AS "maxId" FROM beneficiaries',
        );
        return new Writing(tx, this.duplicates, actor.username, Number(maxId ?? 0));
      },
    });
  }
}

/**
 * The writing pass's state inside its transaction: import keys, the new rows' match keys (for duplicates inside
 * the file), and the duplicates found so far.
 */
class Writing implements RowWriter<BeneficiaryRow, BeneficiaryImportReport> {
  readonly phase = 'writing';
  duplicateCount = 0;
  imported = 0;
  skipped = 0;
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

  async finish(run: CheckedRun): Promise<BeneficiaryImportReport> {
    return {
      ...(await recordRun(this.tx, 'beneficiaries', run, this, this.createdBy)),
      possibleDuplicateCount: this.duplicateCount,
      possibleDuplicates: this.duplicates,
    };
  }

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
