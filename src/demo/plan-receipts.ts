import { addDays, daysBetween, maxDate, minDate, workday } from './calendar';
import type { KindSpec, Level } from './definition';
import { PHASE, PlanContext, PROVINCE_BY, RunningState } from './plan-context';
import type { DonorPools } from './plan-registry';
import type { Method, Op, PlannedDonor } from './plan.types';
import type { Random } from './random';
import { PlanError } from './simulation';

type DonorKind = PlannedDonor['kind'];
const MILLION = 1_000_000n;
const BATCH_NOTES = [
  'Văn phòng',
  'Phòng Kế hoạch - Tài chính',
  'Phòng Người có công',
  'Phòng Bảo trợ xã hội',
  'Thanh tra',
];

/** Splits `total` by whole-number weights into multiples of `unit`; the last part takes what is left. */
export function split(total: bigint, weights: number[], unit: bigint): bigint[] {
  const sum = BigInt(weights.reduce((s, w) => s + w, 0));
  if (sum <= 0n) throw new Error('weights must add up to more than zero');
  const parts = weights.map((w) => ((total * BigInt(w)) / sum / unit) * unit);
  parts[parts.length - 1] = total - parts.slice(0, -1).reduce((s, p) => s + p, 0n);
  return parts;
}

/** The campaigns, the opening balances, every contribution, the staff batches, interest and running costs. */
export function planReceipts(ctx: PlanContext, pools: DonorPools): void {
  const { main } = ctx.def;
  const rng = ctx.rng('receipts');
  const claimed = main.years.filter((y) => y.receiptsWeight !== undefined);
  const base = BigInt(main.claims.receiptsTotal) - BigInt(main.claims.balancingReserve);
  const claimedTotals = split(
    base,
    claimed.map((y) => y.receiptsWeight as number),
    MILLION,
  );

  for (const y of main.years) {
    const code = main.campaign.code.replace('{year}', String(y.year));
    ctx.campaigns.push({
      code,
      name: main.campaign.name.replace('{year}', String(y.year)),
      startsOn: `${y.year}-${main.campaign.startsOn}`,
      endsOn: `${y.year}-${main.campaign.endsOn}`,
    });
  }

  planOpening(ctx, rng);

  main.years.forEach((y) => {
    const index = claimed.indexOf(y);
    const total = index >= 0 ? claimedTotals[index] : BigInt(y.receipts as string);
    const merging = main.merger.cutoff.startsWith(String(y.year));
    const shares = main.receipts.levelShares;
    // In the merger year the districts collect only until their end, without the July campaign; the province
    // collects the rest.
    const districtShare = merging ? Math.floor((shares.district * 40) / 100) : shares.district;
    const [provinceTotal, districtTotal, communeTotal] = split(
      total,
      [shares.province + shares.district - districtShare, districtShare, shares.commune],
      MILLION,
    );
    const districts = ctx.funds.filter((f) => f.level === 'district');
    const districtTotals = split(
      districtTotal,
      districts.map((d) => ctx.districtDef(d.code).receiptsWeight),
      MILLION,
    );
    const communes = ctx.funds.filter((f) => f.level === 'commune');
    const communeTotals = split(
      communeTotal,
      communes.map((c) => ctx.districtDef(c.districtCode as string).receiptsWeight),
      MILLION,
    );

    const provinceRest = planBatches(ctx, rng, pools, y.year, provinceTotal);
    contributions(ctx, rng, pools, ctx.province.code, 'province', y.year, y.tet, provinceRest, null);
    districts.forEach((d, i) =>
      contributions(
        ctx,
        rng,
        pools,
        d.code,
        'district',
        y.year,
        y.tet,
        districtTotals[i],
        merging ? main.merger.cutoff : null,
      ),
    );
    communes.forEach((c, i) =>
      contributions(ctx, rng, pools, c.code, 'commune', y.year, y.tet, communeTotals[i], null),
    );

    planInterestAndCosts(ctx, y.year);
  });

  planVoids(ctx, rng, pools);
  planBalancingGift(ctx, pools);
}

function planOpening(ctx: PlanContext, rng: Random): void {
  const opening = ctx.def.main.opening;
  const balances = ctx.funds.map((f) => {
    if (f.level === 'province')
      return { fund: f.code, cash: BigInt(opening.province.cash), bank: BigInt(opening.province.bank) };
    const spec = f.level === 'district' ? opening.district : opening.commune;
    return {
      fund: f.code,
      cash: BigInt(spec.cash),
      bank: rng.amount(BigInt(spec.bankMin), BigInt(spec.bankMax), MILLION),
    };
  });
  // Dated the day before the first day, so that a statement from the first day opens with these balances.
  const date = addDays(ctx.def.main.firstDay, -1);
  ctx.add(date, PHASE.opening, {
    kind: 'opening',
    date,
    description: opening.description,
    balances,
    by: PROVINCE_BY,
  });
}

