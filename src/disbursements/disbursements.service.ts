import { Injectable } from '@nestjs/common';
import { present } from '../common/assert';
import { EntityManager, In } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import {
  BusinessRuleError,
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
} from '../common/errors';
import { Money } from '../common/money';
import type { Page } from '../common/pagination';
import { todayInVietnam } from '../common/clock';
import { foldVietnamese } from '../common/text';
import { CashierService } from '../cashier/cashier.service';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Beneficiary } from '../beneficiaries/entities';
import { Payee } from '../payees/payee.entity';
import { AttachmentsService } from '../attachments/attachments.service';
import { markLate, NumberingService, moneySeries } from '../documents/numbering.service';
import { Fund } from '../funds/fund.entity';
import type { PostingLineInput } from '../ledger/ledger.types';
import { PostingService } from '../ledger/posting.service';
import { ApproveDto, CreateDisbursementDto, ListDisbursementsQuery, PayDto } from './dto';
import {
  Disbursement,
  DisbursementEvent,
  DisbursementStatus,
  HouseProject,
  PAYEE_PURPOSES,
  Purpose,
  PURPOSE_ACCOUNT,
  Stage,
} from './entities';
import { Violation } from './policy';
import { PayoutFacts, PolicyService } from './policy.service';

export class MakerCheckerError extends BusinessRuleError {}
export class DuplicatePayoutError extends ConflictError {}

export interface DisbursementView {
  id: number;
  status: DisbursementStatus;
  fundCode: string;
  /** The household paid, or null when the payout goes to an organisation (`payee`). */
  beneficiary: { id: number; fullName: string } | null;
  payee: { id: number; name: string; taxCode: string | null } | null;
  purpose: Purpose;
  account: string;
  amount: string;
  date: string;
  method: 'cash' | 'bank';
  decisionNo: string | null;
  description: string | null;
  stage: Stage;
  projectId: number | null;
  override: { rules: string[]; reason: string | null } | null;
  preparedBy: string;
  approvedBy: string | null;
  paymentDate: string | null;
  voucherNo: string | null;
  entryId: number | null;
  reversalEntryId: number | null;
  /** A payment order's bank reference and accounts; who received cash for the payee. */
  bankRef: string | null;
  payeeAccount: string | null;
  payeeBank: string | null;
  payerAccount: string | null;
  receivedBy: string | null;
}

export interface EventView {
  action: string;
  username: string;
  at: string;
  note: string | null;
}

const LIVE: DisbursementStatus[] = ['draft', 'submitted', 'approved', 'paid'];

/**
 * Payout requests and their maker–checker workflow: draft → submitted → approved → paid, or rejected or
 * cancelled; a paid payout can be reversed. Paying posts through the ledger's one posting path with a PC number.
 */
