import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as fs from 'node:fs';
import { User } from '../auth/user.entity';
import { AuthService } from '../auth/auth.service';
import { BeneficiariesService } from '../beneficiaries/beneficiaries.service';
import { MergerService } from '../closing/merger.service';
import { YearEndService } from '../closing/year-end.service';
import { Actor, Role } from '../common/actor';
import { Money } from '../common/money';
import { requestContext } from '../common/request-context';
import { AppConfig, DatabaseConfig, loadConfig } from '../config/app-config';
import { BatchesService } from '../contributions/batches.service';
import { CampaignsService } from '../contributions/campaigns.service';
import { ContributionsService } from '../contributions/contributions.service';
import { DonorsService } from '../contributions/donors.service';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { CashierService } from '../cashier/cashier.service';
import { DisbursementsService } from '../disbursements/disbursements.service';
import { HouseProjectsService } from '../disbursements/house-projects.service';
import { FundBooksService } from '../funds/fund-books.service';
import { FundsService } from '../funds/funds.service';
import { PayeesService } from '../payees/payees.service';
import { JournalService } from '../ledger/journal.service';
import { ManualEntriesService } from '../manual-entries/manual-entries.service';
import { PostingService } from '../ledger/posting.service';
import { TransfersService } from '../transfers/transfers.service';
import { LateEntriesService } from '../late-entries/late-entries.service';
import { addDays } from './calendar';
import { buildSteps } from './build-order';
import { DemoModule } from './demo.module';
import { ADMIN, APPROVER } from './plan-context';
import { loadDefinition } from './definition';
import type { DemoPlan, Op } from './plan.types';
import { planDemo } from './planner';

export interface DemoBuildOptions {
  /** Where to build: a SQLite file (replaced) or an empty PostgreSQL database. */
  database: DatabaseConfig;
  /** The password of the demo's `admin`. */
  adminPassword: string;
  /** Called now and then with the operations carried out so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface DemoBuildResult {
  plan: DemoPlan;
  /** Everyone who can log in, admin first, with their passwords. */
  users: { username: string; password: string; role: Role; fundCode: string | null; label: string }[];
  elapsedMs: number;
}

const PROGRESS_EVERY = 250;
const MAX_MEMBERS_PER_CALL = 1000;

type OpOf<K extends Op['kind']> = Extract<Op, { kind: K }>;

/** Removes a SQLite database file and its WAL companions, so the demo starts from nothing. */
export function removeSqliteFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Builds the demonstration books: plans them (planDemo), opens a fresh database with every migration, and
 * carries out every step through the application's own services — the same ones the API calls — so every entry
 * goes through the one posting path, every payout through maker–checker, every receipt gets its PT number.
 */
export async function buildDemo(options: DemoBuildOptions): Promise<DemoBuildResult> {
  const started = Date.now();
  const plan = planDemo();
  if (options.database.type === 'sqlite') removeSqliteFiles(options.database.path);
  const config: AppConfig = {
    ...loadConfig({}),
    database: options.database,
    adminPassword: options.adminPassword,
    logLevel: 'silent',
  };
  const dataSource = await openDatabase(config.database);
  // A half-built demo is thrown away and built again, so the build need not survive a power cut: SQLite may
  // skip its fsyncs (the server opens the file again with the usual synchronous=NORMAL).
  if (config.database.type === 'sqlite') await dataSource.query('PRAGMA synchronous = OFF');
  const app = await NestFactory.createApplicationContext(DemoModule.forRoot(config, dataSource), {
    logger: ['error'],
  });
  try {
    // Creates `admin` with the given password (first start), as the server would.
    await app.init();
    const builder = new Builder(app, plan);
    await builder.registry();
    await builder.carryOut(options.onProgress);
  } finally {
    await app.close();
  }
  const users = [
    {
      username: ADMIN,
      password: options.adminPassword,
      role: 'admin' as Role,
      fundCode: null,
      label: 'quản trị',
    },
    ...plan.users,
  ];
  return { plan, users, elapsedMs: Date.now() - started };
}

/** Carries out a plan through the services, keeping the ids the database gives to what the plan names by key. */
class Builder {
  private readonly actors = new Map<string, Actor>();
  /** The cashier who pays a fund's payouts, where the fund has one (else its accountant, with the roles combined). */
  private readonly cashierOf = new Map<string, string>();
  private readonly donorIds = new Map<string, number>();
  private readonly beneficiaryIds = new Map<string, number>();
  private readonly payeeIds = new Map<string, number>();
  private readonly projectIds = new Map<string, number>();
  private readonly payoutIds = new Map<string, number>();
  private readonly contributionIds = new Map<string, number>();
  private requests = 0;