/** A fund's gifts of a year adding up to exactly `total`. `until`: the fund's last day (the merger). */
function contributions(
  ctx: PlanContext,
  rng: Random,
  pools: DonorPools,
  fund: string,
  level: Level,
  year: number,
  tet: string,
  total: bigint,
  until: string | null,
): void {
  const kinds = ctx.def.main.receipts.levels[level];
  const pool = pools.get(fund) ?? {};
  const weights = Object.fromEntries(
    Object.entries(kinds)
      .filter(([kind]) => (pool[kind as DonorKind] ?? []).length > 0)
      .map(([kind, spec]) => [kind, spec.weight]),
  ) as Record<DonorKind, number>;
  let sum = 0n;
  while (sum < total) {
    let kind = rng.weighted(weights);
    let spec: KindSpec = kinds[kind];
    let amount = rng.amount(BigInt(spec.min), BigInt(spec.max), BigInt(spec.step));
    if (sum + amount >= total) {
      amount = total - sum;
      // A small remainder is an individual's gift, not a company's.
      if (amount < BigInt(spec.min) && weights.individual) {
        kind = 'individual';
        spec = kinds.individual;
      }
    }
    sum += amount;
    const date = contributionDate(ctx, rng, year, tet, until);
    const campaign = inCampaign(ctx, date);
    ctx.add(date, PHASE.inflow, {
      kind: 'contribution',
      date,
      fund,
      donor: rng.pick(pool[kind] as string[]),
      amount,
      method: rng.chance(spec.bank) ? 'bank' : 'cash',
      campaign,
      purpose: purposeOf(rng, kind, campaign),
      key: null,
      by: ctx.accountant(fund, date),
    });
  }
}

function purposeOf(rng: Random, kind: DonorKind, campaign: string | null): string | null {
  if (kind === 'enterprise' && rng.chance(20)) return 'Xây dựng nhà tình nghĩa';
  if (campaign !== null && kind === 'agency' && rng.chance(15))
    return 'Thăm hỏi, tặng quà người có công dịp 27/7';
  return null;
}

/** In the July campaign, in the weeks before Tết, or any working day up to 27 December. */
function contributionDate(
  ctx: PlanContext,
  rng: Random,
  year: number,
  tet: string,
  until: string | null,
): string {
  const { campaign } = ctx.def.main;
  const first = `${year}-01-02`;
  const last = until ? addDays(until, -5) : `${year}-12-27`;
  const roll = rng.int(1, 100);
  let from = first;
  let to = last;
  if (roll <= campaign.share && until === null) {
    from = `${year}-${campaign.startsOn}`;
    to = `${year}-${campaign.endsOn}`;
  } else if (roll <= campaign.share + campaign.tetShare) {
    from = maxDate(first, addDays(tet, -25));
    to = minDate(last, addDays(tet, -3));
  }
  return workday(addDays(from, rng.int(0, Math.max(0, daysBetween(from, to)))), first, last);
}

function inCampaign(ctx: PlanContext, date: string): string | null {
  const campaign = ctx.campaigns.find((c) => c.startsOn <= date && date <= c.endsOn);
  return campaign?.code ?? null;
}

/** The province's staff batches of the year ("one day's salary"); returns what is left of its total. */
function planBatches(ctx: PlanContext, rng: Random, pools: DonorPools, year: number, total: bigint): bigint {
  const spec = ctx.def.main.receipts.batches;
  const province = ctx.province.code;
  const agencies = pools.get(province)?.agency ?? [];
  let left = total;
  for (let i = 0; i < spec.perYear; i++) {
    const donorName = ctx.def.donors.province.agencyBatch[i % ctx.def.donors.province.agencyBatch.length];
    const donor = agencies.find((key) => ctx.donors.find((d) => d.key === key)?.name === donorName);
    if (!donor) throw new PlanError(`agencyBatch ${donorName} is not a province agency`);
    const staff = rng.int(spec.staffMin, spec.staffMax);
    const members = Array.from({ length: staff }, () => ({
      name: ctx.people.name(ctx.def.funds.province.people, rng.chance(50)),
      amount: rng.amount(BigInt(spec.salaryMin), BigInt(spec.salaryMax), BigInt(spec.salaryStep)),
      note: rng.pick(BATCH_NOTES),
    }));
    left -= members.reduce((s, m) => s + m.amount, 0n);
    if (left <= 0n)
      throw new PlanError(`the province's receipts of ${year} are smaller than its staff batches`);
    const date = workday(`${year}-07-${String(rng.int(10, 24)).padStart(2, '0')}`);
    ctx.add(date, PHASE.inflow, {
      kind: 'batch',
      date,
      fund: province,
      donor,
      method: rng.chance(50) ? 'cash' : 'bank',
      description: spec.description,
      campaign: inCampaign(ctx, date),
      members,
      by: PROVINCE_BY,
    });
  }
  return left;
}

