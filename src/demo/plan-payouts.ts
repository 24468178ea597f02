import { addDays, daysBetween, maxDate, minDate, workday } from './calendar';
import type { AmountRange, Level } from './definition';
import { APPROVER, PHASE, PlanContext, PROVINCE_BY } from './plan-context';
import { duplicateOf, household } from './plan-registry';
import type { Method, Op, Purpose } from './plan.types';
import type { Random } from './random';
import { PlanError } from './simulation';

const MILLION = 1_000_000n;
/** How far calibration may move a house's amount outside its year's choices. */
const CALIBRATION_SLACK = 5_000_000n;

interface House {
  year: number;
  kind: 'new' | 'repair';
  fund: string;
  household: string;
  amount: bigint;
  tranche: boolean;
  min: bigint;
  max: bigint;
}

interface GiftPools {
  byCommune: Map<string, string[]>;
  honoured: string[];
  memorials: Map<string, string>;
}

type PayoutOp = Extract<Op, { kind: 'payout' }>;

/** Houses (new and repaired, some in tranches), gifts at Tết and on 27/7, other support, and a few refusals. */
export function planPayouts(ctx: PlanContext): void {
  const rng = ctx.rng('payouts');
  const pools = planGiftPools(ctx, rng);
  const houses = planHouses(ctx, rng);
  calibrateHouses(ctx, rng, houses);
  for (const house of houses) scheduleHouse(ctx, rng, house);
  planRejections(ctx, rng, houses);
  planGifts(ctx, rng, pools);
  planSupport(ctx, rng, pools, houses);
}

function amountIn(rng: Random, range: AmountRange): bigint {
  return rng.amount(BigInt(range.min), BigInt(range.max), BigInt(range.step));
}

function planGiftPools(ctx: PlanContext, rng: Random): GiftPools {
  const { gifts, support } = ctx.def.main;
  const byCommune = new Map<string, string[]>();
  for (const commune of ctx.funds.filter((f) => f.level === 'commune')) {
    const by = ctx.accountant(commune.code, ctx.def.main.firstDay);
    byCommune.set(
      commune.code,
      Array.from({ length: gifts.poolPerCommune }, () =>
        household(ctx, commune.code, rng.weighted(gifts.poolCategories), by),
      ),
    );
  }
  const communes = [...byCommune.keys()];
  const honoured = Array.from({ length: gifts.provinceHonoured }, () =>
    household(ctx, rng.pick(communes), rng.weighted(gifts.honouredCategories), PROVINCE_BY),
  );
  // The same household on a second programme's list: the registry flags the pair as a possible duplicate.
  for (let i = 0; i < gifts.duplicatePairs; i++) {
    const commune = rng.pick(communes);
    const pool = byCommune.get(commune) as string[];
    const original = rng.pick(pool);
    const hasId = ctx.beneficiaries.find((b) => b.key === original)?.nationalId != null;
    pool.push(duplicateOf(ctx, original, PROVINCE_BY, hasId && i % 2 === 0));
  }
  // A cemetery or memorial is an organisation paid through its account at the Treasury: a payee of its own,
  // never a household (issue 10 item 4).
  const memorials = new Map<string, string>();
  support.memorials.forEach((m, i) => {
    const key = `O${ctx.payees.length + 1}`;
    ctx.payees.push({
      key,
      name: m.name,
      taxCode: `53009${String(10001 + i * 37).padStart(5, '0')}`,
      address: `${ctx.communeName(m.commune)}, ${ctx.fund(ctx.fund(m.commune).districtCode ?? ctx.province.code).place}`,
      bankAccount: `3761.0.${1057000 + i * 113}`,
      bankName: 'Kho bạc Nhà nước tỉnh Lào Cai',
      registeredBy: ctx.accountant(m.fund, ctx.def.main.firstDay),
    });
    memorials.set(m.name, key);
  });
  return { byCommune, honoured, memorials };
}

