import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, canSeeFund } from '../common/actor';
import { present } from '../common/assert';
import { nowIso } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import { DecideDuplicateDto } from './dto';
import { BankStatement, BankStatementDuplicate, BankStatementLine, DuplicateDecision } from './entities';
import type { StatementLineView } from './reconciliation-queries';

/** Repeated lines listed for one statement. */
export const MAX_LISTED_DUPLICATE_LINES = 2000;

/**
 * A statement line that repeats an earlier line of its file (`repeatsLineNo`), and what was decided about it. Its
 * status is `pending` until decided; then `unmatched` (or later `matched`) when kept, `dropped` when dropped.
 */
export interface DuplicateLineView extends Omit<StatementLineView, 'id' | 'matchId'> {
  lineId: number;
  repeatsLineNo: number;
  decision: DuplicateDecision | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

/**
 * The accountant's decision about statement lines that repeat an earlier line of their own file (same date,
 * amount, direction and reference): keep the line (a real repeat: it counts and may be matched) or drop it (the
 * bank listed it twice: it never counts in the statement's balance and is never matched). Each decision is made
 * once, with a reason, in one audited write.
 */
@Injectable()
export class StatementDuplicatesService {
  constructor(private readonly uow: UnitOfWork) {}

  async list(actor: Actor, statementId: number): Promise<DuplicateLineView[]> {
    await statementInScope(this.uow.manager, actor, statementId);
    const records = await this.uow.manager.find(BankStatementDuplicate, {
      where: { statementId },
      relations: { line: true },
      order: { lineId: 'ASC' },
      take: MAX_LISTED_DUPLICATE_LINES,
    });
    return records.map(view);
  }

  decide(
    actor: Actor,
    statementId: number,
    lineId: number,
    dto: DecideDuplicateDto,
  ): Promise<DuplicateLineView> {
    return this.uow.write(async (tx) => {
      await statementInScope(tx, actor, statementId);
      const record = await tx.findOne(BankStatementDuplicate, {
        where: { statementId, lineId },
        relations: { line: true },
      });
      if (!record) {
        throw new NotFoundError(`line ${lineId} of bank statement ${statementId} is not a repeated line`);
      }
      if (record.decision !== null) {
        throw new ConflictError(
          `line ${lineId} was already ${record.decision === 'keep' ? 'kept' : 'dropped'} by ` +
            `${record.decidedBy} (${record.reason}); a decision is made once`,
        );
      }
      const status = dto.action === 'keep' ? 'unmatched' : 'dropped';
      const moved = await tx.update(BankStatementLine, { id: lineId, status: 'pending' }, { status });
      if (moved.affected !== 1) throw new ConflictError(`line ${lineId} is no longer pending`);
      const decided = {
        decision: dto.action,
        reason: dto.reason,
        decidedBy: actor.username,
        decidedAt: nowIso(),
      };
      await tx.update(BankStatementDuplicate, { id: record.id }, decided);
      return view({ ...record, ...decided, line: { ...present(record.line, 'its line'), status } });
    }, 'decide repeated bank statement line');
  }
}

/** The statement, or 404 when it does not exist or belongs to a fund outside the user's scope. */
async function statementInScope(manager: EntityManager, actor: Actor, id: number): Promise<BankStatement> {
  const statement = await manager.findOne(BankStatement, { where: { id } });
  const fund = statement && (await manager.findOne(Fund, { where: { id: statement.fundId } }));
  if (!statement || !fund || !canSeeFund(actor, fund.code)) {
    throw new NotFoundError(`bank statement ${id} does not exist`);
  }
  return statement;
}

function view(record: BankStatementDuplicate): DuplicateLineView {
  const line = present(record.line, `statement line ${record.lineId}`);
  return {
    statementId: record.statementId,
    lineId: record.lineId,
    lineNo: line.lineNo,
    repeatsLineNo: record.repeatsLineNo,
    date: line.lineDate,
    amount: Money.fromStored(line.amount).toString(),
    direction: line.direction,
    reference: line.reference,
    description: line.description,
    status: line.status,
    decision: record.decision,
    reason: record.reason,
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt,
  };
}
