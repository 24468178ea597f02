import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateBeneficiaryDto } from '../beneficiaries/dto';
import { CreateDonorDto } from '../contributions/dto';
import { CreatePayeeDto } from '../payees/dto';
import { checkDefinition, DemoDefinition, loadDefinition } from './definition';
import type { DemoPlan, Op } from './plan.types';
import { planDemo } from './planner';
import { SimulatedBooks } from './simulation';

const json = (plan: DemoPlan) =>
  JSON.stringify(plan, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('the demonstration plan (data/demo)', () => {
  let definition: DemoDefinition;
  let plan: DemoPlan;

  beforeAll(() => {
    definition = loadDefinition();
    plan = planDemo(definition);
  });

  it('is the same on every run', () => {
    expect(json(planDemo(loadDefinition()))).toBe(json(plan));
  });

  it('lands the claimed 2013–2023 figures exactly', () => {
    const { claims } = definition.main;
    expect(plan.summary.receipts).toBe(BigInt(claims.receiptsTotal));
    expect(plan.summary.housingHouseholds).toBe(1024);
    expect(plan.summary.housingTotal).toBe(BigInt(claims.housingTotal));
    // Nearly 55.5 billion (within 1 %), and one more billion would break it; more than 36.5 billion (within 2 %).
    expect(plan.summary.receipts).toBeLessThan(55_500_000_000n);
    expect(plan.summary.receipts + 1_000_000_000n).toBeGreaterThan(55_500_000_000n);
    expect(plan.summary.receipts).toBeGreaterThanOrEqual(54_945_000_000n);
    expect(plan.summary.housingTotal).toBeGreaterThan(36_500_000_000n);
    expect(plan.summary.housingTotal).toBeLessThanOrEqual(37_230_000_000n);
  });

  it('has the province, its nine districts and their communes', () => {
    expect(plan.funds.filter((f) => f.level === 'province').map((f) => f.code)).toEqual(['LC']);
    expect(plan.funds.filter((f) => f.level === 'district')).toHaveLength(9);
    for (const district of plan.funds.filter((f) => f.level === 'district')) {
      expect(plan.funds.filter((f) => f.parentCode === district.code).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('never takes a fund’s cash or bank below zero, even with each month’s receipts moved to its first day', () => {
    const replay = (ops: Op[]) => {
      const books = new SimulatedBooks(plan.funds.map((f) => [f.code, f.parentCode]));
      for (const op of ops) books.apply(op);
    };
    expect(() => replay(plan.ops)).not.toThrow();
    // Receipts recorded earlier than planned (a month's all on its first day) keep the plan within its means too.
    const early: Op[] = [];
    const months = new Set<string>();
    for (const op of plan.ops) {
      const month = op.date.slice(0, 7);
      if (!months.has(month)) {
        months.add(month);
        early.push(...plan.ops.filter((o) => o.kind === 'contribution' && o.date.slice(0, 7) === month));
      }
      if (op.kind !== 'contribution') early.push(op);
    }
    expect(early).toHaveLength(plan.ops.length);
    expect(() => replay(early)).not.toThrow();
  });

  it('keeps its operations in date order, and each fund’s after its merger out of it', () => {
    for (let i = 1; i < plan.ops.length; i++) expect(plan.ops[i].date >= plan.ops[i - 1].date).toBe(true);
    const { cutoff } = definition.main.merger;
    const districts = new Set(plan.funds.filter((f) => f.level === 'district').map((f) => f.code));
    const late = plan.ops.filter(
      (op) =>
        op.date > cutoff &&
        op.kind !== 'merge' &&
        (('fund' in op && districts.has(op.fund)) ||
          (op.kind === 'transfer' && (districts.has(op.from) || districts.has(op.to)))),
    );
    expect(late).toEqual([]);
  });

  it('pays every house of the claimed period in full by its end: advances are settled the same year', () => {
    const advanced = new Map<string, bigint>();
    for (const op of plan.ops) {
      if (op.kind !== 'payout' || op.project === null || op.date > definition.main.claims.to) continue;
      const sign = op.stage === 'advance' ? 1n : op.stage === 'settlement' ? -1n : 0n;
      advanced.set(op.project, (advanced.get(op.project) ?? 0n) + sign * op.amount);
    }
    expect([...advanced.values()].filter((v) => v !== 0n)).toEqual([]);
  });

  it('has donors and households the API itself would accept', () => {
    for (const donor of plan.donors.slice(0, 400)) {
      const dto = plainToInstance(CreateDonorDto, {
        name: donor.name,
        kind: donor.kind,
        ...(donor.address ? { address: donor.address } : {}),
        ...(donor.taxCode ? { taxCode: donor.taxCode } : {}),
        inProvince: donor.inProvince,
      });
      expect(validateSync(dto).map((e) => e.toString())).toEqual([]);
    }
    for (const b of plan.beneficiaries) {
      const dto = plainToInstance(CreateBeneficiaryDto, {
        fullName: b.fullName,
        category: b.category,
        commune: b.commune,
        ...(b.nationalId ? { nationalId: b.nationalId } : {}),
        ...(b.birthYear ? { birthYear: b.birthYear } : {}),
        ...(b.address ? { address: b.address } : {}),
        ...(b.recordNo ? { recordNo: b.recordNo } : {}),
        ...(b.housingCondition ? { housingCondition: b.housingCondition } : {}),
      });
      expect(validateSync(dto).map((e) => e.toString())).toEqual([]);
    }
  });

  it('pays cemeteries and memorials as organisations (payees), never as households, and renames the unit in 2025', () => {
    const names = plan.payees.map((p) => p.name);
    expect(names).toContain('Nghĩa trang liệt sĩ tỉnh Lào Cai');
    expect(plan.beneficiaries.filter((b) => /Nghĩa trang|Đài tưởng niệm|Nhà bia/.test(b.fullName))).toEqual(
      [],
    );
    for (const p of plan.payees) {
      const dto = plainToInstance(CreatePayeeDto, {
        name: p.name,
        taxCode: p.taxCode,
        address: p.address,
        bankAccount: p.bankAccount,
        bankName: p.bankName,
      });
      expect(validateSync(dto).map((e) => e.toString())).toEqual([]);
    }
    const memorials = plan.ops.filter((op) => op.kind === 'payout' && op.purpose === 'memorial');
    expect(memorials.length).toBeGreaterThan(0);
    for (const op of memorials)
      expect(op).toMatchObject({ beneficiary: null, payee: expect.stringMatching(/^O\d+$/) });
    expect(new Set(plan.payees.map((p) => p.taxCode)).size).toBe(plan.payees.length);
    expect(plan.funds.find((f) => f.level === 'province')?.unitNames).toEqual([
      expect.objectContaining({ validFrom: '2025-03-01', name: 'Sở Nội vụ tỉnh Lào Cai' }),
    ]);
  });

  it('names a broken definition’s problems', () => {
    const broken: DemoDefinition = JSON.parse(JSON.stringify(definition)) as DemoDefinition;
    broken.main.years[0].houses += 1;
    broken.main.claims.receiptsTotal = '55,3 tỷ';
    broken.funds.districts[1].communes[0].code = broken.funds.districts[0].code;
    expect(checkDefinition(broken)).toEqual([
      'claims.receiptsTotal must be a string of digits',
      'the houses of 2013–2023 add up to 1025, not claims.housingHouseholds 1024',
      `fund code ${definition.funds.districts[0].code} appears twice`,
    ]);
    expect(checkDefinition(definition)).toEqual([]);
  });
});
