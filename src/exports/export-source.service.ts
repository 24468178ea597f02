import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import { InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import { ROOT_DIR } from '../common/paths';
import { requestContext } from '../common/request-context';
import { todayInVietnam } from '../common/clock';
import { DOCUMENT_DATE_SQL } from '../books/book-queries';
import { preparedArrays } from '../database/prepared';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { Account, Book, EntrySource } from '../ledger/entities';
import { ledgerHead } from '../ledger/chain-head';
import { JournalQueryService } from '../ledger/journal-query.service';
import { eliminate, transferEliminations } from '../reports/transfer-eliminations';
import { addDays } from './dates';
import { HledgerTextPages, TextPage } from './formats/hledger-sql';
import type {
  AccountBalanceRow,
  BundleTrialBalance,
  ChainHeadView,
  ExportAccount,
  ExportEntry,
  ExportFund,
  ExportParameters,
  ExportPlan,
} from './export.types';

/** Entries read per query; each page's lines are read with one more. Memory holds one page at a time. */
export const EXPORT_PAGE_SIZE = 1000;
/** Entry ids per query when SQLite makes the text (hledger-sql.ts): no JavaScript values, a few MB of text. */
export const TEXT_PAGE_SIZE = 5000;

let generator: string | null = null;

/** "den-on-ledger 0.1.0", from package.json. */
export function generatorName(): string {
  if (generator === null) {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    generator = `${pkg.name} ${pkg.version}`;
  }
  return generator;
}

/**
 * One line of a page with its entry's columns, in readPage's order (an entry without lines comes once, its line
 * columns null).
 */
type EntryLineRow = [
  id: number,
  number: number,
  date: string,
  documentDate: string,
  description: string,
  source: EntrySource,
  sourceRef: string | null,
  reversalOfId: number | null,
  hash: string,
  accountId: number | null,
  debit: string | null,
  credit: string | null,
  memo: string | null,
  fundId: number,
];

/** An entry's columns, in readIdPage's order. */
type EntryRow = [
  id: number,
  number: number,
  date: string,
  documentDate: string,
  description: string,
  source: EntrySource,
  sourceRef: string | null,
  reversalOfId: number | null,
  hash: string,
  fundId: number,
];

/** A line's columns, in readIdPage's order. */
type LineRow = [entryId: number, accountId: number, debit: string, credit: string, memo: string | null];

/** What a page reads besides the entries and their lines. */
export interface PageOptions {
  /** The donor and the payee of each entry (only the spreadsheet shows them): two more queries a page. */
  parties: boolean;
}

/**
 * Where every export reads from. `plan` takes a consistent snapshot of what surrounds the entries (behind the
 * write lock, for a few small queries); `pages` then streams the entries themselves, page by page, without the
 * lock, bounded by the snapshot's chain head.
 */
@Injectable()
export class ExportSourceService {
  /** Entry numbers per page (a test lowers it to watch backpressure with fewer entries). */
  pageSize = EXPORT_PAGE_SIZE;
  /** Entry ids per page of text made by SQLite; `textInDatabase` false: the writer makes all of it (a test compares). */
  textPageSize = TEXT_PAGE_SIZE;
  textInDatabase = true;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly journal: JournalQueryService,
  ) {}

  /**
   * Resolves the funds (checking the actor's scope), the range and the balances at both ends. It runs as a
   * UnitOfWork write so that no posting commits half-way through it; the only row it adds is the audit-log row
   * that records who exported what (`action`).
   */
  async plan(actor: Actor, parameters: ExportParameters, action: string): Promise<ExportPlan> {
    const problems: string[] = [];
    if (parameters.from && parameters.to && parameters.from > parameters.to)
      problems.push('from must not be after to');
    if (parameters.consolidated && parameters.fund === null)
      problems.push('consolidated needs a fund: the fund whose group is consolidated');
    if (problems.length) throw new InvalidRequestError(problems);

    const context = requestContext.get();
    if (context && context.auditDetails === undefined) context.auditDetails = { ...parameters };
    const createdAt = nowIso();
    return this.uow.write(async (tx) => {
      const funds = await this.resolveFunds(tx, actor, parameters);
      const fundIds = funds.map((f) => f.id);
      const accounts = await this.accounts(tx, funds);
      const books = fundIds.length ? await tx.find(Book, { where: { fundId: In(fundIds) } }) : [];
      const byCode = new Map([...accounts.values()].map((a) => [`${a.fund.id}|${a.code}`, a]));

      const span = await this.span(tx, fundIds);
      const from = parameters.from;
      // Without `to`: the last entry's date, but never before `from` (the closing balances follow the opening).
      const last = span.last !== null && (from === null || span.last >= from) ? span.last : from;
      const to = parameters.to ?? last ?? todayInVietnam();
      const entryCount = await this.count(tx, fundIds, from, to);

      const closing: AccountBalanceRow[] = [];
      const opening: AccountBalanceRow[] = [];
      const perFund: BundleTrialBalance['funds'] = [];
      for (const fund of funds) {
        const balance = await this.journal.trialBalance(tx, [fund.id], to);
        perFund.push({ fund: fund.code, ...balance });
        closing.push(...balance.rows.map((r) => balanceRow(byCode, fund, r)));
        if (from !== null) {
          const before = await this.journal.trialBalance(tx, [fund.id], addDays(from, -1));
          opening.push(
            ...before.rows
              .filter((r) => !Money.fromStored(r.balance).isZero())
              .map((r) => balanceRow(byCode, fund, r)),
          );
        }
      }

      let consolidated: BundleTrialBalance['consolidated'] = null;
      if (parameters.consolidated && parameters.fund !== null) {
        // The same figures as GET /api/reports/trial-balance?consolidated=true: transfers inside the group removed.
        const eliminations = await transferEliminations(tx, fundIds, to);
        consolidated = {
          fund: parameters.fund,
          ...eliminate(await this.journal.trialBalance(tx, fundIds, to), eliminations.rows),
          eliminated: eliminations.rows,
          eliminatedTransfers: eliminations.transfers,
        };
      }

      const firstDate = from ?? (span.first !== null && span.first < to ? span.first : to);
      return {
        parameters,
        from,
        to,
        createdAt,
        generator: generatorName(),
        funds,
        chainHead:
          actor.fundScope === null
            ? { ...(await ledgerHead(tx)), scope: 'global' }
            : { ...(await ledgerHead(tx, { fundCodes: funds.map((f) => f.code) })), scope: 'funds' },
        entryCount,
        firstDate,
        opening,
        closing,
        trialBalance: { asOf: to, funds: perFund, consolidated },
        accounts: [...accounts.values()],
        lastEntryNumbers: Object.fromEntries(books.map((b) => [b.fundCode, b.lastEntryNo])),
      };
    }, action);
  }

  /**
   * The plan's entries in pages of at most `pageSize`, fund by fund in the plan's order, each fund's in
   * entry-number order (the order they were posted in), with their lines: the order of every export file. Only
   * entries up to the snapshot's chain head are read: one posted since is not part of the export. Each page is one
   * query (entries joined with their lines), read whole before the next: no statement stays open while the output
   * drains, so the connection serves other readers in between, and memory holds one page.
   */
  async *pages(plan: ExportPlan, options: PageOptions = { parties: true }): AsyncGenerator<ExportEntry[]> {
    const lookup = this.lookup(plan);
    const lastEntryId = plan.chainHead.lastEntryId ?? 0;
    for (const fund of plan.funds) {
      const lastNumber = plan.lastEntryNumbers[fund.code] ?? 0;
      for (let after = 0; after < lastNumber; after += this.pageSize) {
        const rows = await this.readPage(
          fund.id,
          after,
          after + this.pageSize,
          lastEntryId,
          plan.from,
          plan.to,
        );
        if (rows.length === 0) continue;
        const parties = options.parties ? await this.readParties(rows) : null;
        yield toEntries(rows, lookup, parties);
      }
    }
  }

  /**
   * The same entries as `pages`, every fund's at once in id order: one pass over the journal. The funds post in
   * turn, so a fund's entries lie all over the table, and reading fund by fund reads every page of it once per
   * fund. Within a fund, id order is number order on honest books (verify checks it); a writer that needs the
   * file's order puts the funds back in order itself. No donors and payees (only the spreadsheet shows them).
   */
  async *pagesById(plan: ExportPlan): AsyncGenerator<ExportEntry[]> {
    const lookup = this.lookup(plan);
    const lastEntryId = plan.chainHead.lastEntryId ?? 0;
    const fundIds = plan.funds.map((f) => f.id);
    for (let after = 0; after < lastEntryId; after += this.pageSize) {
      const through = Math.min(after + this.pageSize, lastEntryId);
      const { entries, lines } = await this.readIdPage(fundIds, after, through, plan.from, plan.to);
      if (entries.length > 0) yield mergeLines(entries, lines, lookup);
    }
  }

  /**
   * `pagesById` for the hledger writer: on an SQLite file, SQLite makes each page's text itself (hledger-sql.ts, on
   * a read-only connection of its own), and a page it cannot make all of (text the writer cleans, damaged columns)
   * comes as entries, for the writer. Elsewhere (PostgreSQL, an in-memory database) it is `pagesById`.
   */
  async *hledgerPagesById(plan: ExportPlan): AsyncGenerator<ExportEntry[] | TextPage> {
    const file = this.textInDatabase ? this.sqliteFile() : null;
    let text: HledgerTextPages | null = null;
    try {
      text = file === null ? null : HledgerTextPages.open(file, plan, this.textPageSize);
    } catch {
      // The file cannot be opened a second time (gone, locked, no room for the temporary tables): the writer makes
      // every page, from this export's own connection.
    }
    if (text === null) {
      yield* this.pagesById(plan);
      return;
    }
    try {
      const lookup = this.lookup(plan);
      const lastEntryId = plan.chainHead.lastEntryId ?? 0;
      const fundIds = plan.funds.map((f) => f.id);
      for (let after = 0; after < lastEntryId; after += this.textPageSize) {
        const through = Math.min(after + this.textPageSize, lastEntryId);
        const page = await text.page(after, through);
        if (page !== null) {
          if (page.entries > 0) yield page;
          continue;
        }
        for (let at = after; at < through; at += this.pageSize) {
          const upTo = Math.min(at + this.pageSize, through);
          const { entries, lines } = await this.readIdPage(fundIds, at, upTo, plan.from, plan.to);
          if (entries.length > 0) yield mergeLines(entries, lines, lookup);
        }
      }
    } finally {
      await text.close();
    }
  }

  /** The books' SQLite file; null on PostgreSQL or an in-memory database. */
  private sqliteFile(): string | null {
    const options = this.uow.manager.connection.options;
    if (options.type !== 'better-sqlite3') return null;
    const file = options.database;
    return typeof file === 'string' && file !== '' && file !== ':memory:' && !file.startsWith('file:')
      ? file
      : null;
  }

  /** The plan's funds and accounts by id. */
  private lookup(plan: ExportPlan): Lookup {
    return {
      funds: new Map(plan.funds.map((f) => [f.id, f])),
      accounts: new Map(plan.accounts.map((a) => [a.id, a])),
    };
  }

  /**
   * A fund's entries numbered after `afterNumber` up to `throughNumber`, within the range, each with its lines in
   * line order. A fund's entry numbers run 1, 2, 3 … without a gap, so a window of numbers is a page of at most
   * `pageSize` entries, read through the unique (fund_id, number) index on both databases, whatever the dates.
   * (With `ORDER BY … LIMIT` instead, PostgreSQL may fetch and sort the rest of the fund for every page.) The
   * dates are compared through substr() so that no planner picks the date index instead. Amounts as text:
   * better-sqlite3 would turn an INTEGER into a JavaScript number.
   */
  readPage(
    fundId: number,
    afterNumber: number,
    throughNumber: number,
    lastEntryId: number,
    from: string | null,
    to: string,
  ): Promise<EntryLineRow[]> {
    return preparedArrays<EntryLineRow>(
      this.uow.manager,
      `SELECT e.id, e.number, e.entry_date, ${DOCUMENT_DATE_SQL} AS document_date, e.description, e.source,
              e.source_ref, e.reversal_of_id, e.hash, l.account_id, CAST(l.debit AS TEXT) AS debit,
              CAST(l.credit AS TEXT) AS credit, l.memo, e.fund_id
         FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
        WHERE e.fund_id = ? AND e.number > ? AND e.number <= ? AND e.id <= ?
          AND substr(e.entry_date, 1, 10) >= ? AND substr(e.entry_date, 1, 10) <= ?
        ORDER BY e.number, l.line_no, l.id`,
      [fundId, afterNumber, throughNumber, lastEntryId, from ?? '0000-01-01', to],
    );
  }

  /**
   * The funds' entries with ids after `afterId` up to `throughId`, within the range, in id order: a window of the
   * primary key, so a page of at most `pageSize` entries (`fund_id + 0` keeps SQLite on it: on the fund index it
   * probed each fund and sorted the page; 300,000 entries: 6.1 s of reads against 3.5 s). Then the lines of the
   * entries from the first to the last, in entry and line order (lines of entries the export skips are dropped in
   * the merge): two queries, because joined, the entry's columns came back once per line, and turning columns into
   * JavaScript values is most of the cost (300,000 entries: 3.9 s joined, 2.5 s as two).
   */
  async readIdPage(
    fundIds: number[],
    afterId: number,
    throughId: number,
    from: string | null,
    to: string,
  ): Promise<{ entries: EntryRow[]; lines: LineRow[] }> {
    const manager = this.uow.manager;
    const entries = await preparedArrays<EntryRow>(
      manager,
      `SELECT e.id, e.number, e.entry_date, ${DOCUMENT_DATE_SQL} AS document_date, e.description, e.source,
              e.source_ref, e.reversal_of_id, e.hash, e.fund_id
         FROM journal_entries e
        WHERE e.id > ? AND e.id <= ? AND e.fund_id + 0 IN (${fundIds.map(() => '?').join(', ')})
          AND substr(e.entry_date, 1, 10) >= ? AND substr(e.entry_date, 1, 10) <= ?
        ORDER BY e.id`,
      [afterId, throughId, ...fundIds, from ?? '0000-01-01', to],
    );
    if (entries.length === 0) return { entries, lines: [] };
    const lines = await preparedArrays<LineRow>(
      manager,
      `SELECT l.entry_id, l.account_id, CAST(l.debit AS TEXT) AS debit, CAST(l.credit AS TEXT) AS credit, l.memo
         FROM journal_lines l
        WHERE l.entry_id >= ? AND l.entry_id <= ?
        ORDER BY l.entry_id, l.line_no, l.id`,
      [entries[0][0], entries[entries.length - 1][0]],
    );
    return { entries, lines };
  }

  /**
   * The donor and the payee behind a page's entries, by entry id: a contribution's donor, a payout's household
   * or organisation (payees); a reversal takes those of the entry it reverses (a void names the donor whose gift it
   * undoes).
   */
  private async readParties(rows: EntryLineRow[]): Promise<Map<number, Parties>> {
    const subjectOf = new Map(rows.map((r) => [Number(r[0]), Number(r[7] ?? r[0])]));
    const subjects = [...new Set(subjectOf.values())];
    const marks = subjects.map(() => '?').join(', ');
    const donors = await sql<{ entry_id: number | string; name: string }>(
      this.uow.manager,
      `SELECT c.entry_id, d.name FROM contributions c JOIN donors d ON d.id = c.donor_id
        WHERE c.entry_id IN (${marks})`,
      subjects,
    );
    const payees = await sql<{ entry_id: number | string; name: string }>(
      this.uow.manager,
      `SELECT x.entry_id, COALESCE(b.full_name, p.name) AS name FROM disbursements x
         LEFT JOIN beneficiaries b ON b.id = x.beneficiary_id LEFT JOIN payees p ON p.id = x.payee_id
        WHERE x.entry_id IN (${marks})`,
      subjects,
    );
    const donorOf = new Map(donors.map((r) => [Number(r.entry_id), r.name]));
    const payeeOf = new Map(payees.map((r) => [Number(r.entry_id), r.name]));
    const result = new Map<number, Parties>();
    for (const [id, subject] of subjectOf) {
      result.set(id, { donor: donorOf.get(subject) ?? null, payee: payeeOf.get(subject) ?? null });
    }
    return result;
  }

  private async resolveFunds(
    tx: EntityManager,
    actor: Actor,
    parameters: ExportParameters,
  ): Promise<ExportFund[]> {
    let funds: Fund[];
    if (parameters.fund === null) {
      funds = (await tx.find(Fund, { order: { code: 'ASC' } })).filter((f) => canSeeFund(actor, f.code));
    } else {
      assertFundInScope(actor, parameters.fund);
      funds = parameters.consolidated
        ? await this.funds.withDescendants(tx, parameters.fund)
        : [await this.funds.byCode(tx, parameters.fund)];
      for (const fund of funds) assertFundInScope(actor, fund.code);
    }
    return funds.map((f) => ({ id: f.id, code: f.code, name: f.name, level: f.level }));
  }

  async checkChainHead(head: ChainHeadView, fundCodes: readonly string[]): Promise<string[]> {
    if (head.lastEntryId === null) return [];
    const manager = this.uow.manager;
    const [entry] = await sql<{ id: number }>(manager, 'SELECT id FROM journal_entries WHERE id = ?', [
      head.lastEntryId,
    ]);
    if (!entry)
      return [`entry ${head.lastEntryId}, the last one the bundle holds, is no longer in the books`];
    const now = await ledgerHead(manager, {
      upTo: head.lastEntryId,
      fundCodes: head.scope === 'funds' ? fundCodes : undefined,
    });
    const problems: string[] = [];
    if (now.hash !== head.hash) {
      problems.push(
        `the books' chain head up to entry ${head.lastEntryId} is ${now.hash}, the bundle recorded ${head.hash}: ` +
          'the journal up to it was changed after the bundle was made',
      );
    }
    if (now.entryCount !== head.entryCount) {
      problems.push(
        `the books hold ${now.entryCount} entries up to entry ${head.lastEntryId}, the bundle recorded ${head.entryCount}`,
      );
    }
    return problems;
  }

  /** The funds' accounts by id. */
  private async accounts(tx: EntityManager, funds: ExportFund[]): Promise<Map<number, ExportAccount>> {
    const fundById = new Map(funds.map((f) => [f.id, f]));
    const rows = funds.length ? await tx.find(Account, { where: { fundId: In([...fundById.keys()]) } }) : [];
    return new Map(
      rows.map((a) => [
        a.id,
        { id: a.id, fund: fundById.get(a.fundId) as ExportFund, code: a.code, name: a.nameVi, type: a.type },
      ]),
    );
  }

  /** The first and last entry dates of the funds. */
  private async span(
    tx: EntityManager,
    fundIds: number[],
  ): Promise<{ first: string | null; last: string | null }> {
    if (fundIds.length === 0) return { first: null, last: null };
    const [row] = await sql<{ first: string | null; last: string | null }>(
      tx,
      `SELECT MIN(entry_date) AS first, MAX(entry_date) AS last FROM journal_entries
        WHERE fund_id IN (${fundIds.map(() => '?').join(', ')})`,
      fundIds,
    );
    return { first: row.first, last: row.last };
  }

  private async count(
    tx: EntityManager,
    fundIds: number[],
    from: string | null,
    to: string,
  ): Promise<number> {
    if (fundIds.length === 0) return 0;
    const [row] = await sql<{ n: number | string }>(
      tx,
      `SELECT COUNT(*) AS n FROM journal_entries
        WHERE fund_id IN (${fundIds.map(() => '?').join(', ')}) AND entry_date >= ? AND entry_date <= ?`,
      [...fundIds, from ?? '0000-01-01', to],
    );
    return Number(row.n);
  }
}

