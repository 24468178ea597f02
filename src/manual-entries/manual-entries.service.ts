import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, canSeeFund } from '../common/actor';
import { BusinessRuleError, ConflictError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { nowIso } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { PolicyService } from '../disbursements/policy.service';
import type { Purpose } from '../disbursements/entities';
import { Book } from '../ledger/entities';
import type { EntryView } from '../ledger/ledger.types';
import { ManualEntryRequest, RequestedLine } from '../ledger/manual-entry-request.entity';
import { PostingService } from '../ledger/posting.service';

/** The payout purpose whose policy checks a debit to a 61xx account answers to (data/policy.json). */
const PURPOSE_OF_ACCOUNT: Record<string, Purpose> = {
  '6111': 'house_new',
  '6112': 'house_repair',
  '6113': 'visit_gift',
  '6114': 'hardship',
  '6115': 'savings_book',
  '6116': 'memorial',
  '6118': 'management',
};

export interface ManualEntryRequestView {
  id: number;
  fundCode: string;
  date: string;
  description: string;
  approvalReason: string;
  status: ManualEntryRequest['status'];
  preparedBy: string;
  preparedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  entryId: number | null;
  lines: RequestedLine[];
}

/**
 * The checker's side of manual entries that move money out or record a disbursement (ledger/manual-entry-rules.ts):
 * the same maker–checker as payouts — approver ≠ preparer — and the same policy checks (per-purpose caps, the
 * management-cost share), then the one posting path. A rejected request keeps its reason; nothing is posted.
 */
@Injectable()
export class ManualEntriesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly posting: PostingService,
    private readonly policy: PolicyService,
  ) {}

  async list(actor: Actor, status?: ManualEntryRequest['status']): Promise<ManualEntryRequestView[]> {
    const rows = await this.uow.manager.find(ManualEntryRequest, {
      where: status ? { status } : {},
      order: { id: 'ASC' },
      take: 500,
    });
    const books = await this.uow.manager.find(Book);
    const codeOf = new Map(books.map((b) => [b.fundId, b.fundCode]));
    return rows.map((r) => view(r, codeOf.get(r.fundId) ?? '')).filter((v) => canSeeFund(actor, v.fundCode));
  }

  async get(actor: Actor, id: number): Promise<ManualEntryRequestView> {
    const { row, fundCode } = await this.load(this.uow.manager, actor, id);
    return view(row, fundCode);
  }

  approve(
    actor: Actor,
    id: number,
    note: string | null,
  ): Promise<ManualEntryRequestView & { entry: EntryView }> {
    return this.uow.write(async (tx) => {
      const { row, fundCode } = await this.load(tx, actor, id);
      assertSubmitted(row);
      if (row.preparedBy === actor.username) {
        throw new BusinessRuleError(
          `manual entry request ${id} was prepared by ${actor.username}; another approver must approve it`,
        );
      }
      const lines = (JSON.parse(row.linesJson) as RequestedLine[]).map((l) => ({
        account: l.account,
        debit: l.debit === null ? undefined : Money.fromStored(l.debit),
        credit: l.credit === null ? undefined : Money.fromStored(l.credit),
        memo: l.memo,
      }));
      const messages: string[] = [];
      for (const line of lines) {
        const purpose = PURPOSE_OF_ACCOUNT[line.account];
        if (!purpose || !line.debit?.isPositive()) continue;
        const violations = await this.policy.check(tx, {
          fundId: row.fundId,
          beneficiaryId: 0,
          purpose,
          stage: 'full',
          projectId: null,
          amount: line.debit,
          date: row.entryDate,
        });
        // A manual entry names no household, so only the amount rules apply; none of them can be overridden here.
        messages.push(...violations.filter((v) => v.rule !== 'house_new_interval').map((v) => v.message));
      }
      if (messages.length) throw new BusinessRuleError(messages);
      const entry = await this.posting.post(tx, {
        fundCode,
        date: row.entryDate,
        description: row.description,
        source: 'manual',
        sourceRef: `YC-${row.id}`,
        postedBy: row.preparedBy,
        lines,
      });
      const decided = {
        status: 'posted' as const,
        decidedBy: actor.username,
        decidedAt: nowIso(),
        note,
        entryId: entry.id,
      };
      await tx.update(ManualEntryRequest, { id: row.id }, decided);
      return { ...view({ ...row, ...decided }, fundCode), entry };
    });
  }

  reject(actor: Actor, id: number, reason: string): Promise<ManualEntryRequestView> {
    return this.uow.write(async (tx) => {
      const { row, fundCode } = await this.load(tx, actor, id);
      assertSubmitted(row);
      const decided = {
        status: 'rejected' as const,
        decidedBy: actor.username,
        decidedAt: nowIso(),
        note: reason,
      };
      await tx.update(ManualEntryRequest, { id: row.id }, decided);
      return view({ ...row, ...decided }, fundCode);
    });
  }

  private async load(manager: EntityManager, actor: Actor, id: number) {
    const row = await manager.findOne(ManualEntryRequest, { where: { id } });
    const book = row ? await manager.findOne(Book, { where: { fundId: row.fundId } }) : null;
    if (!row || !book || !canSeeFund(actor, book.fundCode)) {
      throw new NotFoundError(`manual entry request ${id} does not exist`);
    }
    return { row, fundCode: book.fundCode };
  }
}

function assertSubmitted(row: ManualEntryRequest): void {
  if (row.status !== 'submitted') {
    throw new ConflictError(
      `manual entry request ${row.id} is already ${row.status} (by ${row.decidedBy ?? '?'})`,
    );
  }
}

function view(row: ManualEntryRequest, fundCode: string): ManualEntryRequestView {
  return {
    id: row.id,
    fundCode,
    date: row.entryDate,
    description: row.description,
    approvalReason: row.approvalReason,
    status: row.status,
    preparedBy: row.preparedBy,
    preparedAt: row.preparedAt,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    note: row.note,
    entryId: row.entryId,
    lines: JSON.parse(row.linesJson) as RequestedLine[],
  };
}
