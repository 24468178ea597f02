import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { Actor, assertFundInScope } from '../common/actor';
import { nowIso } from '../common/clock';
import { BusinessRuleError, ConflictError, InvalidRequestError } from '../common/errors';
import { Money } from '../common/money';
import type { Page } from '../common/pagination';
import { DATA_DIR } from '../common/paths';
import { UnitOfWork } from '../database/unit-of-work';
import { Fund } from '../funds/fund.entity';
import type { PostingLineInput } from '../ledger/ledger.types';
import { PostingService } from '../ledger/posting.service';
import { BankAdvice, BankAdviceKind } from './bank-advice.entity';
import { CreateBankAdviceDto, ListBankAdvicesQuery } from './dto';

/** Interest credited by the bank or the Treasury (data/chart-of-accounts.json). */
export const INTEREST_ACCOUNT = '5115';
/** Bank and Treasury charges. */
export const BANK_FEE_ACCOUNT = '6117';

export interface BankAdviceView {
  id: number;
  fundCode: string;
  kind: BankAdviceKind;
  date: string;
  bankRef: string;
  amount: string;
  description: string;
  entryId: number;
  createdBy: string;
}

let feeMax: Money | undefined;

/** data/bank-advices.json: the largest fee booked from its advice alone, without an approver. */
export function bankFeeMax(): Money {
  if (feeMax) return feeMax;
  const file = path.join(DATA_DIR, 'bank-advices.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { feeMaxDong?: unknown };
  if (typeof raw.feeMaxDong !== 'string') throw new Error(`${file}: feeMaxDong must be a digit string`);
  feeMax = Money.parse(raw.feeMaxDong, 'feeMaxDong');
  return feeMax;
}

/**
 * Money the bank or the Treasury moved on its own, booked from its advice (issue 10 item 16): interest credited
 * (Nợ 112 / Có 5115) and fees charged (Nợ 6117 / Có 112). The advice's reference is the entry's document, once
 * per fund. A fee above data/bank-advices.json's feeMaxDong is refused here: it is money out like any other and
 * goes through a manual-entry request and an approver.
 */
@Injectable()
export class BankAdvicesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly posting: PostingService,
  ) {}

  create(actor: Actor, dto: CreateBankAdviceDto): Promise<BankAdviceView> {
    assertFundInScope(actor, dto.fundCode);
    const amount = Money.parse(dto.amount);
    if (dto.kind === 'fee' && amount.compare(bankFeeMax()) > 0) {
      throw new BusinessRuleError(
        `a bank fee of ${amount.format()} is more than the ${bankFeeMax().format()} booked from an advice alone; post it as a manual entry (Nợ 6117 / Có 112) for an approver`,
      );
    }
    const bankRef = dto.bankRef.trim();
    return this.uow.write(async (tx) => {
      const fund = await tx.findOne(Fund, { where: { code: dto.fundCode } });
      if (!fund) throw new InvalidRequestError(`fundCode ${dto.fundCode} is not a known fund`);
      if (fund.status !== 'active') throw new BusinessRuleError(`fund ${fund.code} is closed`);
      const twin = await tx.findOne(BankAdvice, { where: { fundId: fund.id, bankRef } });
      if (twin)
        throw new ConflictError(
          `bank advice ${bankRef} is already booked in fund ${fund.code} (entry ${twin.entryId})`,
        );
      const description =
        dto.description?.trim() ??
        (dto.kind === 'interest' ? 'Lãi tiền gửi Kho bạc, ngân hàng' : 'Phí dịch vụ ngân hàng, Kho bạc');
      const lines: PostingLineInput[] =
        dto.kind === 'interest'
          ? [
              { account: '112', debit: amount },
              { account: INTEREST_ACCOUNT, credit: amount },
            ]
          : [
              { account: BANK_FEE_ACCOUNT, debit: amount },
              { account: '112', credit: amount },
            ];
      const entry = await this.posting.post(tx, {
        fundCode: fund.code,
        date: dto.date,
        description: `${description} (giấy báo ${dto.kind === 'interest' ? 'Có' : 'Nợ'} số ${bankRef})`.slice(
          0,
          500,
        ),
        source: 'bank_advice',
        sourceRef: bankRef,
        postedBy: actor.username,
        lines,
      });
      const row = await tx.save(
        tx.create(BankAdvice, {
          fundId: fund.id,
          kind: dto.kind,
          adviceDate: dto.date,
          bankRef,
          amount: amount.toString(),
          description,
          entryId: entry.id,
          createdBy: actor.username,
          createdAt: nowIso(),
        }),
      );
      return view(row, fund.code);
    });
  }

  async list(actor: Actor, q: ListBankAdvicesQuery): Promise<Page<BankAdviceView>> {
    const query = this.uow.manager.createQueryBuilder(BankAdvice, 'a').innerJoinAndSelect('a.fund', 'f');
    if (q.fund) query.andWhere('f.code = :fund', { fund: q.fund });
    if (actor.fundScope !== null) query.andWhere('f.code IN (:...scope)', { scope: [...actor.fundScope] });
    const [rows, total] = await query
      .orderBy('a.advice_date', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map((r) => view(r, r.fund?.code ?? '')), total, page: q.page, pageSize: q.pageSize };
  }
}

function view(a: BankAdvice, fundCode: string): BankAdviceView {
  return {
    id: a.id,
    fundCode,
    kind: a.kind,
    date: a.adviceDate,
    bankRef: a.bankRef,
    amount: a.amount,
    description: a.description,
    entryId: a.entryId,
    createdBy: a.createdBy,
  };
}