@Injectable()
export class DisbursementsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly posting: PostingService,
    private readonly numbering: NumberingService,
    private readonly policy: PolicyService,
    private readonly attachments: AttachmentsService,
    private readonly cashier: CashierService,
  ) {}

  create(actor: Actor, dto: CreateDisbursementDto): Promise<DisbursementView> {
    assertFundInScope(actor, dto.fundCode);
    return this.uow.write(async (tx) => {
      const fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
      const beneficiary = dto.beneficiaryId
        ? await tx.findOne(Beneficiary, { where: { id: dto.beneficiaryId } })
        : null;
      const payee = dto.payeeId ? await tx.findOne(Payee, { where: { id: dto.payeeId } }) : null;
      const project = dto.projectId ? await tx.findOne(HouseProject, { where: { id: dto.projectId } }) : null;
      const stage: Stage = dto.stage ?? 'full';
      const problems: string[] = [];
      if (!fund) problems.push(`fundCode ${dto.fundCode} is not a known fund`);
      problems.push(...partyProblems(dto));
      if (dto.beneficiaryId && !beneficiary)
        problems.push(`beneficiaryId ${dto.beneficiaryId} is not a known beneficiary`);
      if (dto.payeeId && !payee) problems.push(`payeeId ${dto.payeeId} is not a known payee`);
      if (dto.projectId && !project) problems.push(`projectId ${dto.projectId} is not a known house project`);
      if (stage !== 'full' && !dto.projectId) problems.push(`stage ${stage} needs a projectId`);
      if (problems.length || !fund || (!beneficiary && !payee)) throw new InvalidRequestError(problems);
      if (fund.status !== 'active') {
        // A closed (merged) fund's books take nothing more: a request there could never be paid.
        const successor = fund.successorId
          ? await tx.findOne(Fund, { where: { id: fund.successorId } })
          : null;
        throw new BusinessRuleError(
          `fund ${fund.code} is closed${successor ? ` (merged into ${successor.code})` : ''}; request the payout in ${successor ? successor.code : 'an active fund'}`,
        );
      }
      if (beneficiary && beneficiary.mergedIntoId !== null) {
        throw new BusinessRuleError(
          `beneficiary ${beneficiary.id} was merged into ${beneficiary.mergedIntoId}; request the payout there`,
        );
      }
      const amount = Money.parse(dto.amount);
      if (project && beneficiary)
        await this.checkProjectStage(tx, project, fund.id, beneficiary.id, dto.purpose, stage, amount);

      if (dto.decisionNo) {
        const twin = await tx.findOne(Disbursement, {
          where: {
            fundId: fund.id,
            ...(beneficiary ? { beneficiaryId: beneficiary.id } : { payeeId: payee?.id }),
            purpose: dto.purpose,
            decisionNo: dto.decisionNo,
            amount: amount.toString(),
            stage,
            status: In(LIVE),
          },
        });
        if (twin)
          throw new DuplicatePayoutError(
            `this payout was already requested as ${twin.id} (${twin.status}) under decision ${dto.decisionNo}`,
          );
      }

      const row = tx.create(Disbursement, {
        fundId: fund.id,
        beneficiaryId: beneficiary?.id ?? null,
        payeeId: payee?.id ?? null,
        purpose: dto.purpose,
        amount: amount.toString(),
        requestDate: dto.date,
        method: dto.method,
        decisionNo: dto.decisionNo ?? null,
        description: dto.description ?? null,
        status: dto.draft ? 'draft' : 'submitted',
        stage,
        projectId: project?.id ?? null,
        overrideRules: null,
        overrideReason: dto.overrideReason ?? null,
        preparedBy: actor.username,
        approvedBy: null,
        paymentDate: null,
        voucherNo: null,
        entryId: null,
        reversalEntryId: null,
        createdAt: nowIso(),
      });
      if (!dto.draft) await this.applyPolicyOnSubmit(tx, row);
      const saved = await tx.save(row);
      await this.event(tx, saved.id, 'created', actor);
      if (!dto.draft) await this.event(tx, saved.id, 'submitted', actor, row.overrideReason);
      return this.view(tx, saved);
    });
  }

  submit(actor: Actor, id: number): Promise<DisbursementView> {
    return this.step(actor, id, ['draft'], async (tx, d) => {
      d.status = 'submitted';
      await this.applyPolicyOnSubmit(tx, d);
      await tx.update(Disbursement, { id }, { status: 'submitted', overrideRules: d.overrideRules });
      await this.event(tx, id, 'submitted', actor, d.overrideReason);
    });
  }

  /** The checker: never the preparer (422); an approver or admin (403); a recorded note overrides an overridable rule. */
  approve(actor: Actor, id: number, dto: ApproveDto): Promise<DisbursementView> {
    return this.step(actor, id, ['submitted'], async (tx, d) => {
      if (d.preparedBy === actor.username) {
        throw new MakerCheckerError(
          `${actor.username} prepared payout ${id} and may not approve it; another approver must`,
        );
      }
      // Submitting is part of making the request: whoever sent a draft on for approval may not approve it either.
      if (
        await tx.findOne(DisbursementEvent, {
          where: { disbursementId: id, action: 'submitted', username: actor.username },
        })
      ) {
        throw new MakerCheckerError(
          `${actor.username} submitted payout ${id} and may not approve it; another approver must`,
        );
      }
      if (actor.role !== 'approver' && actor.role !== 'admin') {
        throw new ForbiddenError(`role ${actor.role} may not approve payouts; it needs approver or admin`);
      }
      const violations = await this.policy.check(tx, this.facts(d, d.requestDate));
      this.refuseHard(violations);
      const overridden = violations.filter((v) => v.overridable);
      if (overridden.length && !dto.note) {
        throw new BusinessRuleError([
          ...overridden.map((v) => v.message),
          'to let it through, approve with a note that records the reason for the override',
        ]);
      }
      await tx.update(
        Disbursement,
        { id },
        {
          status: 'approved',
          approvedBy: actor.username,
          overrideRules: ruleList(overridden) ?? d.overrideRules,
        },
      );
      if (overridden.length)
        await this.event(tx, id, 'override_approved', actor, `${ruleList(overridden)}: ${dto.note}`);
      await this.event(tx, id, 'approved', actor, dto.note ?? null);
    });
  }

  reject(actor: Actor, id: number, reason: string): Promise<DisbursementView> {
    return this.step(actor, id, ['submitted'], async (tx) => {
      await tx.update(Disbursement, { id }, { status: 'rejected' });
      await this.event(tx, id, 'rejected', actor, reason);
    });
  }

  cancel(actor: Actor, id: number, reason: string): Promise<DisbursementView> {
    return this.step(actor, id, ['draft', 'submitted', 'approved'], async (tx, d) => {
      if (d.preparedBy !== actor.username && actor.role !== 'approver' && actor.role !== 'admin') {
        throw new ForbiddenError('only the preparer, an approver or an admin may cancel a payout request');
      }
      await tx.update(Disbursement, { id }, { status: 'cancelled' });
      await this.event(tx, id, 'cancelled', actor, reason);
    });
  }

  /** Posts the payment (and takes a gap-free PC number) in one transaction; 422 if cash or bank would go below zero. */
  pay(actor: Actor, id: number, date: string, details: Omit<PayDto, 'date'> = {}): Promise<DisbursementView> {
    const files = this.attachments.check(details.attachments);
    return this.step(actor, id, ['approved'], async (tx, d) => {
      // The cashier pays; an accountant only where the admin let one person hold both roles.
      await this.cashier.assertMayHandleCash(tx, actor, d.fundId, 'pay');
      refuseMisplacedPaymentDetails(d.method, details);
      if (date < d.requestDate)
        throw new InvalidRequestError(`date must not be before the request's date ${d.requestDate}`);
      this.refuseHard(await this.policy.check(tx, this.facts(d, date)));
      if (d.projectId !== null) {
        // Judged again on what is actually paid: an advance may have been cancelled since the request.
        const project = await tx.findOneOrFail(HouseProject, { where: { id: d.projectId } });
        const amount = Money.fromStored(d.amount);
        await this.checkProjectStage(
          tx,
          project,
          d.fundId,
          present(d.beneficiaryId, `household of house payout ${d.id}`),
          d.purpose,
          d.stage,
          amount,
          d.id,
        );
      }
      const fund = await tx.findOneOrFail(Fund, { where: { id: d.fundId } });
      const party = await partyOf(tx, d);
      // Cash takes a PC number; a payment order through a bank or the Treasury its own series.
      const voucher =
        d.stage === 'settlement'
          ? null
          : await this.numbering.next(tx, fund.id, moneySeries('out', d.method), date, {
              lateEntryId: details.lateEntryId ?? null,
              amount: d.amount,
              usedBy: actor.username,
            });
      const voucherNo = voucher?.number ?? null;
      const amount = Money.fromStored(d.amount);
      const cashAccount = d.method === 'cash' ? '111' : '112';
      const lines: PostingLineInput[] =
        d.stage === 'advance'
          ? [
              { account: '141', debit: amount },
              { account: cashAccount, credit: amount },
            ]
          : d.stage === 'settlement'
            ? [
                { account: PURPOSE_ACCOUNT[d.purpose], debit: amount },
                { account: '141', credit: amount },
              ]
            : [
                { account: PURPOSE_ACCOUNT[d.purpose], debit: amount },
                { account: cashAccount, credit: amount },
              ];
      const entry = await this.posting.post(tx, {
        fundCode: fund.code,
        date,
        // A late entry (ghi bổ sung) says so in the books, on its own row.
        description: markLate(
          voucher,
          `${STAGE_TEXT[d.stage]}${party.name}${d.decisionNo ? ` — QĐ ${d.decisionNo}` : ''}`,
        ).slice(0, 500),
        source: 'disbursement',
        sourceRef: voucherNo ?? `DX-${d.id}`,
        postedBy: actor.username,
        lines,
      });
      await tx.update(
        Disbursement,
        { id },
        {
          status: 'paid',
          paymentDate: date,
          voucherNo,
          entryId: entry.id,
          bankRef: details.bankRef?.trim() ?? null,
          // A payee's own account is the default of its payment order.
          payeeAccount: details.payeeAccount ?? (d.method === 'bank' ? party.bankAccount : null),
          payeeBank: details.payeeBank?.trim() ?? (d.method === 'bank' ? party.bankName : null),
          payerAccount: details.payerAccount ?? null,
          receivedBy: details.receivedBy?.trim() ?? null,
        },
      );
      await this.attachments.store(tx, 'disbursement', id, details.attachments, files, actor.username);
      await this.event(tx, id, 'paid', actor, voucherNo);
    });
  }

  /** Reverses a paid payout through the posting path; it keeps its voucher number. */
  reverse(actor: Actor, id: number, reason: string, date?: string): Promise<DisbursementView> {
    return this.step(actor, id, ['paid'], async (tx, d) => {
      const today = todayInVietnam();
      const paid = present(d.paymentDate, `payment date of paid payout ${d.id}`);
      const reversal = await this.posting.reverse(tx, present(d.entryId, `entry of paid payout ${d.id}`), {
        date: date ?? (today > paid ? today : paid),
        reason: `Hủy ${d.voucherNo ? `phiếu chi ${d.voucherNo}` : `chi ${d.id}`}: ${reason}`,
        postedBy: actor.username,
      });
      await tx.update(Disbursement, { id }, { status: 'reversed', reversalEntryId: reversal.id });
      await this.event(tx, id, 'reversed', actor, reason);
    });
  }

  async get(actor: Actor, id: number): Promise<DisbursementView & { events: EventView[] }> {
    const d = await this.byId(this.uow.manager, actor, id);
    const events = await this.uow.manager.find(DisbursementEvent, {
      where: { disbursementId: id },
      order: { id: 'ASC' },
    });
    return {
      ...(await this.view(this.uow.manager, d)),
      events: events.map((e) => ({ action: e.action, username: e.username, at: e.at, note: e.note })),
    };
  }

  async list(actor: Actor, q: ListDisbursementsQuery): Promise<Page<DisbursementView>> {
    const query = this.uow.manager.createQueryBuilder(Disbursement, 'd').innerJoinAndSelect('d.fund', 'f');
    if (q.fund) query.andWhere('f.code = :fund', { fund: q.fund });
    if (actor.fundScope !== null) query.andWhere('f.code IN (:...scope)', { scope: [...actor.fundScope] });
    if (q.status) query.andWhere('d.status = :status', { status: q.status });
    if (q.beneficiaryId) query.andWhere('d.beneficiary_id = :b', { b: q.beneficiaryId });
    if (q.payeeId) query.andWhere('d.payee_id = :p', { p: q.payeeId });
    if (q.purpose) query.andWhere('d.purpose = :purpose', { purpose: q.purpose });
    const [rows, total] = await query
      .orderBy('d.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    const items = await Promise.all(rows.map((d) => this.view(this.uow.manager, d)));
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  async byId(manager: EntityManager, actor: Actor | null, id: number): Promise<Disbursement> {
    const d = await manager.findOne(Disbursement, { where: { id }, relations: { fund: true } });
    if (!d || (actor && !canSeeFund(actor, d.fund?.code ?? '')))
      throw new NotFoundError(`disbursement ${id} does not exist`);
    return d;
  }

  async view(manager: EntityManager, d: Disbursement): Promise<DisbursementView> {
    const fund = d.fund ?? (await manager.findOneOrFail(Fund, { where: { id: d.fundId } }));
    const beneficiary =
      d.beneficiaryId === null
        ? null
        : await manager.findOneOrFail(Beneficiary, { where: { id: d.beneficiaryId } });
    const payee =
      d.payeeId === null ? null : await manager.findOneOrFail(Payee, { where: { id: d.payeeId } });
    const rules = d.overrideRules ? d.overrideRules.split(',') : [];
    return {
      id: d.id,
      status: d.status,
      fundCode: fund.code,
      beneficiary: beneficiary ? { id: beneficiary.id, fullName: beneficiary.fullName } : null,
      payee: payee ? { id: payee.id, name: payee.name, taxCode: payee.taxCode } : null,
      purpose: d.purpose,
      account: d.stage === 'advance' ? '141' : PURPOSE_ACCOUNT[d.purpose],
      amount: d.amount,
      date: d.requestDate,
      method: d.method,
      decisionNo: d.decisionNo,
      description: d.description,
      stage: d.stage,
      projectId: d.projectId,
      override: rules.length || d.overrideReason ? { rules, reason: d.overrideReason } : null,
      preparedBy: d.preparedBy,
      approvedBy: d.approvedBy,
      paymentDate: d.paymentDate,
      voucherNo: d.voucherNo,
      entryId: d.entryId,
      reversalEntryId: d.reversalEntryId,
      bankRef: d.bankRef,
      payeeAccount: d.payeeAccount,
      payeeBank: d.payeeBank,
      payerAccount: d.payerAccount,
      receivedBy: d.receivedBy,
    };
  }

  /** Loads the payout, checks the actor's fund and the allowed states, runs `change` and answers the new state. */
  private step(
    actor: Actor,
    id: number,
    from: DisbursementStatus[],
    change: (tx: EntityManager, d: Disbursement) => Promise<void>,
  ): Promise<DisbursementView> {
    return this.uow.write(async (tx) => {
      const d = await this.byId(tx, actor, id);
      if (!from.includes(d.status))
        throw new ConflictError(`payout ${id} is ${d.status}; this needs it to be ${from.join(' or ')}`);
      await change(tx, d);
      return this.view(tx, await tx.findOneOrFail(Disbursement, { where: { id } }));
    });
  }

  /** On submission: hard rules refuse; an overridable rule needs the preparer's reason, kept for the approver. */
  private async applyPolicyOnSubmit(tx: EntityManager, d: Disbursement): Promise<void> {
    const violations = await this.policy.check(tx, this.facts(d, d.requestDate));
    this.refuseHard(violations);
    const overridable = violations.filter((v) => v.overridable);
    if (overridable.length && !d.overrideReason) {
      throw new BusinessRuleError([
        ...overridable.map((v) => v.message),
        'to ask an approver to let it through, send the request again with overrideReason',
      ]);
    }
    d.overrideRules = ruleList(overridable);
  }

  private refuseHard(violations: Violation[]): void {
    const hard = violations.filter((v) => !v.overridable);
    if (hard.length) throw new BusinessRuleError(hard.map((v) => v.message));
  }

  private facts(d: Disbursement, date: string): PayoutFacts {
    return {
      id: d.id,
      fundId: d.fundId,
      beneficiaryId: d.beneficiaryId,
      purpose: d.purpose,
      stage: d.stage,
      projectId: d.projectId,
      amount: Money.fromStored(d.amount),
      date,
    };
  }

  /** Tranches of a house project: advances and full payments within the budget, settlements within the advances. */
  private async checkProjectStage(
    tx: EntityManager,
    project: HouseProject,
    fundId: number,
    beneficiaryId: number,
    purpose: Purpose,
    stage: Stage,
    amount: Money,
    /** When paying: the payout itself, judged against what is already paid. */
    paying?: number,
  ): Promise<void> {
    const problems: string[] = [];
    if (project.fundId !== fundId || project.beneficiaryId !== beneficiaryId) {
      problems.push(`project ${project.id} belongs to another fund or household`);
    }
    const expected: Purpose = project.kind === 'new' ? 'house_new' : 'house_repair';
    if (purpose !== expected) problems.push(`a ${project.kind} house project pays purpose ${expected}`);
    if (problems.length) throw new InvalidRequestError(problems);
    if (project.status !== 'open')
      throw new BusinessRuleError(`house project ${project.id} is ${project.status}`);

    const counted: DisbursementStatus[] = paying ? ['paid'] : ['draft', 'submitted', 'approved', 'paid'];
    const others = (
      await tx.find(Disbursement, { where: { projectId: project.id, status: In(counted) } })
    ).filter((o) => o.id !== paying);
    const total = (stages: Stage[]) =>
      Money.sum(others.filter((o) => stages.includes(o.stage)).map((o) => Money.fromStored(o.amount)));
    if (stage === 'settlement') {
      const open = total(['advance']).minus(total(['settlement']));
      if (amount.compare(open) > 0) {
        throw new BusinessRuleError(
          `a settlement of ${amount.format()} exceeds the ${open.format()} advanced and not yet settled on project ${project.id}`,
        );
      }
    } else {
      const budget = Money.fromStored(project.budget);
      const committed = total(['advance', 'full']);
      if (committed.plus(amount).compare(budget) > 0) {
        throw new BusinessRuleError(
          `project ${project.id} has a budget of ${budget.format()}; ${committed.format()} is already requested, so at most ${budget.minus(committed).format()} more`,
        );
      }
    }
  }

  private async event(
    tx: EntityManager,
    disbursementId: number,
    action: string,
    actor: Actor,
    note: string | null = null,
  ) {
    await tx.insert(DisbursementEvent, {
      disbursementId,
      action,
      username: actor.username,
      at: nowIso(),
      note,
    });
  }
}

const STAGE_TEXT: Record<Stage, string> = {
  full: 'Chi hỗ trợ: ',
  advance: 'Tạm ứng xây/sửa nhà: ',
  settlement: 'Quyết toán tạm ứng nhà ở: ',
};

/**
 * A payout pays one party: a household (beneficiaryId) or, for memorial and management costs, an organisation
 * (payeeId), which is never counted as a household (issue 10 item 4).
 */
export function partyProblems(dto: CreateDisbursementDto): string[] {
  if (dto.beneficiaryId !== undefined && dto.payeeId !== undefined)
    return ['give beneficiaryId (a household) or payeeId (an organisation), not both'];
  if (dto.beneficiaryId === undefined && dto.payeeId === undefined)
    return ['a payout needs beneficiaryId (a household) or payeeId (an organisation)'];
  if (dto.payeeId !== undefined && !PAYEE_PURPOSES.includes(dto.purpose))
    return [`purpose ${dto.purpose} supports a household: it needs beneficiaryId, not payeeId`];
  if (dto.payeeId !== undefined && dto.projectId !== undefined)
    return ['a house project belongs to a household: a payee payout takes no projectId'];
  return [];
}

/** Who a payout pays, as printed and posted: the household's head or the organisation, with its bank account. */
export async function partyOf(
  manager: EntityManager,
  d: Disbursement,
): Promise<{
  name: string;
  address: string | null;
  taxCode: string | null;
  bankAccount: string | null;
  bankName: string | null;
  beneficiary: Beneficiary | null;
}> {
  if (d.payeeId !== null) {
    const payee = await manager.findOneOrFail(Payee, { where: { id: d.payeeId } });
    return {
      name: payee.name,
      address: payee.address,
      taxCode: payee.taxCode,
      bankAccount: payee.bankAccount,
      bankName: payee.bankName,
      beneficiary: null,
    };
  }
  const beneficiary = await manager.findOneOrFail(Beneficiary, {
    where: { id: present(d.beneficiaryId, `household of payout ${d.id}`) },
  });
  return {
    name: beneficiary.fullName,
    address: addressWithCommune(beneficiary.address, beneficiary.commune),
    taxCode: null,
    bankAccount: null,
    bankName: null,
    beneficiary,
  };
}

/** The payee's address with its commune, unless the address already names it. */
export function addressWithCommune(address: string | null, commune: string): string {
  if (!address) return commune;
  return foldVietnamese(address).includes(foldVietnamese(commune)) ? address : `${address}, ${commune}`;
}

function ruleList(violations: Violation[]): string | null {
  return violations.length ? violations.map((v) => v.rule).join(',') : null;
}

/** Bank details belong to a payment through a bank or the Treasury, a person receiving cash to a cash payment. */
function refuseMisplacedPaymentDetails(method: 'cash' | 'bank', details: Omit<PayDto, 'date'>): void {
  const problems: string[] = [];
  if (method === 'cash') {
    for (const key of ['bankRef', 'payeeAccount', 'payeeBank', 'payerAccount'] as const) {
      if (details[key] !== undefined) problems.push(`${key} is for a payment through a bank or the Treasury`);
    }
  } else if (details.receivedBy !== undefined) {
    problems.push('receivedBy is for cash handed over in person');
  }
  if (problems.length) throw new InvalidRequestError(problems);
}