/** Interest on the Treasury deposits (25 December) and the province's running costs (15 December). */
function planInterestAndCosts(ctx: PlanContext, year: number): void {
  const perMille = BigInt(ctx.def.main.receipts.interestPercentPerMille);
  for (const fund of ctx.funds.filter((f) => f.level !== 'commune')) {
    const date = workday(`${year}-12-25`);
    ctx.add(date, PHASE.inflow, (state: RunningState): Op | null => {
      if (state.books.closed.has(fund.code)) return null;
      const interest = (state.books.balance(fund.code, 'bank') * perMille) / 1000n;
      if (interest <= 0n) return null;
      return {
        kind: 'journal',
        date,
        fund: fund.code,
        description: `Lãi tiền gửi Kho bạc năm ${year}`,
        lines: [
          { account: '112', debit: interest },
          { account: '5115', credit: interest },
        ],
        by: ctx.accountant(fund.code, date),
      };
    });
  }
  const costs = BigInt(ctx.def.main.support.managementPerMille);
  const date = workday(`${year}-12-15`);
  const province = ctx.province.code;
  ctx.add(date, PHASE.outflow, (state: RunningState): Op | null => {
    const amount = ((state.receiptsOf(province, year) * costs) / 1000n / 1000n) * 1000n;
    if (amount <= 0n) return null;
    return {
      kind: 'journal',
      date,
      fund: province,
      description: `Chi phí quản lý Quỹ năm ${year}: in biên lai, sổ sách, văn phòng phẩm`,
      lines: [
        { account: '6118', debit: amount },
        { account: '112', credit: amount },
      ],
      by: PROVINCE_BY,
    };
  });
}

/** A gift recorded twice by mistake, and the second receipt voided a week later (outside the claimed period). */
function planVoids(ctx: PlanContext, rng: Random, pools: DonorPools): void {
  const individuals = pools.get(ctx.province.code)?.individual ?? [];
  ctx.def.main.receipts.voids.forEach((v, i) => {
    const date = workday(`${v.year}-03-${String(rng.int(4, 20)).padStart(2, '0')}`);
    const key = `void-${v.year}-${i}`;
    const method: Method = 'cash';
    ctx.add(date, PHASE.inflow, {
      kind: 'contribution',
      date,
      fund: ctx.province.code,
      donor: rng.pick(individuals),
      amount: rng.amount(1_000_000n, 5_000_000n, 500_000n),
      method,
      campaign: null,
      purpose: null,
      key,
      by: PROVINCE_BY,
    });
    const voidDate = workday(addDays(date, 7));
    ctx.add(voidDate, PHASE.outflow, {
      kind: 'void',
      date: voidDate,
      contribution: key,
      reason: v.reason,
      by: PROVINCE_BY,
    });
  });
}

/**
 * The last gift of the claimed period: whatever brings the consolidated receipts (contributions and interest)
 * to exactly claims.receiptsTotal. Planned after every other receipt of the period, on 28 December.
 */
function planBalancingGift(ctx: PlanContext, pools: DonorPools): void {
  const { claims } = ctx.def.main;
  const target = BigInt(claims.receiptsTotal);
  const reserve = BigInt(claims.balancingReserve);
  const name = ctx.def.donors.province.balancingDonor;
  const donor = (pools.get(ctx.province.code)?.enterprise ?? []).find(
    (key) => ctx.donors.find((d) => d.key === key)?.name === name,
  );
  if (!donor) throw new PlanError(`balancingDonor ${name} is not a province enterprise`);
  const date = workday(addDays(claims.to, -3));
  ctx.add(date, PHASE.inflow, (state: RunningState): Op => {
    const amount = target - state.claimedReceipts();
    if (amount <= 0n || amount > reserve) {
      throw new PlanError(
        `the last gift of ${claims.to.slice(0, 4)} would be ${amount} đồng; it must be positive and at most balancingReserve ${reserve}`,
      );
    }
    return {
      kind: 'contribution',
      date,
      fund: ctx.province.code,
      donor,
      amount,
      method: 'bank',
      campaign: null,
      purpose: 'Xây dựng nhà tình nghĩa',
      key: 'balancing',
      by: PROVINCE_BY,
    };
  });
}