function planHouses(ctx: PlanContext, rng: Random): House[] {
  const { housing } = ctx.def.main;
  const districtWeights = Object.fromEntries(ctx.def.funds.districts.map((d) => [d.code, d.housingWeight]));
  const houses: House[] = [];
  for (const y of ctx.def.main.years) {
    const band = housing.amounts.find((a) => a.from <= y.year && y.year <= a.to);
    if (!band) throw new PlanError(`housing.amounts has no band for ${y.year}`);
    const newCount = Math.floor((y.houses * housing.newShare + 50) / 100);
    const kinds = rng.shuffle(
      Array.from({ length: y.houses }, (_, i): House['kind'] => (i < newCount ? 'new' : 'repair')),
    );
    for (const kind of kinds) {
      let level: Level = rng.weighted(housing.payers);
      if (kind === 'new' && level === 'commune') level = 'district';
      const district = rng.weighted(districtWeights);
      const commune = rng.pick(ctx.communesOf(district));
      const fund = level === 'province' ? ctx.province.code : level === 'district' ? district : commune.code;
      const choices = band[kind].map((a) => BigInt(a));
      const condition =
        kind === 'new' ? 'Nhà tạm, dột nát, không bảo đảm an toàn' : 'Nhà xuống cấp: dột mái, nứt tường';
      houses.push({
        year: y.year,
        kind,
        fund,
        household: household(
          ctx,
          commune.code,
          rng.weighted(housing.categories),
          ctx.accountant(fund, `${y.year}-01-02`),
          condition,
        ),
        amount: rng.pick(choices),
        tranche: kind === 'new' && rng.chance(housing.trancheShare),
        min: choices.reduce((a, b) => (a < b ? a : b)),
        max: choices.reduce((a, b) => (a > b ? a : b)),
      });
    }
  }
  return houses;
}

/** Moves the claimed period's house amounts step by step until they add up to exactly claims.housingTotal. */
function calibrateHouses(ctx: PlanContext, rng: Random, houses: House[]): void {
  const { claims, housing } = ctx.def.main;
  const claimed = houses.filter((h) => `${h.year}-12-31` <= claims.to);
  const step = BigInt(housing.calibrationStep);
  let diff = BigInt(claims.housingTotal) - claimed.reduce((s, h) => s + h.amount, 0n);
  if (diff % step !== 0n)
    throw new PlanError('claims.housingTotal must be a multiple of housing.calibrationStep');
  const order = rng.shuffle(claimed);
  while (diff !== 0n) {
    let moved = false;
    for (const house of order) {
      if (diff === 0n) break;
      const delta = diff > 0n ? step : -step;
      const next = house.amount + delta;
      if (next >= house.min - CALIBRATION_SLACK && next <= house.max + CALIBRATION_SLACK && next > 0n) {
        house.amount = next;
        diff -= delta;
        moved = true;
      }
    }
    if (!moved) {
      throw new PlanError(
        `the houses of the claimed period cannot add up to ${claims.housingTotal}: ${diff} đồng off; adjust housing.amounts`,
      );
    }
  }
}

type PayoutInput = Omit<
  PayoutOp,
  'kind' | 'key' | 'requestDate' | 'decisionNo' | 'by' | 'approver' | 'rejectReason'
> & {
  /** The request is dated a few working days before the payment, but not before this day. */
  earliest: string;
};

/** A payout the fund's accountant asks for a few days before it is paid, approved by the province's approver. */
function payout(ctx: PlanContext, rng: Random, { earliest, ...p }: PayoutInput): PayoutOp {
  const requestDate = minDate(maxDate(earliest, workday(addDays(p.date, -rng.int(3, 10)))), p.date);
  const op: PayoutOp = {
    kind: 'payout',
    ...p,
    key: `P${ctx.events.length + 1}`,
    requestDate,
    decisionNo: ctx.decisionNo(p.fund, requestDate),
    approver: APPROVER,
    rejectReason: null,
    by: ctx.accountant(p.fund, p.date),
  };
  ctx.add(op.date, PHASE.outflow, op);
  return op;
}