  private readonly uow: UnitOfWork;
  private readonly posting: PostingService;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly plan: DemoPlan,
  ) {
    this.uow = app.get(UnitOfWork);
    this.posting = app.get(PostingService, { strict: false });
  }

  private service<T>(type: new (...args: never[]) => T): T {
    return this.app.get(type, { strict: false });
  }

  /** Runs one step as `username` would through the API: the audit log names the user and the action. */
  private as<T>(username: string, action: string, fn: (actor: Actor) => Promise<T>): Promise<T> {
    const actor = this.actors.get(username);
    if (!actor) throw new Error(`the demo plan names an unknown user ${username}`);
    this.requests += 1;
    return requestContext.run({ requestId: `demo-${this.requests}`, actor, action: `demo: ${action}` }, () =>
      fn(actor),
    );
  }

  /** Funds, users, donors, campaigns and households: what exists before the first entry. */
  async registry(): Promise<void> {
    const admin = await this.uow.manager.findOneOrFail(User, { where: { username: ADMIN } });
    this.actors.set(ADMIN, { userId: admin.id, username: ADMIN, role: 'admin', fundScope: null });

    const funds = this.service(FundsService);
    for (const fund of this.plan.funds) {
      await this.as(ADMIN, 'POST /api/funds', (actor) =>
        funds.create(actor, {
          code: fund.code,
          name: fund.name,
          unitName: fund.unitName,
          level: fund.level,
          ...(fund.parentCode ? { parentCode: fund.parentCode } : {}),
        }),
      );
    }
    // The managing agency changes (2025): documents dated from then print the new name (issue 10 item 11).
    for (const fund of this.plan.funds) {
      for (const u of fund.unitNames ?? []) {
        await this.as(ADMIN, `POST /api/funds/${fund.code}/unit-names`, (actor) =>
          funds.addUnitName(actor, fund.code, u),
        );
      }
    }
    const auth = this.service(AuthService);
    for (const user of this.plan.users) {
      const created = await this.as(ADMIN, 'POST /api/users', (actor) =>
        auth.createUser(actor, {
          username: user.username,
          password: user.password,
          role: user.role,
          ...(user.fundCode ? { fundCode: user.fundCode } : {}),
        }),
      );
      const scope =
        user.fundCode === null
          ? null
          : new Set((await funds.withDescendants(this.uow.manager, user.fundCode)).map((f) => f.code));
      this.actors.set(user.username, {
        userId: created.id,
        username: user.username,
        role: user.role,
        fundScope: scope,
      });
    }

    // The province has a cashier (thủ quỹ); in the smaller funds the admin lets the one accountant hold both
    // roles, which the audit log records (issue 10, item 14).
    for (const user of this.plan.users)
      if (user.role === 'cashier' && user.fundCode !== null) this.cashierOf.set(user.fundCode, user.username);
    const cashier = this.service(CashierService);
    for (const fund of this.plan.funds) {
      if (this.cashierOf.has(fund.code)) continue;
      await this.as(ADMIN, `POST /api/funds/${fund.code}/role-combination`, (actor) =>
        cashier.setCombination(actor, fund.code, true, 'Đơn vị nhỏ: kế toán kiêm thủ quỹ'),
      );
    }

    const donors = this.service(DonorsService);
    await this.as(ADMIN, 'POST /api/donors', () =>
      this.uow.write(async (tx) => {
        for (const d of this.plan.donors) {
          const donor = await donors.insert(tx, {
            name: d.name,
            kind: d.kind,
            ...(d.address ? { address: d.address } : {}),
            ...(d.taxCode ? { taxCode: d.taxCode } : {}),
            inProvince: d.inProvince,
          });
          this.donorIds.set(d.key, donor.id);
        }
        return { donors: this.plan.donors.length };
      }),
    );
    const campaigns = this.service(CampaignsService);
    for (const c of this.plan.campaigns) {
      await this.as('ketoan.laocai', 'POST /api/campaigns', () => campaigns.create(c));
    }
    const beneficiaries = this.service(BeneficiariesService);
    for (const b of this.plan.beneficiaries) {
      const created = await this.as(b.registeredBy, 'POST /api/beneficiaries', (actor) =>
        beneficiaries.create(actor, {
          fullName: b.fullName,
          category: b.category,
          commune: b.commune,
          ...(b.nationalId ? { nationalId: b.nationalId } : {}),
          ...(b.birthYear ? { birthYear: b.birthYear } : {}),
          ...(b.address ? { address: b.address } : {}),
          ...(b.recordNo ? { recordNo: b.recordNo } : {}),
          ...(b.housingCondition ? { housingCondition: b.housingCondition } : {}),
        }),
      );
      this.beneficiaryIds.set(b.key, created.id);
    }
    const payees = this.service(PayeesService);
    for (const p of this.plan.payees) {
      const created = await this.as(p.registeredBy, 'POST /api/payees', (actor) =>
        payees.create(actor, {
          name: p.name,
          taxCode: p.taxCode,
          address: p.address,
          bankAccount: p.bankAccount,
          bankName: p.bankName,
        }),
      );
      this.payeeIds.set(p.key, created.id);
    }
  }

  /**
   * Every operation in the plan's (date) order (build-order.ts), so receipts, vouchers and entry numbers run in
   * date order; consecutive contributions by one accountant share a transaction, and each year is closed at the
   * start of the next. One receipt of the last year is recorded late, as a confirmed late entry (ghi bổ sung).
   */
  async carryOut(onProgress?: (done: number, total: number) => void): Promise<void> {
    const total = this.plan.ops.length;
    let done = 0;
    let reported = 0;
    for (const step of buildSteps(this.plan.ops, lastClosedYear(), true)) {
      if (step.kind === 'contributions') {
        await this.contributions(step.ops);
        done += step.ops.length;
      } else if (step.kind === 'op') {
        await this.carryOutOne(step.op);
        done += 1;
      } else if (step.kind === 'close') {
        await this.closeYear(step.year);
      } else {
        await this.lateEntry(step.year);
      }
      if (onProgress && done - reported >= PROGRESS_EVERY) {
        reported = done;
        onProgress(done, total);
      }
    }
    onProgress?.(total, total);
  }

  /**
   * `year` closed in every active fund, each in one `close-year` request, as an approver does at the start of the
   * next year. Funds merged away (closed) handed their balances over instead.
   */
  private async closeYear(year: number): Promise<void> {
    const years = this.service(YearEndService);
    for (const fund of this.plan.funds) {
      const status = await this.service(FundsService).byCode(this.uow.manager, fund.code);
      if (status.status !== 'active') continue;
      await this.as(APPROVER, `POST /api/funds/${fund.code}/close-year`, (actor) =>
        years.closeThrough(actor, fund.code, year),
      );
    }
  }

  /**
   * A cash gift to the province fund recorded three weeks after a later one, as happens when a commune hands in a
   * receipt late: the accountant asks for a late entry, the approver confirms it, the accountant records it, and
   * it takes the next PT number, marked "Ghi bổ sung" on the receipt and in the books.
   */
  private async lateEntry(year: number): Promise<void> {
    const province = this.plan.funds.find((f) => f.level === 'province');
    const last = [...this.plan.ops]
      .reverse()
      .find(
        (op): op is OpOf<'contribution'> =>
          op.kind === 'contribution' &&
          op.fund === province?.code &&
          op.method === 'cash' &&
          op.date.startsWith(`${year}-`) &&
          op.date >= `${year}-02-01`,
      );
    if (!last) return;
    const date = addDays(last.date, -21);
    const amount = '5000000';
    const reason = 'Phiếu thu do xã nộp muộn, chứng từ gốc nhận sau ngày ghi sổ các phiếu sau';
    const late = await this.as(last.by, 'POST /api/late-entries', (actor) =>
      this.service(LateEntriesService).request(actor, {
        fundCode: last.fund,
        kind: 'receipt',
        method: 'cash',
        date,
        amount,
        reason,
      }),
    );
    await this.as(APPROVER, `POST /api/late-entries/${late.id}/confirm`, (actor) =>
      this.service(LateEntriesService).confirm(actor, late.id, 'Đã đối chiếu chứng từ gốc'),
    );
    const saved = await this.as(last.by, 'POST /api/contributions', (actor) =>
      this.service(ContributionsService).create(actor, {
        fundCode: last.fund,
        donorId: this.id(this.donorIds, last.donor, 'donor'),
        date,
        amount,
        method: 'cash',
        lateEntryId: late.id,
      }),
    );
    this.contributionIds.set('late-entry', saved.id);
  }

  private amount(value: bigint): string {
    return Money.parse(value.toString()).toString();
  }

  private id(map: Map<string, number>, key: string | null, what: string): number {
    const id = key === null ? undefined : map.get(key);
    if (id === undefined) throw new Error(`the demo plan names an unknown ${what} ${key}`);
    return id;
  }

  private contributions(ops: OpOf<'contribution'>[]): Promise<unknown> {
    const contributions = this.service(ContributionsService);
    return this.as(ops[0].by, 'POST /api/contributions', () =>
      this.uow.write(async (tx) => {
        for (const op of ops) {
          const saved = await contributions.record(tx, {
            fundCode: op.fund,
            donorId: this.id(this.donorIds, op.donor, 'donor'),
            date: op.date,
            amount: Money.parse(op.amount.toString()),
            method: op.method,
            purpose: op.purpose,
            campaignCode: op.campaign,
            createdBy: op.by,
          });
          if (op.key !== null) this.contributionIds.set(op.key, saved.id);
        }
        return { contributions: ops.length, month: ops[0].date.slice(0, 7) };
      }),
    );
  }

  private async carryOutOne(op: Op): Promise<void> {
    switch (op.kind) {
      case 'opening':
        return this.opening(op);
      case 'batch':
        return this.batch(op);
      case 'project': {
        const project = await this.as(op.by, 'POST /api/house-projects', (actor) =>
          this.service(HouseProjectsService).create(actor, {
            fundCode: op.fund,
            beneficiaryId: this.id(this.beneficiaryIds, op.beneficiary, 'household'),
            kind: op.houseKind,
            description: op.description,
            budget: this.amount(op.budget),
            startedOn: op.date,
            centralBudget: this.amount(op.centralBudget),
            localBudget: this.amount(op.localBudget),
            socialSources: this.amount(op.socialSources),
          }),
        );
        this.projectIds.set(op.key, project.id);
        return;
      }
      case 'payout':
        return this.payout(op);
      case 'complete': {
        const id = this.id(this.projectIds, op.project, 'house project');
        await this.as(op.by, `POST /api/house-projects/${id}/complete`, (actor) =>
          this.service(HouseProjectsService).complete(actor, id, { date: op.date }),
        );
        return;
      }
      case 'transfer':
        await this.as(op.by, 'POST /api/transfers', (actor) =>
          this.service(TransfersService).create(actor, {
            fromFund: op.from,
            toFund: op.to,
            amount: this.amount(op.amount),
            date: op.date,
            method: op.method,
            description: op.description,
          }),
        );
        return;
      case 'journal': {
        const posted = await this.as(op.by, 'POST /api/journal-entries', (actor) =>
          this.service(JournalService).post(actor, {
            fundCode: op.fund,
            date: op.date,
            description: op.description,
            lines: op.lines.map((l) => ({
              account: l.account,
              ...(l.debit ? { debit: this.amount(l.debit) } : {}),
              ...(l.credit ? { credit: this.amount(l.credit) } : {}),
            })),
          }),
        );
        // Money out of cash or bank (a withdrawal, management costs) waits for the approver, as a payout does.
        if ('requestId' in posted) {
          const requestId = posted.requestId;
          await this.as(APPROVER, `POST /api/manual-entry-requests/${requestId}/approve`, (actor) =>
            this.service(ManualEntriesService).approve(actor, requestId, null),
          );
        }
        return;
      }
      case 'reverse-payout': {
        const id = this.id(this.payoutIds, op.payout, 'payout');
        await this.as(op.by, `POST /api/disbursements/${id}/reverse`, (actor) =>
          this.service(DisbursementsService).reverse(actor, id, op.reason, op.date),
        );
        return;
      }
      case 'void': {
        const id = this.id(this.contributionIds, op.contribution, 'contribution');
        await this.as(op.by, `POST /api/contributions/${id}/void`, (actor) =>
          this.service(ContributionsService).void(actor, id, { reason: op.reason, date: op.date }),
        );
        return;
      }
      case 'lock':
        for (const code of op.funds) {
          await this.as(op.by, `POST /api/funds/${code}/lock`, (actor) =>
            this.service(FundBooksService).lock(actor, code, op.through),
          );
        }
        return;
      case 'merge':
        for (const code of op.funds) {
          await this.as(op.by, `POST /api/funds/${code}/merge`, (actor) =>
            this.service(MergerService).merge(actor, code, {
              into: op.into,
              cutoff: op.cutoff,
              note: op.note,
              reparentChildren: true,
            }),
          );
        }
        return;
      case 'contribution':
        throw new Error('contributions are carried out a month at a time');
    }
  }

  /** The balances brought forward from the books kept before 2013: debit cash and bank, credit 431. */
  private async opening(op: OpOf<'opening'>): Promise<void> {
    await this.as(op.by, 'opening balances', () =>
      this.uow.write(async (tx) => {
        for (const b of op.balances) {
          const lines = [
            ...(b.cash > 0n ? [{ account: '111', debit: Money.parse(b.cash.toString()) }] : []),
            ...(b.bank > 0n ? [{ account: '112', debit: Money.parse(b.bank.toString()) }] : []),
            { account: '431', credit: Money.parse((b.cash + b.bank).toString()) },
          ];
          await this.posting.post(tx, {
            fundCode: b.fund,
            date: op.date,
            description: op.description,
            source: 'opening',
            postedBy: op.by,
            lines,
          });
        }
        return { funds: op.balances.length };
      }),
    );
  }

  /** A staff list: opened with its controls, filled name by name, closed into one receipt. */
  private async batch(op: OpOf<'batch'>): Promise<void> {
    const batches = this.service(BatchesService);
    const total = op.members.reduce((s, m) => s + m.amount, 0n);
    const batch = await this.as(op.by, 'POST /api/contribution-batches', (actor) =>
      batches.create(actor, {
        fundCode: op.fund,
        donorId: this.id(this.donorIds, op.donor, 'donor'),
        date: op.date,
        method: op.method,
        description: op.description,
        expectedCount: op.members.length,
        expectedTotal: this.amount(total),
        ...(op.campaign ? { campaign: op.campaign } : {}),
      }),
    );
    for (let i = 0; i < op.members.length; i += MAX_MEMBERS_PER_CALL) {
      const members = op.members.slice(i, i + MAX_MEMBERS_PER_CALL).map((m) => ({
        name: m.name,
        amount: this.amount(m.amount),
        note: m.note,
      }));
      await this.as(op.by, `POST /api/contribution-batches/${batch.id}/members`, (actor) =>
        batches.addMembers(actor, batch.id, { members }),
      );
    }
    await this.as(op.by, `POST /api/contribution-batches/${batch.id}/close`, (actor) =>
      batches.close(actor, batch.id),
    );
  }

  /** Prepared by the fund's accountant, approved (or refused) by the approver, paid by the accountant. */
  private async payout(op: OpOf<'payout'>): Promise<void> {
    const disbursements = this.service(DisbursementsService);
    const created = await this.as(op.by, 'POST /api/disbursements', (actor) =>
      disbursements.create(actor, {
        fundCode: op.fund,
        ...(op.payee
          ? { payeeId: this.id(this.payeeIds, op.payee, 'payee') }
          : { beneficiaryId: this.id(this.beneficiaryIds, op.beneficiary, 'household') }),
        purpose: op.purpose,
        amount: this.amount(op.amount),
        date: op.requestDate,
        method: op.method,
        decisionNo: op.decisionNo,
        description: op.description,
        stage: op.stage,
        ...(op.project ? { projectId: this.id(this.projectIds, op.project, 'house project') } : {}),
      }),
    );
    this.payoutIds.set(op.key, created.id);
    if (op.rejectReason !== null) {
      const reason = op.rejectReason;
      await this.as(op.approver, `POST /api/disbursements/${created.id}/reject`, (actor) =>
        disbursements.reject(actor, created.id, reason),
      );
      return;
    }
    await this.as(op.approver, `POST /api/disbursements/${created.id}/approve`, (actor) =>
      disbursements.approve(actor, created.id, {}),
    );
    await this.as(
      this.cashierOf.get(op.fund) ?? op.by,
      `POST /api/disbursements/${created.id}/pay`,
      (actor) => disbursements.pay(actor, created.id, op.date),
    );
  }
}

/** The last full year of the demo: every year up to it is closed. */
function lastClosedYear(): number {
  const lastDay = loadDefinition().main.lastDay;
  return Number(lastDay.slice(0, 4)) - (lastDay.endsWith('-12-31') ? 0 : 1);
}
