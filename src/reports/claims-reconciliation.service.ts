import { Injectable } from '@nestjs/common';
import { present } from '../common/assert';
import { Actor, assertFundInScope } from '../common/actor';
import { NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import {
  Claim,
  ClaimMetric,
  ClaimsFile,
  CLAIMS_DIR,
  Qualifier,
  readClaimsFile,
  Verdict,
  verdictOf,
} from './claims';
import { PeriodReader } from './period-reader';
import { accountRole, cashBalance, CASH_ACCOUNTS, dayBefore } from './statement-figures';
import { PeriodFigures, StatementService } from './statement.service';
import { removedEntriesQuery } from './transfer-eliminations';

export interface ClaimResult {
  /** Position of the claim in its file (0-based): the `index` of its drill-down. */
  index: number;
  label: string;
  metric: ClaimMetric;
  purposes: string[] | null;
  /** The accounts the claim counts (null: every account of its side). */
  accounts: string[] | null;
  expected: string;
  actual: string;
  /** actual − expected, signed. */
  difference: string;
  verdict: Verdict;
  qualifier: Qualifier;
  tolerancePercent: string;
  fund: string;
  from: string;
  to: string;
  consolidated: boolean;
  /** The drill-down: the entries (or, for households, the paid payouts) behind `actual`. */
  entries: string;
}

export interface ReconciliationReport {
  name: string;
  title: string;
  source: string;
  /** What the file says its words mean (data/claims/<name>.json "definitions"). */
  definitions: string | null;
  claims: ClaimResult[];
}

/** A journal entry behind a claim's figure, with what it adds to it. */
export interface ClaimEntryItem {
  id: number;
  fundCode: string;
  number: number;
  date: string;
  description: string;
  source: string;
  sourceRef: string | null;
  reversalOf: number | null;
  /** What this entry adds to the figure (signed). */
  amount: string;
  /**
   * A transfer inside the group dated before the period whose elimination took effect inside it (its pair of
   * reversals completed in the period): it counted before the period, so the period takes it out again.
   */
  eliminatedInPeriod?: true;
}

/** A paid payout behind a households figure. */
export interface ClaimPayoutItem {
  disbursementId: number;
  fundCode: string;
  voucherNo: string | null;
  beneficiaryId: number;
  beneficiaryName: string;
  purpose: string;
  stage: string;
  amount: string;
  paymentDate: string;
  entryId: number | null;
}

/** A household behind a households figure, with the payouts that count it as supported. */
export interface ClaimHouseholdItem {
  beneficiaryId: number;
  beneficiaryName: string;
  payouts: ClaimPayoutItem[];
}

export interface ClaimDrillDown {
  name: string;
  index: number;
  claim: Omit<ClaimResult, 'entries'>;
  kind: 'entries' | 'households';
  /** entries: the sum of `amount` over every page, which equals `actual`; households: how many (= `total`). */
  sum: string;
  items: (ClaimEntryItem | ClaimHouseholdItem)[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Reconciliation against published claims (DESIGN.md §8): each claim of data/claims/<name>.json against the
 * books' own figure, computed exactly as the statement of receipts and disbursements computes it.
 */
@Injectable()
export class ClaimsReconciliationService {
  /** Where the claims files are (a test may point it elsewhere). */
  claimsDir = CLAIMS_DIR;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly statements: StatementService,
  ) {}

  async reconcile(actor: Actor, name: string): Promise<ReconciliationReport> {
    return this.reconcileFile(actor, readClaimsFile(name, this.claimsDir), name);
  }

  /** The same for a claims file already read and checked (parseClaims): one a user uploads in the web admin. */
  async reconcileFile(actor: Actor, file: ClaimsFile, name: string): Promise<ReconciliationReport> {
    this.assertScope(actor, file);
    const context = new ClaimContext(actor, this.statements);
    const claims: ClaimResult[] = [];
    for (const [index, claim] of file.claims.entries()) {
      const actual = await context.actual(claim);
      claims.push({
        ...this.result(claim, index, actual),
        entries: `/api/reports/reconciliation/entries?claims=${name}&index=${index}`,
      });
    }
    return { name, title: file.title, source: file.source, definitions: file.definitions, claims };
  }

  async entries(
    actor: Actor,
    name: string,
    index: number,
    page: number,
    pageSize: number,
  ): Promise<ClaimDrillDown> {
    return this.entriesOf(actor, readClaimsFile(name, this.claimsDir), name, index, page, pageSize);
  }

  /** The drill-down of one claim of a claims file already read and checked. */
  async entriesOf(
    actor: Actor,
    file: ClaimsFile,
    name: string,
    index: number,
    page: number,
    pageSize: number,
  ): Promise<ClaimDrillDown> {
    const claim = file.claims[index];
    if (!claim) {
      throw new NotFoundError(
        `claim ${index} does not exist in ${name} (it has claims 0 to ${file.claims.length - 1})`,
      );
    }
    assertFundInScope(actor, claim.fund);
    const context = new ClaimContext(actor, this.statements);
    const actual = await context.actual(claim);
    const reader = await context.reader(claim);
    const header = { name, index, claim: this.result(claim, index, actual), page, pageSize };
    if (claim.metric === 'households_supported') {
      const households = await this.households(reader, claim, page, pageSize);
      return { ...header, kind: 'households', sum: actual.toString(), ...households };
    }
    return { ...header, kind: 'entries', ...(await this.journalEntries(reader, claim, page, pageSize)) };
  }

  /** Every claim's fund must be in the actor's scope (403 before anything is read). */
  private assertScope(actor: Actor, file: ClaimsFile): void {
    for (const claim of file.claims) assertFundInScope(actor, claim.fund);
  }

  private result(claim: Claim, index: number, actual: Money): Omit<ClaimResult, 'entries'> {
    const expected = Money.fromStored(claim.value);
    return {
      index,
      label: claim.label,
      metric: claim.metric,
      purposes: claim.purposes,
      accounts: claim.accounts,
      expected: expected.toString(),
      actual: actual.toString(),
      difference: actual.minus(expected).toString(),
      verdict: verdictOf(actual, expected, claim.qualifier, claim.tolerancePercent),
      qualifier: claim.qualifier,
      tolerancePercent: claim.tolerancePercent,
      fund: claim.fund,
      from: claim.from,
      to: claim.to,
      consolidated: claim.consolidated,
    };
  }

  /** The journal entries behind an amount, each with what it adds; their sum over all pages is `actual`. */
  private async journalEntries(
    reader: PeriodReader,
    claim: Claim,
    page: number,
    pageSize: number,
  ): Promise<{ sum: string; items: ClaimEntryItem[]; total: number }> {
    const types = await reader.accountTypes();
    const codes = [...new Set([...types.keys(), ...CASH_ACCOUNTS])].filter((code) => {
      if (claim.metric === 'closing_balance') return (CASH_ACCOUNTS as readonly string[]).includes(code);
      const role = accountRole(code, types.get(code));
      if (claim.accounts) return claim.accounts.includes(code);
      if (claim.metric === 'receipts_total') return role?.side === 'receipts';
      return role?.side === 'disbursements' && (!claim.purposes || claim.purposes.includes(role.key));
    });
    const ids = reader.ids;
    const fundMarks = ids.map(() => '?').join(', ');
    const codeMarks = codes.map(() => '?').join(', ') || "''";
    let where: string;
    let params: unknown[];
    if (claim.metric === 'closing_balance') {
      // The balance at `to` is every movement of cash and bank up to it.
      where = 'e.entry_date <= ?';
      params = [claim.to];
    } else {
      // As the statement: the period's entries less closing entries, and, consolidated, less the transfers
      // inside the group (see periodTurnover and transferEliminations).
      const notClosing = `e.source <> 'closing' AND NOT (e.source = 'reversal' AND EXISTS (
                             SELECT 1 FROM journal_entries c WHERE c.id = e.reversal_of_id AND c.source = 'closing'))`;
      where = `(e.entry_date >= ? AND e.entry_date <= ? AND ${notClosing}`;
      params = [claim.from, claim.to];
      if (reader.scope.consolidated) {
        const removedAtEnd = removedEntriesQuery(ids, claim.to);
        const removedBefore = removedEntriesQuery(ids, dayBefore(claim.from));
        where += ` AND e.id NOT IN (${removedAtEnd.text}))
                   OR (e.entry_date < ? AND e.id IN (${removedAtEnd.text}) AND e.id NOT IN (${removedBefore.text}))`;
        params.push(...removedAtEnd.params, claim.from, ...removedAtEnd.params, ...removedBefore.params);
      } else {
        where += ')';
      }
    }
    // The accounts behind the figure, as ids of the scope's charts: one small list SQLite builds once.
    const accountIds = `SELECT a.id FROM accounts a WHERE a.fund_id IN (${fundMarks}) AND a.code IN (${codeMarks})`;
    const accountParams = [...ids, ...codes];
    const entries = `FROM journal_entries e WHERE e.fund_id IN (${fundMarks}) AND (${where})`;
    const entryParams = [...ids, ...params];
    const touches = `EXISTS (SELECT 1 FROM journal_lines x WHERE x.entry_id = e.id AND x.account_id IN (${accountIds}))`;
    // Receipts add their net credit; disbursements and cash their net debit. An entry dated before the period
    // (only an elimination that took effect inside it) is taken out again.
    const creditSide = claim.metric === 'receipts_total';
    const lateBoundary = claim.metric === 'closing_balance' ? '0000-00-00' : claim.from;
    const signed = (debit: string, credit: string, isLate: boolean) => {
      const net = creditSide
        ? Money.fromStored(credit).minus(Money.fromStored(debit))
        : Money.fromStored(debit).minus(Money.fromStored(credit));
      return isLate ? net.negated() : net;
    };

    const manager = this.uow.manager;
    // One pass for the count and the sum: every entry is either of the period or "late", never both.
    const sums = await sql<{ late: string | number; n: string | number; debit: string; credit: string }>(
      manager,
      `SELECT t.late, COUNT(DISTINCT t.id) AS n, ${sumDong('t.debit')} AS debit, ${sumDong('t.credit')} AS credit
         FROM (SELECT e.id, CASE WHEN e.entry_date < ? THEN 1 ELSE 0 END AS late, l.debit, l.credit
                 FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
                WHERE e.fund_id IN (${fundMarks}) AND (${where}) AND l.account_id IN (${accountIds})) t
        GROUP BY t.late`,
      [lateBoundary, ...entryParams, ...accountParams],
    );
    const rows = await sql<{
      id: number | string;
      fund_id: number | string;
      number: number | string;
      entry_date: string;
      description: string;
      source: string;
      source_ref: string | null;
      reversal_of_id: number | string | null;
    }>(
      manager,
      `SELECT e.id, e.fund_id, e.number, e.entry_date, e.description, e.source, e.source_ref, e.reversal_of_id
         ${entries} AND ${touches}
        ORDER BY e.entry_date, e.id
        LIMIT ? OFFSET ?`,
      [...entryParams, ...accountParams, pageSize, (page - 1) * pageSize],
    );
    const pageIds = rows.map((r) => Number(r.id));
    const lines = pageIds.length
      ? await sql<{ entry_id: number | string; debit: string; credit: string }>(
          manager,
          `SELECT l.entry_id, ${sumDong('l.debit')} AS debit, ${sumDong('l.credit')} AS credit
             FROM journal_lines l
            WHERE l.entry_id IN (${pageIds.map(() => '?').join(', ')}) AND l.account_id IN (${accountIds})
            GROUP BY l.entry_id`,
          [...pageIds, ...accountParams],
        )
      : [];
    const amountOf = new Map(lines.map((l) => [Number(l.entry_id), l]));
    const codeOf = new Map(reader.scope.funds.map((f) => [f.id, f.code]));
    return {
      sum: Money.sum(sums.map((s) => signed(s.debit, s.credit, Number(s.late) === 1))).toString(),
      total: sums.reduce((n, row) => n + Number(row.n), 0),
      items: rows.map((r) => ({
        id: Number(r.id),
        fundCode: present(codeOf.get(Number(r.fund_id)), `fund ${String(r.fund_id)}`),
        number: Number(r.number),
        date: r.entry_date,
        description: r.description,
        source: r.source,
        sourceRef: r.source_ref,
        reversalOf: r.reversal_of_id === null ? null : Number(r.reversal_of_id),
        amount: signed(
          amountOf.get(Number(r.id))?.debit ?? '0',
          amountOf.get(Number(r.id))?.credit ?? '0',
          r.entry_date < lateBoundary,
        ).toString(),
        ...(r.entry_date < lateBoundary ? { eliminatedInPeriod: true as const } : {}),
      })),
    };
  }

  /** The paid payouts behind a households figure (a household may have several). */
  /** The households behind a households figure, a page of households at a time, each with its payouts. */
  private async households(
    reader: PeriodReader,
    claim: Claim,
    page: number,
    pageSize: number,
  ): Promise<{ items: ClaimHouseholdItem[]; total: number }> {
    const supported = reader.supportedInRange(claim.from, claim.to);
    const only = claim.purposes ? ` AND d.purpose IN (${claim.purposes.map(() => '?').join(', ')})` : '';
    const from = `FROM disbursements d
                  JOIN beneficiaries b ON b.id = d.beneficiary_id
                  LEFT JOIN journal_entries re ON re.id = d.reversal_entry_id
                 WHERE ${supported.text}${only}`;
    const params = [...supported.params, ...(claim.purposes ?? [])];
    const manager = this.uow.manager;
    const [count] = await sql<{ n: string | number }>(
      manager,
      `SELECT COUNT(DISTINCT d.beneficiary_id) AS n ${from}`,
      params,
    );
    const households = await sql<{ beneficiary_id: number | string; full_name: string }>(
      manager,
      `SELECT d.beneficiary_id, MIN(b.full_name) AS full_name ${from}
        GROUP BY d.beneficiary_id ORDER BY MIN(b.full_name), d.beneficiary_id
        LIMIT ? OFFSET ?`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    const ids = households.map((h) => Number(h.beneficiary_id));
    const rows = ids.length
      ? await sql<{
          id: number | string;
          fund_id: number | string;
          voucher_no: string | null;
          beneficiary_id: number | string;
          full_name: string;
          purpose: string;
          stage: string;
          amount: string | number;
          payment_date: string;
          entry_id: number | string | null;
        }>(
          manager,
          `SELECT d.id, d.fund_id, d.voucher_no, d.beneficiary_id, b.full_name, d.purpose, d.stage, d.amount,
                  d.payment_date, d.entry_id
             ${from} AND d.beneficiary_id IN (${ids.map(() => '?').join(', ')})
            ORDER BY d.payment_date, d.id`,
          [...params, ...ids],
        )
      : [];
    const codeOf = new Map(reader.scope.funds.map((f) => [f.id, f.code]));
    const payoutsOf = new Map<number, ClaimPayoutItem[]>(ids.map((id) => [id, []]));
    for (const r of rows) {
      payoutsOf.get(Number(r.beneficiary_id))?.push({
        disbursementId: Number(r.id),
        fundCode: present(codeOf.get(Number(r.fund_id)), `fund ${String(r.fund_id)}`),
        voucherNo: r.voucher_no,
        beneficiaryId: Number(r.beneficiary_id),
        beneficiaryName: r.full_name,
        purpose: r.purpose,
        stage: r.stage,
        amount: Money.fromStored(r.amount).toString(),
        paymentDate: r.payment_date,
        entryId: r.entry_id === null ? null : Number(r.entry_id),
      });
    }
    return {
      total: Number(count.n),
      items: households.map((h) => ({
        beneficiaryId: Number(h.beneficiary_id),
        beneficiaryName: h.full_name,
        payouts: payoutsOf.get(Number(h.beneficiary_id)) ?? [],
      })),
    };
  }
}

/** The books' figures for the claims of one request: each scope and each period is read once. */
class ClaimContext {
  private readonly readers = new Map<string, Promise<PeriodReader>>();
  private readonly periods = new Map<string, Promise<PeriodFigures>>();

  constructor(
    private readonly actor: Actor,
    private readonly statements: StatementService,
  ) {}

  reader(claim: Claim): Promise<PeriodReader> {
    const key = `${claim.fund}|${claim.consolidated}`;
    let reader = this.readers.get(key);
    if (!reader) {
      reader = this.statements
        .scope(this.actor, claim.fund, claim.consolidated)
        .then((scope) => this.statements.reader(scope));
      this.readers.set(key, reader);
    }
    return reader;
  }

  private async period(claim: Claim): Promise<PeriodFigures> {
    const key = `${claim.fund}|${claim.consolidated}|${claim.from}|${claim.to}`;
    let figures = this.periods.get(key);
    if (!figures) {
      figures = this.reader(claim).then((reader) => this.statements.period(reader, claim.from, claim.to));
      this.periods.set(key, figures);
    }
    return figures;
  }

  async actual(claim: Claim): Promise<Money> {
    switch (claim.metric) {
      case 'receipts_total': {
        const { receipts } = await this.period(claim);
        if (!claim.accounts) return receipts.total;
        return Money.sum(claim.accounts.map((code) => receipts.byAccount.get(code) ?? Money.ZERO));
      }
      case 'disbursements_total': {
        const { disbursements } = await this.period(claim);
        if (claim.accounts) {
          return Money.sum(claim.accounts.map((code) => disbursements.byAccount.get(code) ?? Money.ZERO));
        }
        if (!claim.purposes) return disbursements.total;
        const byPurpose = disbursements.byPurpose as Record<string, Money>;
        return Money.sum(claim.purposes.map((purpose) => byPurpose[purpose]));
      }
      case 'households_supported': {
        const reader = await this.reader(claim);
        const counts = await reader.households(claim.from, claim.to, claim.purposes ?? undefined);
        return Money.fromStored(counts.all);
      }
      case 'closing_balance': {
        const reader = await this.reader(claim);
        return cashBalance((await reader.cumulative(claim.to)).total);
      }
    }
  }
}
