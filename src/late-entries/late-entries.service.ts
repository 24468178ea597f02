import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope, canSeeFund } from '../common/actor';
import { nowIso } from '../common/clock';
import { BusinessRuleError, ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import { msg } from '../common/messages';
import { Money } from '../common/money';
import { UnitOfWork } from '../database/unit-of-work';
import { DocumentSeries } from '../documents/document-series.entity';
import { LateEntry, LateEntryStatus } from '../documents/late-entry.entity';
import { moneySeries } from '../documents/numbering.service';
import { Fund } from '../funds/fund.entity';
import type { RequestLateEntryDto } from './dto';

export interface LateEntryView {
  id: number;
  fundCode: string;
  series: string;
  date: string;
  amount: string;
  reason: string;
  status: LateEntryStatus;
  requestedBy: string;
  requestedAt: string;
  confirmedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  /** The document it let through, once used. */
  documentNo: string | null;
  usedBy: string | null;
}

/** Most requests one list answers. */
const MAX_LISTED = 500;

/**
 * Late entries ("ghi bổ sung", issue 10 item 3) under maker–checker, as payouts and outflowing manual entries:
 * the accountant (or cashier) asks, naming the fund, the series (receipt or payment, cash or bank), the document's
 * date, its amount and why it is late; an approver who did not ask confirms or rejects it; the document is then
 * posted as usual with `lateEntryId`, by someone other than the approver, and takes the next number of its series
 * with the mark (documents/numbering.service.ts checks and spends the confirmation).
 */
@Injectable()
export class LateEntriesService {
  constructor(private readonly uow: UnitOfWork) {}

  request(actor: Actor, dto: RequestLateEntryDto): Promise<LateEntryView> {
    assertFundInScope(actor, dto.fundCode);
    const amount = Money.parse(dto.amount);
    return this.uow.write(async (tx) => {
      const fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
      if (!fund) throw new InvalidRequestError(`fundCode ${dto.fundCode} is not a known fund`);
      const series = moneySeries(dto.kind === 'receipt' ? 'in' : 'out', dto.method);
      const year = Number(dto.date.slice(0, 4));
      const row = await tx.findOne(DocumentSeries, { where: { fundId: fund.id, series, year } });
      if (!row?.lastDate || dto.date >= row.lastDate) {
        throw new ConflictError(
          msg('lateEntries.notLate', { series, date: dto.date, year, lastDate: row?.lastDate ?? '—' }),
        );
      }
      const saved = await tx.save(
        tx.create(LateEntry, {
          fundId: fund.id,
          series,
          documentDate: dto.date,
          amount: amount.toString(),
          reason: dto.reason.trim(),
          status: 'requested',
          requestedBy: actor.username,
          requestedAt: nowIso(),
          decidedBy: null,
          decidedAt: null,
          note: null,
          documentNo: null,
          usedBy: null,
          usedAt: null,
        }),
      );
      return view(saved, fund.code);
    });
  }

  async list(actor: Actor, status?: LateEntryStatus): Promise<LateEntryView[]> {
    const rows = await this.uow.manager.find(LateEntry, {
      where: status ? { status } : {},
      relations: { fund: true },
      order: { id: 'ASC' },
      take: MAX_LISTED,
    });
    return rows.filter((r) => canSeeFund(actor, r.fund?.code ?? '')).map((r) => view(r, r.fund?.code ?? ''));
  }

  async get(actor: Actor, id: number): Promise<LateEntryView> {
    const row = await this.load(this.uow.manager, actor, id);
    return view(row, row.fund?.code ?? '');
  }

  /** The checker: an approver or admin (the route's roles) who did not ask for it (422). */
  confirm(actor: Actor, id: number, note: string | null): Promise<LateEntryView> {
    return this.decide(actor, id, 'confirmed', note);
  }

  reject(actor: Actor, id: number, reason: string): Promise<LateEntryView> {
    return this.decide(actor, id, 'rejected', reason);
  }

  private decide(
    actor: Actor,
    id: number,
    status: 'confirmed' | 'rejected',
    note: string | null,
  ): Promise<LateEntryView> {
    return this.uow.write(async (tx) => {
      const row = await this.load(tx, actor, id);
      if (row.status !== 'requested') {
        throw new ConflictError(
          msg('lateEntries.notRequested', { id, status: row.status, decidedBy: row.decidedBy ?? '?' }),
        );
      }
      if (status === 'confirmed' && row.requestedBy === actor.username) {
        throw new BusinessRuleError(msg('lateEntries.makerConfirms', { id, username: actor.username }));
      }
      const decided = { status, decidedBy: actor.username, decidedAt: nowIso(), note };
      await tx.update(LateEntry, { id }, decided);
      return view({ ...row, ...decided }, row.fund?.code ?? '');
    });
  }

  private async load(manager: EntityManager, actor: Actor, id: number): Promise<LateEntry> {
    const row = await manager.findOne(LateEntry, { where: { id }, relations: { fund: true } });
    if (!row || !canSeeFund(actor, row.fund?.code ?? '')) {
      throw new NotFoundError(msg('lateEntries.notFound', { id }));
    }
    return row;
  }
}

function view(row: LateEntry, fundCode: string): LateEntryView {
  return {
    id: row.id,
    fundCode,
    series: row.series,
    date: row.documentDate,
    amount: row.amount,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    confirmedBy: row.status === 'rejected' ? null : row.decidedBy,
    decidedAt: row.decidedAt,
    note: row.note,
    documentNo: row.documentNo,
    usedBy: row.usedBy,
  };
}
