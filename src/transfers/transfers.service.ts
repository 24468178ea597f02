import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import {
  AlreadyReversedError,
  BusinessRuleError,
  InvalidRequestError,
  NotFoundError,
} from '../common/errors';
import { Money } from '../common/money';
import type { Page } from '../common/pagination';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { Fund } from '../funds/fund.entity';
import { PostingService } from '../ledger/posting.service';
import {
  CreateTransferDto,
  ListTransfersQuery,
  MAX_TRANSFER_DESCRIPTION,
  ReverseTransferDto,
  TransferMethod,
} from './dto';
import { Transfer } from './transfer.entity';

/** What any way of recording a transfer (API, a future import or demo) hands to `record`. */
export interface RecordTransfer {
  fromFund: string;
  toFund: string;
  amount: Money;
  date: string;
  method: TransferMethod;
  description?: string | null;
  createdBy: string;
}

export interface TransferView {
  id: number;
  /** The source reference both entries carry, e.g. `CK-000012`. */
  reference: string;
  fromFund: string;
  toFund: string;
  amount: string;
  date: string;
  method: TransferMethod;
  description: string;
  /** The sender's entry: debit 6121, credit 111/112. */
  fromEntryId: number;
  /** The receiver's entry: debit 111/112, credit 5121. */
  toEntryId: number;
  createdBy: string;
  createdAt: string;
  /** `reversed` once both entries were reversed together (POST /api/transfers/:id/reverse). */
  status: 'posted' | 'reversed';
  reversedBy: string | null;
  reversedAt: string | null;
  reversalReason: string | null;
  fromReversalEntryId: number | null;
  toReversalEntryId: number | null;
}

/** Both entries of transfer 12 carry `CK-000012`, so either fund's journal leads to the other's entry. */
export function transferReference(id: number): string {
  return `CK-${String(id).padStart(6, '0')}`;
}

const CASH_ACCOUNT: Record<TransferMethod, string> = { cash: '111', bank: '112' };
const TRANSFER_OUT_ACCOUNT = '6121';
const TRANSFER_IN_ACCOUNT = '5121';

/**
 * Transfers between funds (DESIGN.md §6): one linked pair of entries through the posting path, debit 6121 /
 * credit cash or bank in the sender, debit cash or bank / credit 5121 in the receiver, and the transfers row
 * that links them, all in one transaction. Consolidated reports eliminate the pair (reports/).
 */
