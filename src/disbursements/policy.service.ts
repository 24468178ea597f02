import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not } from 'typeorm';
import { Money } from '../common/money';
import { JournalQueryService } from '../ledger/journal-query.service';
import { Disbursement, Purpose, Stage } from './entities';
import { loadPolicy, Policy, RULES, Violation } from './policy';

export interface PayoutFacts {
  id?: number;
  fundId: number;
  /** The household paid; null for a payout to an organisation (a payee), which the household rules skip. */
  beneficiaryId: number | null;
  purpose: Purpose;
  stage: Stage;
  projectId: number | null;
  amount: Money;
  /** The date the rules are judged at (request date, or payment date when paying). */
  date: string;
}

const RECEIPT_ACCOUNTS = ['5111', '5112', '5113', '5114', '5115', '5116', '5118'];

/** The configurable payout rules of data/policy.json (DESIGN.md §6), each refusal naming its rule. */
@Injectable()
export class PolicyService {
  private readonly policy: Policy = loadPolicy();

  constructor(private readonly journal: JournalQueryService) {}

  async check(tx: EntityManager, facts: PayoutFacts): Promise<Violation[]> {
    const violations: Violation[] = [];
    const interval = await this.houseNewInterval(tx, facts);
    if (interval) violations.push(interval);

    const cap = this.policy.caps[facts.purpose];
    if (cap && facts.stage !== 'settlement' && facts.amount.compare(cap) > 0) {
      violations.push({
        rule: RULES.purposeCap,
        message: `rule ${RULES.purposeCap}: a ${facts.purpose} payout may be at most ${cap.format()}; this one is ${facts.amount.format()}`,
        overridable: false,
      });
    }
    if (facts.purpose === 'management') {
      const share = await this.managementShare(tx, facts);
      if (share) violations.push(share);
    }
    return violations;
  }

  /** No second new house for one household within N years (tranches of one project are one house). */
  private async houseNewInterval(tx: EntityManager, facts: PayoutFacts): Promise<Violation | null> {
    if (
      facts.purpose !== 'house_new' ||
      this.policy.houseNewIntervalYears === 0 ||
      facts.beneficiaryId === null
    )
      return null;
    const others = await tx.find(Disbursement, {
      where: {
        beneficiaryId: facts.beneficiaryId,
        purpose: 'house_new',
        status: In(['submitted', 'approved', 'paid']),
        ...(facts.id ? { id: Not(facts.id) } : {}),
      },
    });
    const years = this.policy.houseNewIntervalYears;
    const clash = others.find(
      (d) =>
        (facts.projectId === null || d.projectId !== facts.projectId) &&
        yearsApart(d.requestDate, facts.date) < years,
    );
    if (!clash) return null;
    return {
      rule: RULES.houseNewInterval,
      message:
        `rule ${RULES.houseNewInterval}: this household already has a new-house payout (request ${clash.id}, ${clash.requestDate}, ` +
        `${clash.status}); a second one within ${years} years needs an approver's override with a recorded reason`,
      overridable: true,
    };
  }

  /** Management costs of the year at most a share of the year's receipts (transfers in excluded). */
  private async managementShare(tx: EntityManager, facts: PayoutFacts): Promise<Violation | null> {
    const year = Number(facts.date.slice(0, 4));
    const end = await this.journal.trialBalance(tx, [facts.fundId], `${year}-12-31`);
    const start = await this.journal.trialBalance(tx, [facts.fundId], `${year - 1}-12-31`);
    const turnover = (codes: string[], side: 'credit' | 'debit') => {
      const sum = (rows: typeof end.rows) =>
        Money.sum(
          rows
            .filter((r) => codes.includes(r.account))
            .map((r) =>
              side === 'credit'
                ? Money.fromStored(r.credit).minus(Money.fromStored(r.debit))
                : Money.fromStored(r.debit).minus(Money.fromStored(r.credit)),
            ),
        );
      return sum(end.rows).minus(sum(start.rows));
    };
    const receipts = turnover(RECEIPT_ACCOUNTS, 'credit');
    const spent = turnover(['6118'], 'debit');
    const allowance = receipts.percent(this.policy.managementSharePercent);
    if (spent.plus(facts.amount).compare(allowance) <= 0) return null;
    return {
      rule: RULES.managementShare,
      message:
        `rule ${RULES.managementShare}: management costs of ${year} may be at most ${this.policy.managementSharePercent}% of the year's ` +
        `receipts ${receipts.format()}, i.e. ${allowance.format()}; ${spent.format()} is spent and this payout is ${facts.amount.format()}`,
      overridable: false,
    };
  }
}

/** Whole years between two dates, whichever comes first. */
export function yearsApart(a: string, b: string): number {
  const [early, late] = a <= b ? [a, b] : [b, a];
  let years = Number(late.slice(0, 4)) - Number(early.slice(0, 4));
  if (late.slice(5) < early.slice(5)) years -= 1;
  return years;
}
