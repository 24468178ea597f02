import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { BusinessRuleError, ConflictError, InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import { todayInVietnam } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { describeRequest, ImportSource, newScan, Scan } from '../imports/import-run';
import { ImportKeys } from '../imports/import-table';
import { detectFormat, readTable, sha256File, TableFormat } from '../imports/table-reader';
import { Account } from '../ledger/entities';
import { BankStatement, BankStatementLine } from './entities';
import { StatementRejectedError } from './statement-rejected';
import {
  parseStatementRow,
  readStatementHeader,
  StatementHeader,
  StatementRow,
  statementLineFingerprint,
} from './statement-row';

/** The account a statement belongs to: Treasury and bank deposits. */
export const BANK_ACCOUNT = '112';
/** Most lines one statement file may have: years of a busy account. The file's lines are held in memory. */
export const MAX_STATEMENT_LINES = 100_000;
/** Lines whose keys are looked up, and which are inserted, together. */
const CHUNK_LINES = 200;

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
}

/**
 * Imports a bank or Treasury statement of a fund's account 112 from a CSV or XLSX file. Every line is checked
 * first and any bad line refuses the whole file (422, nothing written); then, in one write, the lines not seen
 * before are stored as unmatched. Importing touches no books: a statement is the bank's record, not ours.
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
  ): Promise<StatementImportReport> {
    assertFundInScope(actor, fundCode);
    const fund = await this.funds.byCode(this.uow.manager, fundCode);
    await assertHasBankAccount(this.uow.manager, fund);
    const format = await detectFormat(source.path);
    const fileSha256 = await sha256File(source.path);
    describeRequest(source, fileSha256, false);

    const scan = newScan();
    const rows = await this.readRows(source.path, format, scan);
    if (scan.rows === 0) throw new InvalidRequestError('the file has a header but no lines below it');
    if (scan.bad.count > 0) throw new StatementRejectedError(scan.rows, scan.bad.count, scan.bad.listed);

    return this.uow.write(async (tx) => {
      if ((await sha256File(source.path)) !== fileSha256) {
        throw new ConflictError('the file changed while it was being imported; nothing was written');
      }
      const summary = summarize(rows);
      const report = (statementId: number | null, imported: number, alreadyImported = false) => ({
        statementId,
        fundCode,
        fileName: source.name,
        fileSha256,
        alreadyImported,
        ...summary,
        linesTotal: rows.length,
        imported,
        skipped: rows.length - imported,
      });
      const earlier = await tx.findOne(BankStatement, { where: { fundId: fund.id, fileSha256 } });
      if (earlier) return report(earlier.id, 0, true);

      const keys = new ImportKeys();
      const keyed = rows.map((row) => ({ row, key: keys.next(statementLineFingerprint(fundCode, row)) }));
      const seen = new Set<string>();
      for (let i = 0; i < keyed.length; i += CHUNK_LINES) {
        const chunk = keyed.slice(i, i + CHUNK_LINES).map((k) => k.key);
        const found = await tx.find(BankStatementLine, {
          select: { id: true, lineKey: true },
          where: { lineKey: In(chunk) },
        });
        for (const line of found) seen.add(line.lineKey);
      }
      const fresh = keyed.filter((k) => !seen.has(k.key));
      if (fresh.length === 0) return report(null, 0);

      const inserted = await tx.insert(BankStatement, {
        fundId: fund.id,
        fileName: source.name.slice(0, 300),
        fileSha256,
        periodFrom: summary.periodFrom,
        periodTo: summary.periodTo,
        lineCount: fresh.length,
        skippedCount: rows.length - fresh.length,
        importedBy: actor.username,
        importedAt: nowIso(),
      });
      const statementId = (inserted.identifiers[0] as { id: number }).id;
      for (let i = 0; i < fresh.length; i += CHUNK_LINES) {
        await tx.insert(
          BankStatementLine,
          fresh.slice(i, i + CHUNK_LINES).map(({ row, key }) => ({
            statementId,
            lineNo: row.line,
            lineDate: row.date,
            amount: row.amount.toString(),
            direction: row.direction,
            reference: row.reference,
            description: row.description,
            status: 'unmatched' as const,
            lineKey: key,
          })),
        );
      }
      return report(statementId, fresh.length);
    });
  }

  /** Every line of the file, checked; the bad ones are recorded in `scan` (the good ones are kept in order). */
  private async readRows(path: string, format: TableFormat, scan: Scan): Promise<StatementRow[]> {
    const today = todayInVietnam();
    const rows: StatementRow[] = [];
    let header: StatementHeader | null = null;
    for await (const source of readTable(path, format, scan.meter)) {
      if (header === null) {
        header = readStatementHeader(source.cells);
        continue;
      }
      scan.rows += 1;
      if (scan.rows > MAX_STATEMENT_LINES) {
        throw new InvalidRequestError(
          `the statement has more than ${MAX_STATEMENT_LINES} lines; split it into smaller periods`,
        );
      }
      const parsed = parseStatementRow(source.line, source.cells, header, today);
      if (parsed.ok) rows.push(parsed.row);
      else scan.bad.add(source.line, parsed.errors);
    }
    if (header === null) throw new InvalidRequestError('the file is empty; its first row must be the header');
    return rows;
  }
}

/** 422 unless the fund's chart has account 112 (every default chart has it). */
export async function assertHasBankAccount(manager: EntityManager, fund: Fund): Promise<Account> {
  const account = await manager.findOne(Account, { where: { fundId: fund.id, code: BANK_ACCOUNT } });
  if (!account) throw new BusinessRuleError(`fund ${fund.code} has no account ${BANK_ACCOUNT}`);
  return account;
}

function summarize(rows: StatementRow[]) {
  let periodFrom = rows[0].date;
  let periodTo = rows[0].date;
  let totalIn = Money.ZERO;
  let totalOut = Money.ZERO;
  for (const row of rows) {
    if (row.date < periodFrom) periodFrom = row.date;
    if (row.date > periodTo) periodTo = row.date;
    if (row.direction === 'in') totalIn = totalIn.plus(row.amount);
    else totalOut = totalOut.plus(row.amount);
  }
  return { periodFrom, periodTo, totalIn: totalIn.toString(), totalOut: totalOut.toString() };
}
