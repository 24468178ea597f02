import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import { BusinessRuleError, ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import type { Page } from '../common/pagination';
import { todayInVietnam } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { AttachmentsService, AttachmentView } from '../attachments/attachments.service';
import { DrawnNumber, markLate, NumberingService, moneySeries } from '../documents/numbering.service';
import { Fund } from '../funds/fund.entity';
import { PostingService } from '../ledger/posting.service';
import type { PostingInput } from '../ledger/ledger.types';
import {
  ContributionCampaign,
  ContributionDonor,
  ContributionFund,
  contributionsRepository,
  NewContribution,
} from './contributions.repository';
import { kindAccounts, kindDescription, kindProblems } from './contribution-kinds';
import { CreateContributionDto, ListContributionsQuery, VoidContributionDto } from './dto';
import {
  Campaign,
  Contribution,
  ContributionKind,
  ContributionMethod,
  ContributionStatus,
  Donor,
  PaymentMethod,
} from './entities';

/** What any way of recording a contribution (API, batch, import) hands to `record`. */
export interface RecordContribution {
  fundCode: string;
  donorId: number;
  date: string;
  amount: Money;
  /** Null for an in-kind gift, which moves no cash or bank money. */
  method: PaymentMethod | null;
  /** money (default), in_kind (with its description, quantity and valuation basis) or state_budget. */
  kind?: ContributionKind;
  inKindDescription?: string | null;
  inKindQuantity?: string | null;
  valuationBasis?: string | null;
  purpose?: string | null;
  campaignCode?: string | null;
  batchId?: number | null;
  importKey?: string | null;
  externalRef?: string | null;
  /** Money through a bank or the Treasury: its reference and the day it was credited. */
  bankRef?: string | null;
  bankDate?: string | null;
  /** Cash from an organisation: who handed it over. */
  handedOverBy?: string | null;
  /** An approver's confirmation of a late entry (dated before the latest receipt of its series). */
  lateEntryId?: number | null;
  /**
   * An imported historical document: numbered in the historical series, never the live one, and keeping its
   * paper number (`originalNo`, printed where the number is).
   */
  historical?: { originalNo: string | null } | null;
  createdBy: string;
}

export interface ContributionView {
  id: number;
  receiptNo: string;
  entryId: number;
  amount: string;
  status: ContributionStatus;
  fundCode: string;
  date: string;
  method: ContributionMethod;
  kind: ContributionKind;
  /** An in-kind gift: the goods, their quantity and how their value was arrived at. */
  inKind: { description: string | null; quantity: string | null; valuationBasis: string | null } | null;
  purpose: string | null;
  campaign: string | null;
  batchId: number | null;
  donor: { id: number; name: string; kind: Donor['kind'] };
  reversalEntryId: number | null;
  voidReason: string | null;
  externalRef: string | null;
  /** The paper number of an imported historical document. */
  originalNo: string | null;
  bankRef: string | null;
  bankDate: string | null;
  handedOverBy: string | null;
  attachments: AttachmentView[];
}

@Injectable()
export class ContributionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly posting: PostingService,
    private readonly numbering: NumberingService,
    private readonly attachments: AttachmentsService,
  ) {}

  create(actor: Actor, dto: CreateContributionDto): Promise<ContributionView> {
    assertFundInScope(actor, dto.fundCode);
    const problems: string[] = [];
    if (dto.method === 'cash' && dto.bankRef !== undefined)
      problems.push('bankRef is for money through a bank or the Treasury (method bank)');
    if (dto.method === 'cash' && dto.bankDate !== undefined)
      problems.push('bankDate is for money through a bank or the Treasury (method bank)');
    if (dto.method !== 'cash' && dto.handedOverBy !== undefined)
      problems.push('handedOverBy is for cash handed over in person (method cash)');
    if (problems.length) throw new InvalidRequestError(problems);
    const files = this.attachments.check(dto.attachments);
    // Confined to the fund's books (its numbers, its chain): on PostgreSQL gifts to different funds post side by side.
    return this.uow.writeToFunds([dto.fundCode], async (tx) => {
      // Read before the fund is held (numbering holds it): the answer is built from what the write holds, with no
      // second read of the fund, campaign or donor through TypeORM (a fifth of a gift's CPU over HTTP, issue 13).
      // On PostgreSQL the fund is read with the donor, in one round trip.
      const known =
        tx.connection.options.type === 'postgres'
          ? await contributionsRepository.fundsAndDonorsPg(tx, [dto.fundCode], [dto.donorId])
          : { donors: await contributionsRepository.donorsById(tx, [dto.donorId]), funds: undefined };
      const donors = known.donors;
      const [contribution] = await this.recordMany(
        tx,
        [
          {
            fundCode: dto.fundCode,
            donorId: dto.donorId,
            date: dto.date,
            amount: Money.parse(dto.amount),
            method: dto.method ?? null,
            kind: dto.kind ?? 'money',
            inKindDescription: dto.inKindDescription?.trim() ?? null,
            inKindQuantity: dto.inKindQuantity?.trim() ?? null,
            valuationBasis: dto.valuationBasis?.trim() ?? null,
            purpose: dto.purpose ?? null,
            campaignCode: dto.campaign ?? null,
            bankRef: dto.bankRef?.trim() ?? null,
            bankDate: dto.bankDate ?? null,
            handedOverBy: dto.handedOverBy?.trim() ?? null,
            lateEntryId: dto.lateEntryId ?? null,
            createdBy: actor.username,
          },
        ],
        donors,
        known.funds,
      );
      await this.attachments.store(
        tx,
        'contribution',
        contribution.id,
        dto.attachments,
        files,
        actor.username,
      );
      return this.view(tx, contribution, {
        fundCode: dto.fundCode,
        campaign: dto.campaign ?? null,
        donor: donors.get(contribution.donorId),
        attachments: dto.attachments?.length ? undefined : [],
      });
    });
  }

  /**
   * Records one contribution inside the caller's transaction: the next gap-free PT number of the fund and year,
   * the entry through the posting path (debit 111 cash or 112 bank, credit 5111–5114 by the donor's kind), and
   * the contribution row. Throws before writing anything the caller would have to undo.
   */
  async record(tx: EntityManager, input: RecordContribution): Promise<Contribution> {
    const [contribution] = await this.recordMany(tx, [input]);
    return contribution;
  }

  /**
   * Records contributions in order as `record` would one after the other, with the same checks and errors (each
   * input is checked before anything is numbered or posted; the first that fails throws): the funds, donors and
   * campaigns are read once, historical numbers are reserved per series, and the entries are posted together
   * (PostingService.postMany) and the rows written together. An import records each chunk of rows through it.
   */
  async recordMany(
    tx: EntityManager,
    inputs: RecordContribution[],
    /** The inputs' donors, when the caller has just read them in this transaction. */
    knownDonors?: Map<number, ContributionDonor>,
    /** The inputs' funds, likewise. */
    knownFunds?: Map<string, ContributionFund>,
  ): Promise<Contribution[]> {
    if (inputs.length === 0) return [];
    const unique = <T>(values: T[]) => [...new Set(values)];
    const funds =
      knownFunds ?? (await contributionsRepository.fundsByCode(tx, unique(inputs.map((i) => i.fundCode))));
    const donors =
      knownDonors ?? (await contributionsRepository.donorsById(tx, unique(inputs.map((i) => i.donorId))));
    const campaigns = await contributionsRepository.campaignsByCode(
      tx,
      unique(inputs.flatMap((i) => (i.campaignCode ? [i.campaignCode] : []))),
    );
    const checked = inputs.map((input) =>
      checkContribution(
        input,
        funds.get(input.fundCode),
        donors.get(input.donorId),
        input.campaignCode ? campaigns.get(input.campaignCode) : undefined,
      ),
    );

    // Cash takes a PT number; money through a bank or the Treasury its own series (data/document-series.json), and
    // so do goods (in kind): the same acknowledgement, Giấy xác nhận đóng góp, with no cashier.
    // A late one needs an approver's confirmation (409 without); an imported old one keeps its paper number.
    const historical = await this.numbering.historicalMany(
      tx,
      checked.filter((c) => c.input.historical).map((c) => ({ fundId: c.fund.id, date: c.input.date })),
    );
    let drawn = 0;
    const receipts: DrawnNumber[] = [];
    for (const { input, fund } of checked) {
      receipts.push(
        input.historical
          ? { number: historical[drawn++], late: false }
          : await this.numbering.next(tx, fund.id, moneySeries('in', input.method ?? 'bank'), input.date, {
              lateEntryId: input.lateEntryId ?? null,
              amount: input.amount.toString(),
              usedBy: input.createdBy,
            }),
      );
    }
    const postings: PostingInput[] = [];
    for (const [i, { input, fund, donor, kind }] of checked.entries()) {
      const description = kindDescription(kind, donor.name, input.purpose ?? null);
      postings.push({
        fundCode: fund.code,
        date: input.date,
        // A late entry (ghi bổ sung) says so in the books, on its own row. A confirmation is spent only on a live
        // series (numbering.next), so a historical number is never a late entry's.
        description: markLate(receipts[i], description).slice(0, 500),
        source: 'contribution',
        sourceRef: receipts[i].number,
        postedBy: input.createdBy,
        lines: [
          { account: kindAccounts(kind, donor.kind).debit, debit: input.amount },
          { account: kindAccounts(kind, donor.kind).credit, credit: input.amount },
        ],
      });
    }
    const newRows = (createdAt: string, entryIds: readonly number[]): NewContribution[] =>
      checked.map(({ input, fund, donor, campaign, kind }, i) => ({
        fundId: fund.id,
        donorId: donor.id,
        campaignId: campaign?.id ?? null,
        batchId: input.batchId ?? null,
        date: input.date,
        amount: input.amount.toString(),
        method: input.method ?? 'in_kind',
        kind: kind.kind,
        inKindDescription: input.inKindDescription ?? null,
        inKindQuantity: input.inKindQuantity ?? null,
        valuationBasis: input.valuationBasis ?? null,
        purpose: input.purpose ?? null,
        receiptNo: receipts[i].number,
        entryId: entryIds[i],
        status: 'posted',
        voidEntryId: null,
        voidReason: null,
        voidedAt: null,
        externalRef: input.externalRef ?? null,
        originalNo: input.historical?.originalNo ?? null,
        bankRef: input.bankRef ?? null,
        bankDate: input.bankDate ?? null,
        handedOverBy: input.handedOverBy ?? null,
        importKey: input.importKey ?? null,
        createdBy: input.createdBy,
        createdAt,
      }));
    let entries: { id: number }[];
    if (tx.connection.options.type === 'postgres') {
      // The rows go in posting's own statement, with their entries (one round trip fewer in the fund's lock).
      let written: NewContribution[] = [];
      const posted = await this.posting.postManyWith(
        tx,
        postings,
        contributionsRepository.withEntries(
          () =>
            (written = newRows(
              nowIso(),
              postings.map(() => 0),
            )),
        ),
      );
      const rowIds = posted.rowIds;
      if (rowIds)
        return written.map((row, i) =>
          Object.assign(new Contribution(), row, { entryId: posted.views[i].id, id: rowIds[i] }),
        );
      entries = posted.views;
    } else entries = await this.posting.postMany(tx, postings);
    const rows = newRows(
      nowIso(),
      entries.map((e) => e.id),
    );
    const ids = await contributionsRepository.insert(tx, rows);
    return rows.map((row, i) => Object.assign(new Contribution(), row, { id: ids[i] }));
  }

  async get(actor: Actor, id: number): Promise<ContributionView> {
    const contribution = await this.byId(this.uow.manager, actor, id);
    return this.view(this.uow.manager, contribution);
  }

  /** The contribution, if the actor may see its fund (404 otherwise, as for an unknown id). */
  async byId(manager: EntityManager, actor: Actor | null, id: number): Promise<Contribution> {
    const contribution = await manager.findOne(Contribution, { where: { id }, relations: { fund: true } });
    if (!contribution || (actor && !canSeeFund(actor, contribution.fund?.code ?? ''))) {
      throw new NotFoundError(`contribution ${id} does not exist`);
    }
    return contribution;
  }

  async list(actor: Actor, q: ListContributionsQuery): Promise<Page<ContributionView>> {
    const query = this.uow.manager
      .createQueryBuilder(Contribution, 'c')
      .innerJoinAndSelect('c.fund', 'f')
      .leftJoin('c.campaign', 'k');
    if (q.fund) query.andWhere('f.code = :fund', { fund: q.fund });
    if (actor.fundScope !== null) query.andWhere('f.code IN (:...scope)', { scope: [...actor.fundScope] });
    if (q.donorId) query.andWhere('c.donor_id = :donorId', { donorId: q.donorId });
    if (q.campaign) query.andWhere('k.code = :campaign', { campaign: q.campaign });
    if (q.from) query.andWhere('c.contribution_date >= :from', { from: q.from });
    if (q.to) query.andWhere('c.contribution_date <= :to', { to: q.to });
    const [rows, total] = await query
      .orderBy('c.contribution_date', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    const items = await Promise.all(rows.map((c) => this.view(this.uow.manager, c)));
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  /** Voids through a reversal entry; the receipt keeps its number and is marked ĐÃ HỦY. */
  async void(
    actor: Actor,
    id: number,
    dto: VoidContributionDto,
  ): Promise<{ id: number; status: 'voided'; reversalEntryId: number; receiptNo: string }> {
    return this.uow.write(async (tx) => {
      const contribution = await this.byId(tx, actor, id);
      if (contribution.status === 'voided')
        throw new ConflictError(`receipt ${contribution.receiptNo} is already void`);
      const today = todayInVietnam();
      const date = dto.date ?? (today > contribution.date ? today : contribution.date);
      const reversal = await this.posting.reverse(tx, contribution.entryId, {
        date,
        reason: `Hủy phiếu thu ${contribution.receiptNo}: ${dto.reason}`,
        postedBy: actor.username,
      });
      await tx.update(
        Contribution,
        { id },
        { status: 'voided', voidEntryId: reversal.id, voidReason: dto.reason, voidedAt: nowIso() },
      );
      return {
        id,
        status: 'voided' as const,
        reversalEntryId: reversal.id,
        receiptNo: contribution.receiptNo,
      };
    });
  }

  /** `known`: what the caller already holds (the answer to a write), read again otherwise. */
  async view(
    manager: EntityManager,
    c: Contribution,
    known: {
      fundCode?: string;
      campaign?: string | null;
      donor?: Pick<Donor, 'id' | 'name' | 'kind'>;
      attachments?: ContributionView['attachments'];
    } = {},
  ): Promise<ContributionView> {
    const donor = known.donor ?? (await manager.findOneOrFail(Donor, { where: { id: c.donorId } }));
    const fundCode =
      known.fundCode ?? (c.fund ?? (await manager.findOneOrFail(Fund, { where: { id: c.fundId } }))).code;
    const campaign =
      known.campaign !== undefined
        ? known.campaign
        : c.campaignId === null
          ? null
          : (await manager.findOneOrFail(Campaign, { where: { id: c.campaignId } })).code;
    return {
      id: c.id,
      receiptNo: c.receiptNo,
      entryId: c.entryId,
      amount: c.amount,
      status: c.status,
      fundCode,
      date: c.date,
      method: c.method,
      kind: c.kind,
      inKind:
        c.kind === 'in_kind'
          ? { description: c.inKindDescription, quantity: c.inKindQuantity, valuationBasis: c.valuationBasis }
          : null,
      purpose: c.purpose,
      campaign,
      batchId: c.batchId,
      donor: { id: donor.id, name: donor.name, kind: donor.kind },
      reversalEntryId: c.voidEntryId,
      voidReason: c.voidReason,
      externalRef: c.externalRef,
      originalNo: c.originalNo,
      bankRef: c.bankRef,
      bankDate: c.bankDate,
      handedOverBy: c.handedOverBy,
      attachments: known.attachments ?? (await this.attachments.list(manager, 'contribution', c.id)),
    };
  }
}

/**
 * One contribution checked on its own and against its fund, donor and campaign, as `record` checks it: every
 * problem of the request at once (400), then a merged donor or a closed fund (422).
 */
function checkContribution(
  input: RecordContribution,
  fund: ContributionFund | undefined,
  donor: ContributionDonor | undefined,
  campaign: ContributionCampaign | undefined,
) {
  const problems: string[] = [];
  if (!fund) problems.push(`fundCode ${input.fundCode} is not a known fund`);
  if (!donor) problems.push(`donorId ${input.donorId} is not a known donor`);
  if (input.campaignCode && !campaign)
    problems.push(`campaign ${input.campaignCode} is not a known campaign`);
  if (!input.amount.isPositive()) problems.push('amount must be a positive whole number of đồng');
  const kind = { ...input, kind: input.kind ?? 'money' };
  problems.push(...kindProblems(kind, donor?.kind ?? null));
  if (problems.length || !fund || !donor) throw new InvalidRequestError(problems);
  if (donor.mergedIntoId !== null) {
    throw new BusinessRuleError(
      `donor ${donor.id} was merged into donor ${donor.mergedIntoId}; record the gift there`,
    );
  }
  if (fund.status !== 'active') throw new BusinessRuleError(`fund ${fund.code} is closed`);
  return { input, fund, donor, campaign, kind };
}
