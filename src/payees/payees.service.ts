import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { nowIso } from '../common/clock';
import { ConflictError, InvalidRequestError, NotFoundError } from '../common/errors';
import type { Page } from '../common/pagination';
import { foldVietnamese } from '../common/text';
import { UnitOfWork } from '../database/unit-of-work';
import { CreatePayeeDto, SearchPayeesQuery } from './dto';
import { Payee, PayeeKind } from './payee.entity';

export interface PayeeView {
  id: number;
  name: string;
  kind: PayeeKind;
  taxCode: string | null;
  address: string | null;
  bankAccount: string | null;
  bankName: string | null;
}

/** Organisations paid by payouts that are not support to a household (issue 10 item 4). */
@Injectable()
export class PayeesService {
  constructor(private readonly uow: UnitOfWork) {}

  /** A new payee; a tax code names one payee, so a second one with it is a 409 naming the first. */
  create(actor: { username: string }, dto: CreatePayeeDto): Promise<PayeeView> {
    if ((dto.bankAccount === undefined) !== (dto.bankName === undefined))
      throw new InvalidRequestError('bankAccount and bankName go together: give both or neither');
    return this.uow.write(async (tx) => {
      if (dto.taxCode) {
        const twin = await tx.findOne(Payee, { where: { taxCode: dto.taxCode } });
        if (twin)
          throw new ConflictError(
            `tax code ${dto.taxCode} already belongs to payee ${twin.id} (${twin.name})`,
          );
      }
      const payee = await tx.save(
        tx.create(Payee, {
          name: dto.name.trim(),
          nameFolded: foldVietnamese(dto.name.trim()),
          kind: dto.kind ?? 'organization',
          taxCode: dto.taxCode ?? null,
          address: dto.address?.trim() || null,
          bankAccount: dto.bankAccount ?? null,
          bankName: dto.bankName?.trim() ?? null,
          createdBy: actor.username,
          createdAt: nowIso(),
        }),
      );
      return view(payee);
    });
  }

  async get(id: number): Promise<PayeeView> {
    return view(await this.byId(this.uow.manager, id));
  }

  async byId(manager: EntityManager, id: number): Promise<Payee> {
    const payee = await manager.findOne(Payee, { where: { id } });
    if (!payee) throw new NotFoundError(`payee ${id} does not exist`);
    return payee;
  }

  async list(q: SearchPayeesQuery): Promise<Page<PayeeView>> {
    const query = this.uow.manager.createQueryBuilder(Payee, 'p');
    if (q.q) query.andWhere('p.name_folded LIKE :q', { q: `%${foldVietnamese(q.q)}%` });
    const [rows, total] = await query
      .orderBy('p.name_folded', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items: rows.map(view), total, page: q.page, pageSize: q.pageSize };
  }
}

export function view(p: Payee): PayeeView {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    taxCode: p.taxCode,
    address: p.address,
    bankAccount: p.bankAccount,
    bankName: p.bankName,
  };
}