function scheduleHouse(ctx: PlanContext, rng: Random, house: House): void {
  const { housing, merger } = ctx.def.main;
  const y = house.year;
  const lastDay = ctx.lastActiveDay(house.fund, y);
  const beforeMerger = merger.cutoff.startsWith(String(y)) && ctx.levelOf(house.fund) !== 'province';
  const firstDay = beforeMerger ? `${y}-01-10` : `${y}-03-01`;
  const span = daysBetween(firstDay, lastDay);
  const name = ctx.beneficiaries.find((b) => b.key === house.household)?.fullName ?? '';
  const purpose: Purpose = house.kind === 'new' ? 'house_new' : 'house_repair';
  const within = (date: string) => workday(minDate(date, lastDay), firstDay, lastDay);

  if (house.kind === 'repair') {
    const date = within(addDays(firstDay, rng.int(15, span - 5)));
    payout(ctx, rng, {
      date,
      earliest: `${y}-01-02`,
      fund: house.fund,
      beneficiary: house.household,
      purpose,
      amount: house.amount,
      method: 'bank',
      description: `Hỗ trợ sửa chữa nhà ở cho hộ ${name}`,
      stage: 'full',
      project: null,
    });
    return;
  }

  const startedOn = within(addDays(firstDay, rng.int(0, span - (house.tranche ? 130 : 75))));
  const project = `H${ctx.events.length + 1}`;
  const sources = housing.otherSources;
  const [centralFrom, centralTo] = sources.centralBudgetYears;
  ctx.add(startedOn, PHASE.outflow, {
    kind: 'project',
    date: startedOn,
    key: project,
    fund: house.fund,
    beneficiary: house.household,
    houseKind: 'new',
    description: `Xây nhà tình nghĩa cho hộ ${name}`,
    budget: house.amount,
    centralBudget: y >= centralFrom && y <= centralTo ? BigInt(sources.centralBudgetNew) : 0n,
    localBudget: BigInt(rng.int(0, Number(BigInt(sources.localBudgetMax) / MILLION))) * MILLION,
    socialSources: BigInt(rng.int(0, Number(BigInt(sources.socialSourcesMax) / MILLION))) * MILLION,
    by: ctx.accountant(house.fund, startedOn),
  });
  const common = {
    earliest: startedOn,
    fund: house.fund,
    beneficiary: house.household,
    purpose,
    method: 'bank' as Method,
    project,
  };
  let completedOn: string;
  if (house.tranche) {
    const first = ((house.amount * 60n) / 100n / MILLION) * MILLION;
    const advance1 = within(addDays(startedOn, rng.int(7, 20)));
    const advance2 = within(addDays(startedOn, rng.int(45, 75)));
    completedOn = within(addDays(startedOn, rng.int(100, 128)));
    payout(ctx, rng, {
      ...common,
      date: advance1,
      amount: first,
      stage: 'advance',
      description: `Tạm ứng đợt 1 xây nhà tình nghĩa cho hộ ${name}`,
    });
    payout(ctx, rng, {
      ...common,
      date: advance2,
      earliest: advance1,
      amount: house.amount - first,
      stage: 'advance',
      description: `Tạm ứng đợt 2 xây nhà tình nghĩa cho hộ ${name}`,
    });
    payout(ctx, rng, {
      ...common,
      date: completedOn,
      earliest: advance2,
      amount: house.amount,
      stage: 'settlement',
      description: `Quyết toán xây nhà tình nghĩa cho hộ ${name} (nghiệm thu, bàn giao)`,
    });
  } else {
    const paid = within(addDays(startedOn, rng.int(20, 60)));
    payout(ctx, rng, {
      ...common,
      date: paid,
      amount: house.amount,
      stage: 'full',
      description: `Hỗ trợ xây nhà tình nghĩa cho hộ ${name}`,
    });
    completedOn = within(addDays(paid, rng.int(3, 10)));
  }
  ctx.add(completedOn, PHASE.outflow, {
    kind: 'complete',
    date: completedOn,
    project,
    by: ctx.accountant(house.fund, completedOn),
  });
}

