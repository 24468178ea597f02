import { Injectable } from '@nestjs/common';
import { Actor, assertFundInScope } from '../common/actor';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountView, BalancesService } from '../ledger/balances.service';
import { AddAccountDto } from '../ledger/dto';

/** A fund's chart of accounts and lock date, as its users see them. */
@Injectable()
export class FundBooksService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly books: BalancesService,
  ) {}

  accounts(actor: Actor, code: string): Promise<AccountView[]> {
    assertFundInScope(actor, code);
    return this.books.accounts(this.uow.manager, code);
  }

  addAccount(actor: Actor, code: string, dto: AddAccountDto): Promise<AccountView> {
    assertFundInScope(actor, code);
    return this.uow.write((tx) =>
      this.books.addAccount(tx, code, {
        code: dto.code,
        nameVi: dto.name,
        nameEn: dto.nameEn ?? dto.name,
        type: dto.type,
      }),
    );
  }

  lock(actor: Actor, code: string, through: string): Promise<{ code: string; lockedThrough: string }> {
    assertFundInScope(actor, code);
    return this.uow.write((tx) => this.books.lock(tx, code, through, actor.role === 'admin'));
  }
}
