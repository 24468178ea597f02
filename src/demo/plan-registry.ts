import { capitalized } from './people';
import { ADMIN, PlanContext, PROVINCE_BY } from './plan-context';
import type { PlannedDonor } from './plan.types';
import type { Random } from './random';

type DonorKind = PlannedDonor['kind'];

/** Donor keys per fund and kind, for the receipts planner to draw from. */
export type DonorPools = Map<string, Partial<Record<DonorKind, string[]>>>;

/** The funds (province, districts, communes) and the users who keep them. */
export function planFundsAndUsers(ctx: PlanContext): void {
  const { province, districts } = ctx.def.funds;
  ctx.addFund({
    code: province.code,
    name: province.name,
    unitName: province.unitName,
    unitNames: province.unitNames ?? [],
    level: 'province',
    parentCode: null,
    place: province.place,
    short: 'Lào Cai',
    ward: false,
    districtCode: null,
  });
  for (const d of districts) {
    ctx.addFund({
      code: d.code,
      name: `Quỹ Đền ơn đáp nghĩa ${d.place}`,
      unitName: `UBND ${d.place}`,
      level: 'district',
      parentCode: province.code,
      place: d.place,
      short: d.short,
      ward: false,
      districtCode: d.code,
    });
    for (const c of d.communes) {
      ctx.addFund({
        code: c.code,
        name: `Quỹ Đền ơn đáp nghĩa ${c.place}`,
        unitName: `UBND ${c.place}`,
        level: 'commune',
        parentCode: d.code,
        place: c.place,
        short: c.short,
        ward: c.ward === true,
        districtCode: d.code,
      });
    }
  }

  const users = ctx.def.main.users;
  for (const u of users.province) {
    ctx.users.push({
      username: u.username,
      password: u.password,
      role: u.role,
      fundCode: u.fund ?? null,
      label: u.label,
    });
  }
  for (const d of districts) {
    ctx.users.push({
      username: `${users.districtAccountant.usernamePrefix}${d.slug}`,
      password: users.districtAccountant.password,
      role: 'accountant',
      fundCode: d.code,
      label: users.districtAccountant.label.replace('{place}', d.place),
    });
  }
  if (!ctx.users.some((u) => u.username === PROVINCE_BY) || ctx.users.some((u) => u.username === ADMIN)) {
    throw new Error(`data/demo users must include ${PROVINCE_BY} and must not redefine ${ADMIN}`);
  }
}

/** Every donor: the province's named ones, the districts' and communes' from templates, and individuals. */
export function planDonors(ctx: PlanContext): DonorPools {
  const rng = ctx.rng('donors');
  const spec = ctx.def.donors;
  const pools: DonorPools = new Map();
  const add = (fund: string, kind: DonorKind, donor: Omit<PlannedDonor, 'key' | 'kind'>) => {
    const pool = pools.get(fund) ?? {};
    const keys = pool[kind] ?? [];
    const key = `${fund}:${kind}:${keys.length}`;
    keys.push(key);
    pool[kind] = keys;
    pools.set(fund, pool);
    ctx.donors.push({ key, kind, ...donor });
  };
  const named = (name: string) => ({ name, address: null, taxCode: null, inProvince: true });

  const province = ctx.province;
  for (const name of spec.province.agency) add(province.code, 'agency', named(name));
  for (const e of spec.province.enterprise) {
    add(province.code, 'enterprise', {
      name: e.name,
      address: e.address ?? null,
      taxCode: e.taxCode ?? null,
      inProvince: e.inProvince !== false,
    });
  }
  for (const name of spec.province.organization) add(province.code, 'organization', named(name));
  for (let i = 0; i < spec.province.individuals; i++) {
    const commune = rng.pick(ctx.funds.filter((f) => f.level === 'commune'));
    add(province.code, 'individual', individual(ctx, rng, commune.code));
  }

  for (const district of ctx.funds.filter((f) => f.level === 'district')) {
    const fill = (template: string, word = '') =>
      template.replace('{place}', district.place).replace('{short}', district.short).replace('{word}', word);
    for (const t of spec.district.agency) add(district.code, 'agency', named(fill(t)));
    const words = rng.shuffle(spec.enterpriseWords);
    for (let i = 0; i < spec.district.enterprisesPerDistrict; i++) {
      const name = fill(
        spec.district.enterprise[i % spec.district.enterprise.length],
        words[i % words.length],
      );
      add(district.code, 'enterprise', {
        name,
        address: capitalized(district.place),
        taxCode: `5300${String(rng.int(0, 999_999)).padStart(6, '0')}`,
        inProvince: true,
      });
    }
    for (const t of spec.district.organization) add(district.code, 'organization', named(fill(t)));
    const communes = ctx.communesOf(district.code);
    for (let i = 0; i < spec.district.individuals; i++) {
      add(district.code, 'individual', individual(ctx, rng, rng.pick(communes).code));
    }
  }

  for (const commune of ctx.funds.filter((f) => f.level === 'commune')) {
    const fill = (template: string) =>
      template.replace('{place}', commune.place).replace('{short}', commune.short);
    for (const t of spec.commune.agency) add(commune.code, 'agency', named(fill(t)));
    for (const t of spec.commune.organization) add(commune.code, 'organization', named(fill(t)));
    for (let i = 0; i < spec.commune.individuals; i++)
      add(commune.code, 'individual', individual(ctx, rng, commune.code));
  }
  return pools;
}

function individual(ctx: PlanContext, rng: Random, communeCode: string): Omit<PlannedDonor, 'key' | 'kind'> {
  const commune = ctx.fund(communeCode);
  const district = commune.districtCode === null ? null : ctx.fund(commune.districtCode);
  return {
    name: ctx.people.name(ctx.peopleOf(communeCode), rng.chance(45)),
    address: ctx.people.address(commune, district),
    taxCode: null,
    inProvince: true,
  };
}

/** Registers a household in the registry plan and returns its key. */
export function household(
  ctx: PlanContext,
  communeCode: string,
  category: string,
  registeredBy: string,
  housingCondition: string | null = null,
): string {
  const commune = ctx.fund(communeCode);
  const district = commune.districtCode === null ? null : ctx.fund(commune.districtCode);
  const person = ctx.people.person(ctx.peopleOf(communeCode), category);
  const key = `B${ctx.beneficiaries.length + 1}`;
  ctx.beneficiaries.push({
    key,
    fullName: person.fullName,
    category,
    commune: ctx.communeName(communeCode),
    nationalId: ctx.people.nationalId(person),
    birthYear: person.birthYear,
    address: ctx.people.address(commune, district),
    recordNo: ctx.people.recordNo(category),
    housingCondition,
    registeredBy,
  });
  return key;
}

/**
 * The same household registered a second time by another programme: with the same citizen ID, or (an old paper
 * record) with none but the same name, birth year and commune. The registry flags both kinds.
 */
export function duplicateOf(ctx: PlanContext, key: string, registeredBy: string, keepId: boolean): string {
  const original = ctx.beneficiaries.find((b) => b.key === key);
  if (!original) throw new Error(`unknown household ${key}`);
  const copy = `B${ctx.beneficiaries.length + 1}`;
  ctx.beneficiaries.push({
    ...original,
    key: copy,
    nationalId: keepId ? original.nationalId : null,
    recordNo: null,
    registeredBy,
  });
  return copy;
}