/** A second new-house request for a household already housed, under a duplicate record: the approver refuses. */
function planRejections(ctx: PlanContext, rng: Random, houses: House[]): void {
  const { housing, years } = ctx.def.main;
  for (const y of years.slice(1)) {
    const candidates = houses.filter((h) => h.year < y.year && ctx.levelOf(h.fund) === 'district');
    for (let i = 0; i < housing.rejectedPerYear && candidates.length; i++) {
      const house = rng.pick(candidates);
      const lastDay = ctx.lastActiveDay(house.fund, y.year);
      const date = workday(addDays(`${y.year}-03-01`, rng.int(0, daysBetween(`${y.year}-03-01`, lastDay))));
      const by = ctx.accountant(house.fund, date);
      const original = ctx.beneficiaries.find((b) => b.key === house.household);
      const sameId = original?.nationalId != null;
      const copy = duplicateOf(ctx, house.household, by, sameId);
      const band = housing.amounts.find((a) => a.from <= y.year && y.year <= a.to);
      ctx.add(date, PHASE.outflow, {
        kind: 'payout',
        date,
        requestDate: date,
        key: `P${ctx.events.length + 1}`,
        fund: house.fund,
        beneficiary: copy,
        purpose: 'house_new',
        amount: BigInt(rng.pick(band?.new ?? ['40000000'])),
        method: 'bank',
        decisionNo: ctx.decisionNo(house.fund, date),
        description: `Đề nghị hỗ trợ xây nhà tình nghĩa cho hộ ${original?.fullName ?? ''}`,
        stage: 'full',
        project: null,
        approver: APPROVER,
        rejectReason: `Hộ đã được hỗ trợ ${house.kind === 'new' ? 'xây' : 'sửa chữa'} nhà năm ${house.year}; hồ sơ trùng (${
          sameId ? 'cùng số CCCD/CMND' : 'cùng họ tên, năm sinh và xã'
        })`,
        by,
      });
    }
  }
}

function planGifts(ctx: PlanContext, rng: Random, pools: GiftPools): void {
  const { gifts } = ctx.def.main;
  const allPool = [...pools.byCommune.values()].flat();
  const paidTwice = new Set<number>();
  for (const y of ctx.def.main.years) {
    const occasions = [
      {
        from: maxDate(`${y.year}-01-02`, addDays(y.tet, -20)),
        to: addDays(y.tet, -5),
        text: `Tặng quà người có công nhân dịp Tết Nguyên đán ${y.year}`,
        july: false,
      },
      {
        from: `${y.year}-07-10`,
        to: `${y.year}-07-25`,
        text: `Tặng quà nhân dịp kỷ niệm ${y.year - 1947} năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/${y.year})`,
        july: true,
      },
    ];
    for (const occasion of occasions) {
      for (const fund of ctx.funds) {
        if (!ctx.isOpen(fund.code, occasion.to)) continue;
        const pool =
          fund.level === 'commune'
            ? (pools.byCommune.get(fund.code) as string[])
            : fund.level === 'district'
              ? ctx.communesOf(fund.code).flatMap((c) => pools.byCommune.get(c.code) as string[])
              : // The province visits its honoured households (heroic mothers, veteran revolutionaries) first.
                [...pools.honoured, ...pools.honoured, ...allPool.slice(0, pools.honoured.length)];
        const recipients = new Set<string>();
        const wanted = Math.min(
          gifts.perOccasion[occasion.july ? 'july' : 'tet'][fund.level],
          new Set(pool).size,
        );
        while (recipients.size < wanted) recipients.add(rng.pick(pool));
        for (const beneficiary of recipients) {
          const date = workday(
            addDays(occasion.from, rng.int(0, daysBetween(occasion.from, occasion.to))),
            occasion.from,
            occasion.to,
          );
          const gift = payout(ctx, rng, {
            date,
            earliest: `${y.year}-01-02`,
            fund: fund.code,
            beneficiary,
            purpose: 'visit_gift',
            amount: amountIn(rng, gifts.amounts[fund.level]),
            method: 'cash',
            description: occasion.text,
            stage: 'full',
            project: null,
          });
          const reversal = gifts.reversals.find((r) => r.year === y.year);
          if (reversal && occasion.july && fund.level === 'district' && !paidTwice.has(y.year)) {
            planPaidTwice(ctx, rng, gift, reversal.reason);
            paidTwice.add(y.year);
          }
        }
      }
    }
  }
}

