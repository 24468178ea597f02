import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { nowIso } from '../common/clock';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { msg } from '../common/messages';
import { UnitOfWork } from '../database/unit-of-work';
import { Contribution } from '../contributions/entities';
import { Fund } from '../funds/fund.entity';
import { CashConfirmation, RoleCombination } from './entities';

export interface RoleCombinationView {
  fundCode: string;
  /** Whether an accountant of this fund may also do the cashier's work (pay payouts, confirm cash receipts). */
  accountantMayPay: boolean;
  reason: string | null;
  setBy: string | null;
  setAt: string | null;
}

export interface CashConfirmationView {
  contributionId: number;
  receiptNo: string;
  confirmedBy: string;
  confirmedAt: string;
}

/**
 * The cashier (thủ quỹ): pays approved payouts and confirms cash receipts. The accountant who prepares them may
 * not, unless the admin let one person hold both roles in that fund (a small unit), which the audit log records.
 */
@Injectable()
export class CashierService {
  constructor(private readonly uow: UnitOfWork) {}

  private async fund(manager: EntityManager, actor: Actor, code: string): Promise<Fund> {
    const fund = await manager.findOne(Fund, { where: { code } });
    if (!fund) throw new NotFoundError(`fund ${code} does not exist`);
    assertFundInScope(actor, code);
    return fund;
  }

  private view(fund: Fund, row: RoleCombination | null): RoleCombinationView {
    return {
      fundCode: fund.code,
      accountantMayPay: row?.accountantMayPay === 1,
      reason: row?.reason ?? null,
      setBy: row?.setBy ?? null,
      setAt: row?.setAt ?? null,
    };
  }

  async combination(actor: Actor, fundCode: string): Promise<RoleCombinationView> {
    const fund = await this.fund(this.uow.manager, actor, fundCode);
    return this.view(fund, await this.uow.manager.findOne(RoleCombination, { where: { fundId: fund.id } }));
  }

  /** The admin's choice for one fund, with its reason; the write is audited like every other. */
  setCombination(
    actor: Actor,
    fundCode: string,
    accountantMayPay: boolean,
    reason: string,
  ): Promise<RoleCombinationView> {
    return this.uow.write(async (tx) => {
      const fund = await this.fund(tx, actor, fundCode);
      const row =
        (await tx.findOne(RoleCombination, { where: { fundId: fund.id } })) ??
        tx.create(RoleCombination, { fundId: fund.id });
      row.accountantMayPay = accountantMayPay ? 1 : 0;
      row.reason = reason.trim();
      row.setBy = actor.username;
      row.setAt = nowIso();
      return this.view(fund, await tx.save(row));
    });
  }

  /**
   * Refuses `actor` the cashier's work in fund `fundId` (inside the caller's transaction): a cashier or an admin
   * may; an accountant only where the admin combined the roles; nobody else.
   */
  async assertMayHandleCash(
    tx: EntityManager,
    actor: Actor,
    fundId: number,
    work: 'pay' | 'confirm',
  ): Promise<void> {
    if (actor.role === 'cashier' || actor.role === 'admin') return;
    if (actor.role === 'accountant') {
      const row = await tx.findOne(RoleCombination, { where: { fundId } });
      if (row?.accountantMayPay === 1) return;
    }
    throw new ForbiddenError(
      msg(work === 'pay' ? 'disbursements.cashierPays' : 'disbursements.cashierConfirms', {
        role: actor.role,
      }),
    );
  }

  /** The cashier confirms that a cash receipt's money is in the till: once, and not for a voided or bank receipt. */
  confirmCash(actor: Actor, contributionId: number): Promise<CashConfirmationView> {
    return this.uow.write(async (tx) => {
      const contribution = await tx.findOne(Contribution, { where: { id: contributionId } });
      if (!contribution) throw new NotFoundError(`contribution ${contributionId} does not exist`);
      const fund = await tx.findOneOrFail(Fund, { where: { id: contribution.fundId } });
      if (actor.fundScope !== null && !actor.fundScope.has(fund.code))
        throw new NotFoundError(`contribution ${contributionId} does not exist`);
      await this.assertMayHandleCash(tx, actor, fund.id, 'confirm');
      if (contribution.method !== 'cash')
        throw new BusinessRuleError(msg('cashier.notCash', { receiptNo: contribution.receiptNo }));
      if (contribution.status === 'voided')
        throw new BusinessRuleError(`receipt ${contribution.receiptNo} is already void`);
      const previous = await tx.findOne(CashConfirmation, { where: { contributionId } });
      if (previous)
        throw new ConflictError(
          msg('cashier.alreadyConfirmed', {
            receiptNo: contribution.receiptNo,
            by: previous.confirmedBy,
            at: previous.confirmedAt,
          }),
        );
      const row = await tx.save(
        tx.create(CashConfirmation, { contributionId, confirmedBy: actor.username, confirmedAt: nowIso() }),
      );
      return {
        contributionId,
        receiptNo: contribution.receiptNo,
        confirmedBy: row.confirmedBy,
        confirmedAt: row.confirmedAt,
      };
    });
  }
}
