import type { AccountBalanceRow, ExportAccount, ExportEntry } from '../export.types';
import { plainTextAccountName } from './account-names';
import { TextJournalWriter } from './journal-writer';

const COMMODITY = 'VND';

/**
 * Whitespace the functions below would change: any but a single space between words. Most text has none, and
 * testing for it costs a fifth of the replacing (a million descriptions in an export).
 */
const SPACING = /[^\S ]| {2}|^ | $/;
const DESCRIPTION_CHANGES = new RegExp(`;|${SPACING.source}`);
const CODE_CHANGES = new RegExp(`[()]|${SPACING.source}`);

/** Text on a transaction line: one line, and no `;` (hledger would start a comment there). */
export function plainTextDescription(text: string): string {
  if (!DESCRIPTION_CHANGES.test(text)) return text;
  return text.replace(/;/g, ',').replace(/\s+/g, ' ').trim();
}

/** The `(code)` of a transaction: no parentheses, no line breaks. */
export function plainTextCode(text: string): string {
  if (!CODE_CHANGES.test(text)) return text;
  return text.replace(/[()]/g, '').replace(/\s+/g, ' ').trim();
}

/** A comment's text on one line. */
function commentText(text: string): string {
  if (!SPACING.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim();
}

/** Whole đồng, signed: debits positive, credits negative, no separators: `-55500000000 VND`. */
export function plainTextAmount(debit: string, credit: string): string {
  return `${credit !== '0' ? `-${credit}` : debit} ${COMMODITY}`;
}

function posting(account: string, amount: string, suffix = ''): string {
  return `    ${account}    ${amount}${suffix}\n`;
}

/** A journal for hledger (checked with `hledger check -s`) and ledger 3 (`ledger bal`). */
export class PlainTextJournalWriter extends TextJournalWriter {
  /** Each account's name, made once: an export names a few hundred accounts a million times. */
  private readonly names = new Map<ExportAccount, string>();

  private accountName(account: ExportAccount): string {
    let name = this.names.get(account);
    if (name === undefined) {
      name = plainTextAccountName(account);
      this.names.set(account, name);
    }
    return name;
  }

  protected header(): string {
    const { plan } = this;
    const lines = [
      `; Quỹ Đền ơn đáp nghĩa — journal exported by ${plan.generator} at ${plan.createdAt}`,
      ...plan.funds.map((f) => `; fund ${f.code}: ${commentText(f.name)}`),
      `; entries dated ${plan.from ?? 'from the start of the books'} to ${plan.to}: ${plan.entryCount}`,
      `; chain head: ${plan.chainHead.entryCount} entries, last entry ${plan.chainHead.lastEntryId ?? '-'}, hash ${plan.chainHead.hash}`,
      '; amounts are whole đồng; a debit is positive, a credit negative',
      '',
      `commodity ${COMMODITY}`,
      '',
      // Every account with turnover up to `to` (hledger check -s wants each one declared).
      ...plan.closing.map((r) => `account ${plainTextAccountName(r.account)}`),
      '',
    ];
    if (plan.opening.length > 0 && plan.from !== null)
      lines.push(openingTransaction(plan.from, plan.opening));
    return lines.join('\n') + '\n';
  }

  protected entry(e: ExportEntry): string {
    const code = plainTextCode(e.sourceRef ?? '') || `${e.fund.code}/${e.number}`;
    const tags = [`entry: ${e.id}`, `fund: ${e.fund.code}`, `number: ${e.number}`, `source: ${e.source}`];
    if (e.reversalOf !== null) tags.push(`reverses: ${e.reversalOf}`);
    tags.push(`hash: ${e.hash}`);
    let text = `${e.date} * (${code}) ${plainTextDescription(e.description)}\n    ; ${tags.join(', ')}\n`;
    for (const line of e.lines) {
      const memo = line.memo === null || commentText(line.memo) === '' ? '' : `  ; ${commentText(line.memo)}`;
      text += posting(this.accountName(line.account), plainTextAmount(line.debit, line.credit), memo);
    }
    return `${text}\n`;
  }

  /** One last transaction that moves nothing and asserts every account's balance at the end of `to`. */
  protected footer(): string {
    const { plan } = this;
    if (plan.closing.length === 0) return '';
    let text = `${plan.to} * Số dư cuối ngày ${plan.to}\n    ; balance assertions: the stored balances at the end of ${plan.to}\n`;
    for (const row of plan.closing) {
      text += posting(plainTextAccountName(row.account), `0 ${COMMODITY} = ${balanceAmount(row)}`);
    }
    return text;
  }
}

function balanceAmount(row: AccountBalanceRow): string {
  return `${row.balance} ${COMMODITY}`;
}

/**
 * The balances before `from`, as one transaction dated `from`: it balances by itself (the books before `from`
 * balance), so it needs no equity account, and it makes the closing assertions hold for a range that starts
 * after the books do.
 */
function openingTransaction(from: string, opening: AccountBalanceRow[]): string {
  let text = `${from} * Số dư đầu kỳ\n    ; opening balances: every entry dated before ${from}\n`;
  for (const row of opening) text += posting(plainTextAccountName(row.account), balanceAmount(row));
  return `${text}\n`;
}
