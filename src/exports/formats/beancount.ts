import { addDays } from '../dates';
import type { AccountBalanceRow, ExportEntry, ExportPlan } from '../export.types';
import { BeancountNames } from './account-names';
import { TextJournalWriter } from './journal-writer';
import type { Writable } from 'node:stream';

const COMMODITY = 'VND';

/** A beancount string: backslashes and quotes escaped, on one line. */
export function beancountString(text: string): string {
  return `"${text.replace(/\s+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function signed(debit: string, credit: string): string {
  return credit !== '0' ? `-${credit}` : debit;
}

/** A beancount ledger (checked with `bean-check`). */
export class BeancountJournalWriter extends TextJournalWriter {
  private readonly names: BeancountNames;

  constructor(plan: ExportPlan, out: Writable) {
    super(plan, out);
    this.names = new BeancountNames(plan.funds);
  }

  protected header(): string {
    const { plan } = this;
    const { fund, consolidated } = plan.parameters;
    const funds = fund === null ? 'all funds' : consolidated ? `${fund} and the funds below it` : fund;
    const lines = [
      `; Quỹ Đền ơn đáp nghĩa — ledger exported by ${plan.generator} at ${plan.createdAt}`,
      `; entries dated ${plan.from ?? 'from the start of the books'} to ${plan.to}: ${plan.entryCount}`,
      `; chain head: ${plan.chainHead.entryCount} entries, last entry ${plan.chainHead.lastEntryId ?? '-'}, hash ${plan.chainHead.hash}`,
      `; funds: ${plan.funds.map((f) => f.code).join(', ')}`,
      '; amounts are whole đồng',
      '',
      `option "title" ${beancountString(`Quỹ Đền ơn đáp nghĩa ${funds}`)}`,
      `option "operating_currency" "${COMMODITY}"`,
      '',
      `${plan.firstDate} commodity ${COMMODITY}`,
      '',
    ];
    for (const row of plan.closing) {
      lines.push(`${plan.firstDate} open ${this.names.account(row.account)} ${COMMODITY}`);
      lines.push(`  name: ${beancountString(row.account.name)}`);
    }
    lines.push('');
    if (plan.opening.length > 0 && plan.from !== null) {
      lines.push(`${plan.from} * "Số dư đầu kỳ"`);
      lines.push(`  opening: ${beancountString(`every entry dated before ${plan.from}`)}`);
      for (const row of plan.opening)
        lines.push(`  ${this.names.account(row.account)}  ${row.balance} ${COMMODITY}`);
      lines.push('');
    }
    return lines.join('\n') + '\n';
  }

  protected entry(e: ExportEntry): string {
    const payee = e.sourceRef === null ? '' : `${beancountString(e.sourceRef)} `;
    let text = `${e.date} * ${payee}${beancountString(e.description)}\n`;
    text += `  entry: ${e.id}\n  fund: ${beancountString(e.fund.code)}\n  number: ${e.number}\n`;
    text += `  source: ${beancountString(e.source)}\n`;
    if (e.reversalOf !== null) text += `  reverses: ${e.reversalOf}\n`;
    text += `  hash: ${beancountString(e.hash)}\n`;
    for (const line of e.lines) {
      text += `  ${this.names.account(line.account)}  ${signed(line.debit, line.credit)} ${COMMODITY}\n`;
      if (line.memo !== null && line.memo.trim() !== '') text += `    memo: ${beancountString(line.memo)}\n`;
    }
    return `${text}\n`;
  }

  /** `balance` checks a balance at the start of its day: the day after `to` holds everything up to `to`. */
  protected footer(): string {
    const day = addDays(this.plan.to, 1);
    return this.plan.closing
      .map((row) => `${day} balance ${this.names.account(row.account)}  ${balance(row)}\n`)
      .join('');
  }
}

function balance(row: AccountBalanceRow): string {
  return `${row.balance} ${COMMODITY}`;
}
