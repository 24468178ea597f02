import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { assert, present } from '../common/assert';
import { nowIso, todayInVietnam } from '../common/clock';
import { BusinessRuleError } from '../common/errors';
import { Money } from '../common/money';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { RowSchema, rowSchema, RowWriter, runImport } from '../imports/import-pipeline';
import type { CheckedRun, ImportOptions, ImportSource } from '../imports/import-run';
import { ImportKeys } from '../imports/import-table';
import { Account } from '../ledger/entities';
import { BankStatement, BankStatementDuplicate, BankStatementLine, Direction } from './entities';
import {
  parseStatementRow,
  readStatementHeader,
  StatementHeader,
  StatementRow,
  statementLineFingerprint,
} from './statement-row';

/** The account a statement belongs to: Treasury and bank deposits. */
export const BANK_ACCOUNT = '112';
/** Most lines one statement file may have: years of a busy account. */
export const MAX_STATEMENT_LINES = 100_000;
/** Repeated movements listed in an answer, and file lines listed for each; all of them are counted. */
export const MAX_LISTED_REPEATS = 1000;
/** Lines whose keys are looked up, and which are inserted, together. */
const CHUNK_LINES = 200;

/**
 * Lines of one file that are the same movement — same date, amount, direction and reference — which a bank's
 * export sometimes lists twice. The first is imported as any line; each repeat is held `pending` until an
 * accountant keeps it (a real repeat) or drops it: POST /api/bank-statements/:id/duplicates/:lineId.
 */
export interface StatementRepeat {
  /** The file's lines (header = 1) holding this movement, in order: the first, then its repeats. */
  lines: number[];
  date: string;
  amount: string;
  direction: Direction;
  reference: string | null;
  /** The repeats this import stored, held pending: decide each by its id. */
  pendingLineIds: number[];
}

export interface StatementImportReport {
  /** The statement the lines were stored under; an earlier one's id when the same file was imported before. */
  statementId: number | null;
  fundCode: string;
  fileName: string;
  fileSha256: string;
  /** The same file (same SHA-256) was imported for this fund before: nothing was added. */
  alreadyImported: boolean;
  periodFrom: string;
  periodTo: string;
  /** Data lines in the file. */
  linesTotal: number;
  /** Lines stored now. */
  imported: number;
  /** Lines an earlier statement had already brought in (same date, amount, direction and reference). */
  skipped: number;
  /** Money in and out over the file's lines, whole đồng. */
  totalIn: string;
  totalOut: string;
  /** Lines of the file that repeat an earlier line of it; those stored now wait for a decision. */
  repeatedLineCount: number;
  /** The repeated movements (the first MAX_LISTED_REPEATS). */
  duplicates: StatementRepeat[];
}

/** A statement file: its lines are checked on their own, and none may be dated after today. */
const STATEMENT_LINES: RowSchema<StatementHeader, StatementRow, string> = rowSchema(
  'lines',
  MAX_STATEMENT_LINES,
  readStatementHeader,
  parseStatementRow,
);

/**
 * Imports a bank or Treasury statement of a fund's account 112 from a CSV or XLSX file, through the import
 * pipeline (imports/import-pipeline.ts): every line is checked first and any bad line refuses the whole file
 * (422, nothing written); then, in one write, the lines not seen before are stored as unmatched — and lines that
 * repeat an earlier line of the file as pending. Importing touches no books: a statement is the bank's record,
 * not ours.
 */
@Injectable()
export class StatementImportService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
  ) {}

  async importStatement(
    actor: Actor,
    fundCode: string,
    source: ImportSource,
    options: Omit<ImportOptions, 'partial'> = {},
  ): Promise<StatementImportReport> {
    assertFundInScope(actor, fundCode);
    const fund = await this.funds.byCode(this.uow.manager, fundCode);
    await assertHasBankAccount(this.uow.manager, fund);
    return runImport(this.uow, {
      label: 'import bank statement',
      source,
      options: { ...options, partial: false },
      schema: STATEMENT_LINES,
      context: () => todayInVietnam(),
      chunkRows: CHUNK_LINES,
      writer: async (tx, fileSha256) => {
        const earlier = await tx.findOne(BankStatement, { where: { fundId: fund.id, fileSha256 } });
        return new StatementWriter(tx, fund, { ...source, fileSha256 }, actor.username, earlier);
      },
    });
  }
}

/** 422 unless the fund's chart has account 112 (every default chart has it). */
export async function assertHasBankAccount(manager: EntityManager, fund: Fund): Promise<Account> {
  const account = await manager.findOne(Account, { where: { fundId: fund.id, code: BANK_ACCOUNT } });
  if (!account) throw new BusinessRuleError(`fund ${fund.code} has no account ${BANK_ACCOUNT}`);
  return account;
}

/**
 * The writing pass of a statement: totals the file's lines, finds the lines that repeat an earlier one of the
 * file, and stores the lines not seen before — under a statement row made with the first of them, unless the
 * same file was imported before (then nothing is stored).
 */
class StatementWriter implements RowWriter<StatementRow, StatementImportReport> {
  readonly phase = 'writing';
  private statementId: number | null = null;
  private readonly keys = new ImportKeys();
  private linesTotal = 0;
  private imported = 0;
  private periodFrom = '';
  private periodTo = '';
  private totalIn = Money.ZERO;
  private totalOut = Money.ZERO;
  /** First line of each distinct movement of the file, by the first 16 bytes of its fingerprint (base64). */
  private readonly firstLine = new Map<string, number>();
  /** The repeated movements, by the same key. */
  private readonly repeats = new Map<string, StatementRepeat>();
  private repeatedLineCount = 0;