/** The same gift paid a second time by mistake, then reversed. */
function planPaidTwice(ctx: PlanContext, rng: Random, gift: PayoutOp, reason: string): void {
  const again = payout(ctx, rng, {
    date: workday(addDays(gift.date, 1)),
    earliest: gift.requestDate,
    fund: gift.fund,
    beneficiary: gift.beneficiary,
    purpose: gift.purpose,
    amount: gift.amount,
    method: gift.method,
    description: gift.description,
    stage: 'full',
    project: null,
  });
  const date = workday(addDays(again.date, 10));
  ctx.add(date, PHASE.outflow, {
    kind: 'reverse-payout',
    date,
    payout: again.key,
    reason,
    by: ctx.accountant(gift.fund, date),
  });
}

function planSupport(ctx: PlanContext, rng: Random, pools: GiftPools, houses: House[]): void {
  const { support } = ctx.def.main;
  for (const y of ctx.def.main.years) {
    for (const district of ctx.funds.filter((f) => f.level === 'district')) {
      const lastDay = ctx.lastActiveDay(district.code, y.year);
      const local = [
        ...ctx.communesOf(district.code).flatMap((c) => pools.byCommune.get(c.code) as string[]),
        ...houses.filter((h) => h.fund === district.code && h.year <= y.year).map((h) => h.household),
      ];
      for (let i = 0; i < support.hardshipPerDistrict; i++) {
        const date = workday(addDays(`${y.year}-03-01`, rng.int(0, daysBetween(`${y.year}-03-01`, lastDay))));
        payout(ctx, rng, {
          date,
          earliest: `${y.year}-01-02`,
          fund: district.code,
          beneficiary: rng.pick(local),
          purpose: 'hardship',
          amount: amountIn(rng, support.hardship),
          method: 'cash',
          description: 'Hỗ trợ người có công ốm đau, hoàn cảnh khó khăn đột xuất',
          stage: 'full',
          project: null,
        });
      }
    }
    for (let i = 0; i < support.savingsBooksPerYear; i++) {
      const date = workday(`${y.year}-07-${String(rng.int(12, 25)).padStart(2, '0')}`);
      payout(ctx, rng, {
        date,
        earliest: `${y.year}-01-02`,
        fund: ctx.province.code,
        beneficiary: rng.pick(pools.honoured),
        purpose: 'savings_book',
        amount: amountIn(rng, support.savingsBook),
        method: 'bank',
        description: 'Tặng sổ tiết kiệm tình nghĩa',
        stage: 'full',
        project: null,
      });
    }
    for (let i = 0; i < support.memorialsPerYear; i++) {
      const memorial =
        support.memorials[(y.year - ctx.def.main.years[0].year + i) % support.memorials.length];
      const date = workday(addDays(`${y.year}-08-05`, rng.int(0, 50)));
      const fund = ctx.isOpen(memorial.fund, date) ? memorial.fund : ctx.province.code;
      payout(ctx, rng, {
        date,
        earliest: `${y.year}-01-02`,
        fund,
        beneficiary: null,
        payee: pools.memorials.get(memorial.name),
        purpose: 'memorial',
        amount: amountIn(rng, support.memorial),
        method: 'bank',
        description: `Tu bổ, nâng cấp ${memorial.name}`,
        stage: 'full',
        project: null,
      });
    }
  }
}
