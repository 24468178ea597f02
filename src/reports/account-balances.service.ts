import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import { UnitOfWork } from '../database/unit-of-work';
import type { FundHeader } from '../documents/document.types';
import { fundHeaderOn } from '../funds/fund-header';
import { FundsService } from '../funds/funds.service';
import { ReportsService } from './reports.service';

/** One account of the Bảng cân đối tài khoản. Balances are signed: debit positive, credit negative. */
export interface AccountBalanceRow {
  account: string;
  name: string;
  opening: string;
  debit: string;
  credit: string;
  closing: string;
}

export interface AccountBalancesReport {
  fund: string;
  from: string;
  to: string;
  consolidated: boolean;
  funds: string[];
  rows: AccountBalanceRow[];
  totals: { opening: string; debit: string; credit: string; closing: string };
  /** What the printed forms put at the top (not part of the JSON contract's promise). */
  header: FundHeader;
}

/**
 * The Bảng cân đối tài khoản (trial balance with turnover) over [from, to]: per account, the balance before
 * `from`, the period's debit and credit, and the balance at `to`. Both ends are the trial balance itself
 * (ReportsService.trialBalance, with the same eliminations when consolidated), so the closing column always
 * equals the trial balance at `to`, and opening + debit − credit = closing holds row by row by construction.
 */
@Injectable()
export class AccountBalancesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly reports: ReportsService,
    private readonly funds: FundsService,
  ) {}

  async report(
    actor: Actor,
    fundCode: string,
    from: string,
    to: string,
    consolidated: boolean,
  ): Promise<AccountBalancesReport> {
    if (from > to) throw new InvalidRequestError('from must be on or before to');
    const before = dayBefore(from);
    const [start, end] = [
      await this.reports.trialBalance(actor, fundCode, before, consolidated),
      await this.reports.trialBalance(actor, fundCode, to, consolidated),
    ];
    const opening = new Map(start.rows.map((r) => [r.account, r]));
    const codes = new Map<string, string>();
    for (const r of [...start.rows, ...end.rows]) codes.set(r.account, r.name);
    const rows: AccountBalanceRow[] = [...codes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([account, name]) => {
        const s = opening.get(account);
        const e = end.rows.find((r) => r.account === account);
        const debitStart = Money.fromStored(s?.debit ?? '0');
        const creditStart = Money.fromStored(s?.credit ?? '0');
        const debitEnd = Money.fromStored(e?.debit ?? '0');
        const creditEnd = Money.fromStored(e?.credit ?? '0');
        const row = {
          account,
          name,
          opening: debitStart.minus(creditStart).toString(),
          debit: debitEnd.minus(debitStart).toString(),
          credit: creditEnd.minus(creditStart).toString(),
          closing: debitEnd.minus(creditEnd).toString(),
        };
        assertRow(row);
        return row;
      });
    const sum = (key: keyof Omit<AccountBalanceRow, 'account' | 'name'>) =>
      Money.sum(rows.map((r) => Money.fromStored(r[key]))).toString();
    const fund = await this.funds.byCode(this.uow.manager, fundCode);
    return {
      fund: fundCode,
      from,
      to,
      consolidated,
      funds: end.funds,
      rows,
      totals: {
        opening: sum('opening'),
        debit: sum('debit'),
        credit: sum('credit'),
        closing: sum('closing'),
      },
      header: await fundHeaderOn(this.uow.manager, fund, to),
    };
  }
}

/** The invariant the report promises, asserted on every row it returns. */
function assertRow(row: AccountBalanceRow): void {
  const computed = Money.fromStored(row.opening)
    .plus(Money.fromStored(row.debit))
    .minus(Money.fromStored(row.credit));
  if (!computed.equals(Money.fromStored(row.closing))) {
    throw new Error(`account ${row.account}: opening + debit − credit ≠ closing`);
  }
}

function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