@Injectable()
export class TransfersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly posting: PostingService,
  ) {}

  async create(actor: Actor, dto: CreateTransferDto): Promise<TransferView> {
    if (dto.fromFund === dto.toFund) {
      throw new InvalidRequestError(`toFund must be a different fund from fromFund (${dto.fromFund})`);
    }
    assertFundInScope(actor, dto.fromFund);
    assertFundInScope(actor, dto.toFund);
    return this.uow.write((tx) =>
      this.record(tx, {
        fromFund: dto.fromFund,
        toFund: dto.toFund,
        amount: Money.parse(dto.amount),
        date: dto.date,
        method: dto.method,
        description: dto.description ?? null,
        createdBy: actor.username,
      }),
    );
  }

  /**
   * Records one transfer inside the caller's transaction. The sender's entry is posted first, so a transfer
   * that would overdraw the sender's cash or bank (invariant 5) fails before the receiver is touched; a locked
   * period in either fund (invariant 3) fails the whole transaction.
   */
  async record(tx: EntityManager, input: RecordTransfer): Promise<TransferView> {
    const from = await tx.findOne(Fund, { where: { code: input.fromFund } });
    const to = await tx.findOne(Fund, { where: { code: input.toFund } });
    const problems: string[] = [];
    if (!from) problems.push(`fromFund ${input.fromFund} is not a known fund`);
    if (!to) problems.push(`toFund ${input.toFund} is not a known fund`);
    if (input.fromFund === input.toFund)
      problems.push(`toFund must be a different fund from fromFund (${input.fromFund})`);
    if (!input.amount.isPositive()) problems.push('amount must be a positive whole number of đồng');
    if (problems.length || !from || !to) throw new InvalidRequestError(problems);
    for (const fund of [from, to]) {
      if (fund.status !== 'active') {
        throw new BusinessRuleError(
          `fund ${fund.code} is closed; it can neither send nor receive a transfer`,
        );
      }
    }

    const id = await this.reserveId(tx);
    const reference = transferReference(id);
    const note = input.description?.trim() || null;
    const cash = CASH_ACCOUNT[input.method];
    const outEntry = await this.posting.post(tx, {
      fundCode: from.code,
      date: input.date,
      description: entryDescription(`Chuyển quỹ ${reference} sang ${to.name} (${to.code})`, note),
      source: 'transfer',
      sourceRef: reference,
      postedBy: input.createdBy,
      lines: [
        { account: TRANSFER_OUT_ACCOUNT, debit: input.amount, memo: `Quỹ nhận: ${to.code}` },
        { account: cash, credit: input.amount },
      ],
    });
    const inEntry = await this.posting.post(tx, {
      fundCode: to.code,
      date: input.date,
      description: entryDescription(`Nhận chuyển quỹ ${reference} từ ${from.name} (${from.code})`, note),
      source: 'transfer',
      sourceRef: reference,
      postedBy: input.createdBy,
      lines: [
        { account: cash, debit: input.amount },
        { account: TRANSFER_IN_ACCOUNT, credit: input.amount, memo: `Quỹ chuyển: ${from.code}` },
      ],
    });

    const createdAt = nowIso();
    const description = (note ?? `Chuyển quỹ từ ${from.code} sang ${to.code}`).slice(
      0,
      MAX_TRANSFER_DESCRIPTION,
    );
    // Explicit SQL: the id was reserved above (it is in both entries' hashed sourceRef), and TypeORM's insert
    // would leave a generated id out on PostgreSQL.
    await sql(
      tx,
      `INSERT INTO transfers (id, from_fund_id, to_fund_id, amount, transfer_date, method, description,
                              from_entry_id, to_entry_id, created_by, created_at)
       VALUES (?, ?, ?, CAST(? AS BIGINT), ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        from.id,
        to.id,
        input.amount.toString(),
        input.date,
        input.method,
        description,
        outEntry.id,
        inEntry.id,
        input.createdBy,
        createdAt,
      ],
    );
    return {
      id,
      reference,
      fromFund: from.code,
      toFund: to.code,
      amount: input.amount.toString(),
      date: input.date,
      method: input.method,
      description,
      fromEntryId: outEntry.id,
      toEntryId: inEntry.id,
      createdBy: input.createdBy,
      createdAt,
      ...NOT_REVERSED,
    };
  }

  /**
   * Reverses a transfer as a whole (issue 15): both entries get their mirror image through the posting path, dated
   * `date`, and the transfer row records who, when and why — one transaction, audited like every write. The
   * receiver's reversal goes first, so a receiver that has already spent the money refuses it (invariant 5) before
   * anything is written. Each fund's own statement then nets the transfer to zero, and a consolidation removes the
   * pair of reversals with the pair it reverses (reports/transfer-eliminations.ts).
   */
  reverse(actor: Actor, id: number, dto: ReverseTransferDto): Promise<TransferView> {
    return this.uow.write(async (tx) => {
      const transfer = await tx.findOne(Transfer, {
        where: { id },
        relations: { fromFund: true, toFund: true },
      });
      if (!transfer || !this.canSee(actor, transfer))
        throw new NotFoundError(`transfer ${id} does not exist`);
      const from = transfer.fromFund as Fund;
      const to = transfer.toFund as Fund;
      // Both funds' books change: the actor must keep both.
      assertFundInScope(actor, from.code);
      assertFundInScope(actor, to.code);
      if (transfer.reversedAt !== null) {
        throw new AlreadyReversedError(
          `transfer ${id} (${transferReference(id)}) was already reversed on ${transfer.reversedAt.slice(0, 10)} by ${transfer.reversedBy ?? '?'}`,
        );
      }
      if (dto.date < transfer.date) {
        throw new InvalidRequestError(`date must not be before the transfer's date ${transfer.date}`);
      }
      const reason = dto.reason.trim();
      const params = {
        date: dto.date,
        reason: `Hủy chuyển quỹ ${transferReference(id)}: ${reason}`,
        postedBy: actor.username,
      };
      const intoReversal = await this.posting.reverse(tx, transfer.toEntryId, params);
      const outReversal = await this.posting.reverse(tx, transfer.fromEntryId, params);
      await tx.update(
        Transfer,
        { id },
        {
          reversedAt: nowIso(),
          reversedBy: actor.username,
          reversalReason: reason.slice(0, MAX_TRANSFER_DESCRIPTION),
          fromReversalEntryId: outReversal.id,
          toReversalEntryId: intoReversal.id,
        },
      );
      const updated = await tx.findOneOrFail(Transfer, {
        where: { id },
        relations: { fromFund: true, toFund: true },
      });
      return view(updated);
    });
  }

  /** A transfer the actor may see: one whose sender or receiver is in scope (404 otherwise, as if unknown). */
  async get(actor: Actor, id: number): Promise<TransferView> {
    const transfer = await this.uow.manager.findOne(Transfer, {
      where: { id },
      relations: { fromFund: true, toFund: true },
    });
    if (!transfer || !this.canSee(actor, transfer)) throw new NotFoundError(`transfer ${id} does not exist`);
    return view(transfer);
  }

  /** Transfers out of or into `fund` (or every fund in scope), oldest first. */
  async list(actor: Actor, q: ListTransfersQuery): Promise<Page<TransferView>> {
    const query = this.uow.manager
      .createQueryBuilder(Transfer, 't')
      .innerJoinAndSelect('t.fromFund', 'ff')
      .innerJoinAndSelect('t.toFund', 'tf');
    if (q.fund !== undefined) {
      // Another fund's transfers are a 403, as its journal and trial balance are.
      assertFundInScope(actor, q.fund);
      query.andWhere('(ff.code = :fund OR tf.code = :fund)', { fund: q.fund });
    }
    if (actor.fundScope !== null) {
      const scope = [...actor.fundScope];
      query.andWhere('(ff.code IN (:...scope) OR tf.code IN (:...scope))', {
        scope: scope.length ? scope : [''],
      });
    }
    if (q.from) query.andWhere('t.date >= :from', { from: q.from });
    if (q.to) query.andWhere('t.date <= :to', { to: q.to });
    const [rows, total] = await query
      .orderBy('t.date', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map(view), total, page: q.page, pageSize: q.pageSize };
  }

  private canSee(actor: Actor, transfer: Transfer): boolean {
    return canSeeFund(actor, transfer.fromFund?.code ?? '') || canSeeFund(actor, transfer.toFund?.code ?? '');
  }

  /**
   * The new transfer's id, known before its entries are posted so that both can carry it. Writes are
   * serialized (UnitOfWork), so on SQLite the next id is MAX + 1; PostgreSQL hands out one from the
   * column's own sequence, which a rolled-back transfer merely skips.
   */
  private async reserveId(tx: EntityManager): Promise<number> {
    if (tx.connection.options.type === 'postgres') {
      const [row] = await sql<{ id: string }>(
        tx,
        `SELECT nextval(pg_get_serial_sequence('transfers', 'id')) AS id`,
      );
      return Number(row.id);
    }
    const [row] = await sql<{ id: number | null }>(tx, 'SELECT MAX(id) AS id FROM transfers');
    return (row.id ?? 0) + 1;
  }
}

function entryDescription(base: string, note: string | null): string {
  return (note ? `${base}: ${note}` : base).slice(0, 500);
}

function view(t: Transfer): TransferView {
  return {
    id: t.id,
    reference: transferReference(t.id),
    fromFund: t.fromFund?.code ?? '',
    toFund: t.toFund?.code ?? '',
    amount: t.amount,
    date: t.date,
    method: t.method,
    description: t.description,
    fromEntryId: t.fromEntryId,
    toEntryId: t.toEntryId,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    status: t.reversedAt === null ? 'posted' : 'reversed',
    reversedBy: t.reversedBy,
    reversedAt: t.reversedAt,
    reversalReason: t.reversalReason,
    fromReversalEntryId: t.fromReversalEntryId,
    toReversalEntryId: t.toReversalEntryId,
  };
}

const NOT_REVERSED = {
  status: 'posted',
  reversedBy: null,
  reversedAt: null,
  reversalReason: null,
  fromReversalEntryId: null,
  toReversalEntryId: null,
} as const;