  constructor(
    private readonly tx: EntityManager,
    private readonly fund: Fund,
    private readonly file: ImportSource & { fileSha256: string },
    private readonly importedBy: string,
    private readonly earlier: BankStatement | null,
  ) {}

  async write(rows: StatementRow[]): Promise<void> {
    if (rows.length === 0) return;
    const lines = rows.map((row) => {
      this.count(row);
      const fingerprint = statementLineFingerprint(this.fund.code, row);
      return { row, key: this.keys.next(fingerprint), repeats: this.repeatOf(row, fingerprint) };
    });
    if (this.earlier) return;

    const seen = await this.tx.find(BankStatementLine, {
      select: { id: true, lineKey: true },
      where: { lineKey: In(lines.map((line) => line.key)) },
    });
    const known = new Set(seen.map((line) => line.lineKey));
    const fresh = lines.filter((line) => !known.has(line.key));
    if (fresh.length === 0) return;

    const statementId = this.statementId ?? (await this.newStatement());
    await this.tx.insert(
      BankStatementLine,
      fresh.map(({ row, key, repeats }) => ({
        statementId,
        lineNo: row.line,
        lineDate: row.date,
        amount: row.amount.toString(),
        direction: row.direction,
        reference: row.reference,
        description: row.description,
        status: repeats === null ? ('unmatched' as const) : ('pending' as const),
        lineKey: key,
      })),
    );
    this.imported += fresh.length;
    await this.holdRepeats(statementId, fresh);
  }

  async finish(run: CheckedRun): Promise<StatementImportReport> {
    if (this.statementId !== null) {
      await this.tx.update(
        BankStatement,
        { id: this.statementId },
        {
          periodFrom: this.periodFrom,
          periodTo: this.periodTo,
          lineCount: this.imported,
          skippedCount: this.linesTotal - this.imported,
        },
      );
    }
    return {
      statementId: this.earlier?.id ?? this.statementId,
      fundCode: this.fund.code,
      fileName: run.source.name,
      fileSha256: run.fileSha256,
      alreadyImported: this.earlier !== null,
      periodFrom: this.periodFrom,
      periodTo: this.periodTo,
      linesTotal: this.linesTotal,
      imported: this.imported,
      skipped: this.linesTotal - this.imported,
      totalIn: this.totalIn.toString(),
      totalOut: this.totalOut.toString(),
      repeatedLineCount: this.repeatedLineCount,
      duplicates: [...this.repeats.values()],
    };
  }

  private count(row: StatementRow): void {
    this.linesTotal += 1;
    if (this.periodFrom === '' || row.date < this.periodFrom) this.periodFrom = row.date;
    if (row.date > this.periodTo) this.periodTo = row.date;
    if (row.direction === 'in') this.totalIn = this.totalIn.plus(row.amount);
    else this.totalOut = this.totalOut.plus(row.amount);
  }

  /** The repeated movement this line belongs to when an earlier line of the file is the same movement, else null. */
  private repeatOf(row: StatementRow, fingerprint: string): StatementRepeat | null {
    const short = Buffer.from(fingerprint.slice(0, 32), 'hex').toString('base64');
    const first = this.firstLine.get(short);
    if (first === undefined) {
      this.firstLine.set(short, row.line);
      return null;
    }
    this.repeatedLineCount += 1;
    let repeat = this.repeats.get(short);
    if (!repeat) {
      repeat = {
        lines: [first],
        date: row.date,
        amount: row.amount.toString(),
        direction: row.direction,
        reference: row.reference,
        pendingLineIds: [],
      };
      if (this.repeats.size < MAX_LISTED_REPEATS) this.repeats.set(short, repeat);
    }
    if (repeat.lines.length < MAX_LISTED_REPEATS) repeat.lines.push(row.line);
    return repeat;
  }

  /** Records each stored repeat as awaiting a decision, and gives its id to the answer. */
  private async holdRepeats(
    statementId: number,
    stored: { row: StatementRow; key: string; repeats: StatementRepeat | null }[],
  ): Promise<void> {
    const held = stored.filter((line) => line.repeats !== null);
    if (held.length === 0) return;
    const ids = await this.tx.find(BankStatementLine, {
      select: { id: true, lineKey: true },
      where: { lineKey: In(held.map((line) => line.key)) },
    });
    const idOf = new Map(ids.map((line) => [line.lineKey, line.id]));
    const records = held.map(({ key, repeats }) => {
      const lineId = present(idOf.get(key), `the id of stored statement line ${key}`);
      assert(repeats !== null, 'a held line repeats another');
      if (repeats.pendingLineIds.length < MAX_LISTED_REPEATS) repeats.pendingLineIds.push(lineId);
      return { statementId, lineId, repeatsLineNo: repeats.lines[0] };
    });
    await this.tx.insert(BankStatementDuplicate, records);
  }

  private async newStatement(): Promise<number> {
    const inserted = await this.tx.insert(BankStatement, {
      fundId: this.fund.id,
      fileName: this.file.name.slice(0, 300),
      fileSha256: this.file.fileSha256,
      // Set by finish(), once every line has been read.
      periodFrom: this.periodFrom,
      periodTo: this.periodTo,
      lineCount: 0,
      skippedCount: 0,
      importedBy: this.importedBy,
      importedAt: nowIso(),
    });
    this.statementId = (inserted.identifiers[0] as { id: number }).id;
    return this.statementId;
  }
}
