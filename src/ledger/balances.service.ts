import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { Money } from '../common/money';
import { sql, sumDong } from '../database/sql';
import { ChartAccount, defaultChart, normalSide } from './chart';
import { Account, AccountType, Book } from './entities';
import { GENESIS_HASH } from './hash-chain';

export interface AccountView {
  code: string;
  name: string;
  nameEn: string;
  type: AccountType;
  debit: string;
  credit: string;
  /** On the account's normal side: debit − credit for assets and disbursements, credit − debit otherwise. */
  balance: string;
}

/** A fund's books: opening them with the chart of accounts, the lock date, and the account list. */
@Injectable()
export class BalancesService {
  async open(
    tx: EntityManager,
    fundId: number,
    fundCode: string,
    chart: ChartAccount[] = defaultChart(),
  ): Promise<void> {
    await tx.insert(Book, {
      fundId,
      fundCode,
      lockedThrough: null,
      lastEntryNo: 0,
      lastHash: GENESIS_HASH,
      closedOn: null,
      closedNote: null,
    });
    await tx.insert(
      Account,
      chart.map((a) => ({
        fundId,
        code: a.code,
        nameVi: a.nameVi,
        nameEn: a.nameEn,
        type: a.type,
        nonNegative: a.nonNegative ? 1 : 0,
      })),
    );
  }

  async book(manager: EntityManager, fundCode: string): Promise<Book> {
    const book = await manager.findOne(Book, { where: { fundCode } });
    if (!book) throw new NotFoundError(`fund ${fundCode} does not exist`);
    return book;
  }

  async addAccount(tx: EntityManager, fundCode: string, account: ChartAccount): Promise<AccountView> {
    const book = await this.book(tx, fundCode);
    if (await tx.findOne(Account, { where: { fundId: book.fundId, code: account.code } })) {
      throw new ConflictError(`fund ${fundCode} already has an account ${account.code}`);
    }
    await tx.insert(Account, {
      fundId: book.fundId,
      code: account.code,
      nameVi: account.nameVi,
      nameEn: account.nameEn,
      type: account.type,
      nonNegative: account.nonNegative ? 1 : 0,
    });
    return {
      code: account.code,
      name: account.nameVi,
      nameEn: account.nameEn,
      type: account.type,
      debit: '0',
      credit: '0',
      balance: '0',
    };
  }

  /**
   * Moves the lock date (invariant 3). Moving it back reopens a closed period: only when `mayReopen` (admins).
   */
  async lock(
    tx: EntityManager,
    fundCode: string,
    through: string,
    mayReopen: boolean,
  ): Promise<{ code: string; lockedThrough: string }> {
    const book = await this.book(tx, fundCode);
    if (book.lockedThrough !== null && through < book.lockedThrough && !mayReopen) {
      throw new ForbiddenError(
        `fund ${fundCode} is locked through ${book.lockedThrough}; only an admin may move the lock date back`,
      );
    }
    await tx.update(Book, { fundId: book.fundId }, { lockedThrough: through });
    return { code: fundCode, lockedThrough: through };
  }

  /**
   * Closes the books for good (a merged fund): the posting path then refuses every entry, whatever its date.
   * The caller posts its last entries (closing, handover) first, in the same transaction.
   */
  async close(tx: EntityManager, fundCode: string, on: string, note: string): Promise<void> {
    const book = await this.book(tx, fundCode);
    if (book.closedOn !== null)
      throw new ConflictError(`fund ${fundCode} is already closed since ${book.closedOn}`);
    await tx.update(Book, { fundId: book.fundId }, { closedOn: on, closedNote: note.slice(0, 300) });
  }

  /** The fund's accounts with their balances, from the stored monthly turnover (invariant 4). */
  async accounts(manager: EntityManager, fundCode: string): Promise<AccountView[]> {
    const book = await this.book(manager, fundCode);
    const rows = await sql<{
      code: string;
      name_vi: string;
      name_en: string;
      type: AccountType;
      debit: string;
      credit: string;
    }>(
      manager,
      `SELECT a.code, a.name_vi, a.name_en, a.type, ${sumDong('b.debit')} AS debit, ${sumDong('b.credit')} AS credit
         FROM accounts a LEFT JOIN account_balances b ON b.account_id = a.id
        WHERE a.fund_id = ?
        GROUP BY a.id, a.code, a.name_vi, a.name_en, a.type
        ORDER BY a.code`,
      [book.fundId],
    );
    return rows.map((r) => {
      const debit = Money.fromStored(r.debit);
      const credit = Money.fromStored(r.credit);
      const balance = normalSide(r.type) === 'debit' ? debit.minus(credit) : credit.minus(debit);
      return {
        code: r.code,
        name: r.name_vi,
        nameEn: r.name_en,
        type: r.type,
        debit: debit.toString(),
        credit: credit.toString(),
        balance: balance.toString(),
      };
    });
  }
}