function balanceRow(
  byCode: Map<string, ExportAccount>,
  fund: ExportFund,
  row: { account: string; debit: string; credit: string; balance: string },
): AccountBalanceRow {
  const account = byCode.get(`${fund.id}|${row.account}`);
  if (!account) throw new Error(`fund ${fund.code} has balances on an unknown account ${row.account}`);
  return { account, debit: row.debit, credit: row.credit, balance: row.balance };
}

interface Parties {
  donor: string | null;
  payee: string | null;
}

interface Lookup {
  funds: Map<number, ExportFund>;
  accounts: Map<number, ExportAccount>;
}

/** A stored amount as the digits it is (whole đồng); anything else is a damaged row. */
function storedDong(value: string | null, entryId: number): string {
  if (value === null || !/^(0|-?[1-9][0-9]*)$/.test(value))
    throw new Error(`entry ${entryId} has a line amount that is not whole đồng: ${value}`);
  return value;
}

/** An entry of the export, without its lines yet. */
function exportEntry(
  r: EntryLineRow | EntryRow,
  fundId: number,
  lookup: Lookup,
  parties: Map<number, Parties> | null,
): ExportEntry {
  const [rowId, number, date, documentDate, description, source, sourceRef, reversalOf, hash] = r;
  const id = Number(rowId);
  const fund = lookup.funds.get(Number(fundId));
  if (!fund) throw new Error(`entry ${id} is of fund ${fundId}, which the export does not hold`);
  return {
    id,
    fund,
    number: Number(number),
    date,
    description,
    source,
    sourceRef,
    documentDate,
    donor: parties?.get(id)?.donor ?? null,
    payee: parties?.get(id)?.payee ?? null,
    reversalOf: reversalOf === null ? null : Number(reversalOf),
    hash,
    lines: [],
  };
}

