import { Injectable } from '@nestjs/common';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import { ConflictError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import type { Page } from '../common/pagination';
import { UnitOfWork } from '../database/unit-of-work';
import { JournalEntry, Book } from './entities';
import { JournalQueryService } from './journal-query.service';
import { EntryView } from './ledger.types';
import { PostingService } from './posting.service';
import { ListEntriesQuery, PostEntryDto, ReverseEntryDto } from './dto';
import { ManualEntryRequest, RequestedLine } from './manual-entry-request.entity';
import { approvalReason } from './manual-entry-rules';
import { nowIso } from '../common/clock';
import { requestContext } from '../common/request-context';

/** Manual journal entries: the API's use of the posting path, with the actor's fund scope applied. */
@Injectable()
export class JournalService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly posting: PostingService,
    private readonly query: JournalQueryService,
  ) {}

  /**
   * Posts a manual entry, or, when it moves money out or records a disbursement (manual-entry-rules.ts), keeps it
   * as a request for an approver (maker–checker): nothing reaches the books until someone else approves it.
   */
  post(actor: Actor, dto: PostEntryDto): Promise<EntryView | SubmittedManualEntry> {
    assertFundInScope(actor, dto.fundCode);
    const lines = dto.lines.map((line, i) => ({
      account: line.account,
      debit: line.debit === undefined ? undefined : Money.parse(line.debit, `lines.${i}.debit`),
      credit: line.credit === undefined ? undefined : Money.parse(line.credit, `lines.${i}.credit`),
      memo: line.memo ?? null,
    }));
    const reason = approvalReason(lines);
    return this.uow.write(async (tx) => {
      const input = {
        fundCode: dto.fundCode,
        date: dto.date,
        description: dto.description,
        source: 'manual' as const,
        postedBy: actor.username,
        lines,
      };
      if (reason === null) return this.posting.post(tx, input);
      // Checked as the posting path would (balance, accounts, lock): a request that could never post is refused
      // at once, with the same messages.
      await this.posting.dryRun(tx, input);
      const requested: RequestedLine[] = lines.map((l) => ({
        account: l.account,
        debit: l.debit?.toString() ?? null,
        credit: l.credit?.toString() ?? null,
        memo: l.memo,
      }));
      const book = await tx.findOneByOrFail(Book, { fundCode: dto.fundCode });
      const row = await tx.save(
        tx.create(ManualEntryRequest, {
          fundId: book.fundId,
          entryDate: dto.date,
          description: dto.description,
          linesJson: JSON.stringify(requested),
          approvalReason: reason,
          status: 'submitted',
          preparedBy: actor.username,
          preparedAt: nowIso(),
          decidedBy: null,
          decidedAt: null,
          note: null,
          entryId: null,
        }),
      );
      // Accepted, not posted: the answer is 202, and a replay under the same Idempotency-Key answers 202 too.
      const idempotency = requestContext.get()?.idempotency;
      if (idempotency) idempotency.statusCode = 202;
      return submittedView(row, dto.fundCode);
    });
  }

  async get(actor: Actor, id: number): Promise<EntryView> {
    const entry = await this.query.get(this.uow.manager, id);
    // Out of scope reads as unknown, as every other `:id` route: a 403 would confirm the entry and name its fund.
    if (!canSeeFund(actor, entry.fundCode)) throw new NotFoundError(`journal entry ${id} does not exist`);
    return entry;
  }

  /**
   * Reverses a manual entry. An entry that a feature posted (a receipt, a payout, a transfer, a closing) is reversed
   * through that feature, which keeps its own record in step with the books.
   */
  reverse(actor: Actor, id: number, dto: ReverseEntryDto): Promise<EntryView> {
    return this.uow.write(async (tx) => {
      const original = await tx.findOne(JournalEntry, { where: { id } });
      if (!original) throw new NotFoundError(`journal entry ${id} does not exist`);
      const book = await tx.findOneByOrFail(Book, { fundId: original.fundId });
      if (!canSeeFund(actor, book.fundCode)) throw new NotFoundError(`journal entry ${id} does not exist`);
      const root =
        original.source === 'reversal' && original.reversalOfId !== null
          ? await tx.findOneOrFail(JournalEntry, { where: { id: original.reversalOfId } })
          : original;
      if (root.source !== 'manual') {
        throw new ConflictError(
          `journal entry ${id} belongs to ${root.source} ${root.sourceRef ?? ''}`.trim() +
            `; reverse it there (${FEATURE_REVERSAL[root.source] ?? 'through the feature that posted it'})`,
        );
      }
      return this.posting.reverse(tx, id, { date: dto.date, reason: dto.reason, postedBy: actor.username });
    });
  }

  list(actor: Actor, q: ListEntriesQuery): Promise<Page<EntryView>> {
    let fundCodes: string[] | null = actor.fundScope === null ? null : [...actor.fundScope];
    // Asking for another fund's entries is a 403, as for its accounts and trial balance, not a silent empty list.
    if (q.fund !== undefined) {
      assertFundInScope(actor, q.fund);
      fundCodes = [q.fund];
    }
    return this.query.list(this.uow.manager, {
      fundCodes,
      from: q.from,
      to: q.to,
      page: q.page,
      pageSize: q.pageSize,
    });
  }
}

/** What POST /api/journal-entries answers (202) for an entry that waits for approval. */
export interface SubmittedManualEntry {
  requestId: number;
  status: 'submitted';
  fundCode: string;
  date: string;
  description: string;
  approvalReason: string;
  preparedBy: string;
  lines: RequestedLine[];
}

export function submittedView(row: ManualEntryRequest, fundCode: string): SubmittedManualEntry {
  return {
    requestId: row.id,
    status: 'submitted',
    fundCode,
    date: row.entryDate,
    description: row.description,
    approvalReason: row.approvalReason,
    preparedBy: row.preparedBy,
    lines: JSON.parse(row.linesJson) as RequestedLine[],
  };
}

const FEATURE_REVERSAL: Partial<Record<string, string>> = {
  contribution: 'POST /api/contributions/:id/void',
  disbursement: 'POST /api/disbursements/:id/reverse',
  transfer: 'POST /api/transfers/:id/reverse, which reverses both entries',
  closing: 'reopen the year or the merger',
};
