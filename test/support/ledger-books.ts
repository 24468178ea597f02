import { DataSource } from 'typeorm';
import type { Actor } from '../../src/common/actor';
import { nowIso } from '../../src/common/clock';
import { Money } from '../../src/common/money';
import type { DatabaseConfig } from '../../src/config/app-config';
import { openDatabase, openReader } from '../../src/database/data-source';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { Fund, FundLevel } from '../../src/funds/fund.entity';
import { FundsService } from '../../src/funds/funds.service';
import { BalancesService } from '../../src/ledger/balances.service';
import type { EntrySource } from '../../src/ledger/entities';
import { JournalQueryService } from '../../src/ledger/journal-query.service';
import { PostingService } from '../../src/ledger/posting.service';
import { StatementService } from '../../src/reports/statement.service';
import { TransfersService } from '../../src/transfers/transfers.service';

/** An admin who sees every fund: the actor of service calls in tests. */
export const ADMIN_ACTOR: Actor = { userId: 1, username: 'admin', role: 'admin', fundScope: null };

/** A journal line as `[account, debit, credit]` in đồng; one of the two amounts is 0. */
export type LineSpec = [account: string, debit: number, credit: number];

/**
 * Books for a service test, without Nest or HTTP: a fresh database (SQLite in memory unless told), funds and
 * entries written through the one posting path, and the services the report tests read them with.
 * Used by src/reports/statement.service.spec.ts and src/reports/claims-reconciliation.service.spec.ts.
 */
export class LedgerBooks {
  readonly posting = new PostingService();
  readonly transfers: TransfersService;
  readonly statements: StatementService;

  private constructor(
    readonly dataSource: DataSource,
    readonly uow: UnitOfWork,
    /** The data source reports read on: `dataSource` unless opened with `reader`. */
    readonly reader: DataSource,
  ) {
    this.transfers = new TransfersService(uow, this.posting);
    this.statements = new StatementService(
      uow,
      new FundsService(uow, new BalancesService()),
      new JournalQueryService(),
    );
  }

  /**
   * `reader`: reads on a reader of their own, as the app reads (`openReader`, DatabaseModule: for a SQLite file the
   * query_only second connection; the writer itself otherwise); without it, reads go through the writer.
   */
  static async open(
    database: DatabaseConfig = { type: 'sqlite', path: ':memory:' },
    options: { reader?: boolean } = {},
  ): Promise<LedgerBooks> {
    const dataSource = await openDatabase(database);
    const reader = options.reader ? await openReader(dataSource) : dataSource;
    return new LedgerBooks(dataSource, new UnitOfWork(dataSource, reader), reader);
  }

  async close(): Promise<void> {
    if (this.reader !== this.dataSource) await this.reader.destroy();
    await this.dataSource.destroy();
  }

  /** An active fund named `Quỹ <code>` with its chart of accounts; returns its id. */
  newFund(code: string, level: FundLevel, parentId: number | null = null): Promise<number> {
    return this.uow.write(async (tx) => {
      const fund = await tx.save(
        tx.create(Fund, {
          code,
          name: `Quỹ ${code}`,
          unitName: null,
          level,
          parentId,
          validFrom: null,
          validTo: null,
          status: 'active',
          createdAt: nowIso(),
        }),
      );
      await new BalancesService().open(tx, fund.id, code);
      return fund.id;
    });
  }

  /** Posts an entry described as `<source> <date>`, by `tester`. */
  post(fundCode: string, date: string, lines: LineSpec[], source: EntrySource = 'manual') {
    return this.uow.write((tx) =>
      this.posting.post(tx, {
        fundCode,
        date,
        description: `${source} ${date}`,
        source,
        postedBy: 'tester',
        lines: lines.map(([account, debit, credit]) =>
          debit ? { account, debit: Money.parse(debit) } : { account, credit: Money.parse(credit) },
        ),
      }),
    );
  }

  reverse(entryId: number, date: string, reason = 'nhầm') {
    return this.uow.write((tx) => this.posting.reverse(tx, entryId, { date, reason, postedBy: 'tester' }));
  }

  /** A bank transfer between two funds, by the admin. */
  transfer(fromFund: string, toFund: string, amount: number, date: string) {
    return this.transfers.create(ADMIN_ACTOR, { fromFund, toFund, amount, date, method: 'bank' });
  }
}