function addLine(
  entry: ExportEntry,
  accountId: number,
  debit: string | null,
  credit: string | null,
  memo: string | null,
  lookup: Lookup,
): void {
  const account = lookup.accounts.get(Number(accountId));
  if (!account) throw new Error(`entry ${entry.id} has a line on account ${accountId} of another fund`);
  entry.lines.push({
    account,
    debit: storedDong(debit, entry.id),
    credit: storedDong(credit, entry.id),
    memo,
  });
}

/** A page's rows (one per line, in entry then line order) as its entries. */
function toEntries(
  rows: EntryLineRow[],
  lookup: Lookup,
  parties: Map<number, Parties> | null,
): ExportEntry[] {
  const entries: ExportEntry[] = [];
  let entry: ExportEntry | null = null;
  for (const r of rows) {
    const [rowId, , , , , , , , , accountId, debit, credit, memo, fundId] = r;
    if (entry === null || entry.id !== Number(rowId)) {
      entry = exportEntry(r, fundId, lookup, parties);
      entries.push(entry);
    }
    if (accountId !== null) addLine(entry, accountId, debit, credit, memo, lookup);
  }
  return entries;
}

/** A page's entries and the lines from its first entry to its last (both in id order), merged. */
function mergeLines(rows: EntryRow[], lines: LineRow[], lookup: Lookup): ExportEntry[] {
  const entries: ExportEntry[] = [];
  let at = 0;
  for (const r of rows) {
    const entry = exportEntry(r, r[9], lookup, null);
    entries.push(entry);
    while (at < lines.length && Number(lines[at][0]) < entry.id) at++;
    for (; at < lines.length && Number(lines[at][0]) === entry.id; at++) {
      const [, accountId, debit, credit, memo] = lines[at];
      addLine(entry, accountId, debit, credit, memo, lookup);
    }
  }
  return entries;
}
