import * as ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Test } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { runCli } from '../support/cli';
import { DB_LABEL } from '../support/database';
import { createUser, expectError, expectNoStackTrace, TestUser } from '../support/http';

const HEADER = 'full_name,category,commune,national_id,birth_year,address,record_no,housing_condition';
const SAMPLE = resolve(__dirname, '..', '..', 'data', 'samples', 'beneficiaries-sample.csv');
const SURNAMES = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Vũ',
  'Đặng',
  'Bùi',
  'Lù',
  'Vàng',
  'Giàng',
  'Sùng',
];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Seo', 'A', 'Láo', 'Minh', 'Hữu'];
const GIVEN = ['Hùng', 'Páo', 'Thắng', 'Mỷ', 'Sử', 'Sình', 'Mai', 'Lợi', 'Dũng', 'Chư', 'Tâm', 'Dín'];
const COMMUNES = [
  'Tả Van',
  'Bản Hồ',
  'Cốc San',
  'Tả Phìn',
  'Bản Phiệt',
  'Gia Phú',
  'Phong Niên',
  'Si Ma Cai',
  'Nậm Lúc',
  'Bản Lầu',
  'Y Tý',
  'A Mú Sung',
  'Trịnh Tường',
  'Quang Kim',
  'Phú Nhuận',
  'Xuân Quang',
  'Thái Niên',
  'Sơn Hải',
  'Cam Cọn',
  'Võ Lao',
];
const CATEGORIES = [
  'war_invalid',
  'Thương binh',
  'martyr_relative',
  'Thân nhân liệt sĩ',
  'sick_soldier',
  'Bệnh binh',
  'resistance_participant',
  'toxic_chemical_victim',
  'revolution_helper',
  'heroic_mother',
];
const ROWS = 25_000;

interface Household {
  fullName: string;
  category: string;
  commune: string;
  nationalId: string;
  birthYear: string;
  address: string;
  recordNo: string;
  housing: string;
}

interface Created {
  id: number;
  nationalId: string | null;
  idKind: 'cccd' | 'cmnd' | null;
  legacyId: boolean;
  possibleDuplicates: { id: number; reason: string }[];
}

interface ImportAnswer {
  importId: number;
  fileName: string;
  rowsTotal: number;
  imported: number;
  skipped: number;
  badRowCount: number;
  badRows: { line: number; errors: string[] }[];
  possibleDuplicateCount: number;
  possibleDuplicates: { line: number; id?: number; otherLine?: number; reason: string }[];
}

/**
 * A province's registry: 25,000 households over 20 communes, with CCCDs (province 010, the 4th digit saying the
 * century and sex, then the birth year), every 10th without an ID and every 25th with a legacy CMND. The
 * (commune, name) pairs are all different, so the only duplicates are the ones `plant` adds.
 */
function registryRows(): Household[] {
  const rows: Household[] = [];
  for (let i = 0; i < ROWS; i++) {
    const rest = Math.floor(i / COMMUNES.length);
    const name = `${SURNAMES[rest % 12]} ${MIDDLE[Math.floor(rest / 12) % 8]} ${GIVEN[Math.floor(rest / 96) % 12]}`;
    const index = Math.floor(rest / 1152);
    const year = 1925 + ((i * 7) % 51);
    const female = MIDDLE[Math.floor(rest / 12) % 8] === 'Thị';
    const nationalId =
      i % 10 === 0
        ? ''
        : i % 25 === 1
          ? `06${String(i).padStart(7, '0')}`
          : `010${female ? 1 : 0}${String(year).slice(2)}${String(i).padStart(6, '0')}`;
    const commune = COMMUNES[i % COMMUNES.length];
    rows.push({
      fullName: index === 0 ? name : `${name} ${'ABCDEFGH'[index - 1]}`,
      category: CATEGORIES[i % CATEGORIES.length],
      commune,
      nationalId,
      birthYear: String(year),
      address: `Thôn ${(i % 17) + 1}, xã ${commune}, tỉnh Lào Cai`,
      recordNo: `LC-${String(i).padStart(6, '0')}`,
      housing: ['Nhà tạm', 'Nhà gỗ xuống cấp', 'Nhà bán kiên cố', 'Nhà kiên cố'][i % 4],
    });
  }
  return rows;
}

const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function toCsv(rows: Household[], change: (cells: string[], line: number) => void = () => {}): string {
  const lines = rows.map((r, i) => {
    const cells = [
      r.fullName,
      r.category,
      r.commune,
      r.nationalId,
      r.birthYear,
      r.address,
      r.recordNo,
      r.housing,
    ];
    change(cells, i + 2);
    return cells.map(quote).join(',');
  });
  return `\ufeff${HEADER}\n${lines.join('\n')}\n`;
}

/** What both suites share: an app on a fresh database, two users, a temp folder, and request helpers. */
interface Suite {
  t: TestApp;
  accountant: TestUser;
  auditor: TestUser;
  dir: string;
}

function suite(name: string) {
  const s = {} as Suite;
  beforeAll(async () => {
    s.t = await startTestApp();
    await s.t.newFund('LC', 'province');
    await s.t.newFund('LC-TV', 'commune', 'LC');
    s.accountant = await createUser(s.t, 'accountant');
    s.auditor = await createUser(s.t, 'auditor');
    s.dir = mkdtempSync(join(tmpdir(), `${name}-`));
  });
  afterAll(async () => {
    rmSync(s.dir, { recursive: true, force: true });
    await s.t.close();
  });
  const register = (body: Record<string, unknown>, token = s.accountant.token): Test =>
    s.t.http.post('/api/beneficiaries').set(bearer(token)).send(body);
  return {
    s,
    register,
    created: async (body: Record<string, unknown>): Promise<Created> => {
      const res = await register(body);
      if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${res.text}`);
      return res.body as Created;
    },
    get: (path: string, token = s.accountant.token) => s.t.http.get(path).set(bearer(token)),
    upload: (file: string, fields: Record<string, string> = {}, token = s.accountant.token) => {
      const request = s.t.http.post('/api/imports/beneficiaries').set(bearer(token));
      for (const [field, value] of Object.entries(fields)) void request.field(field, value);
      return request.attach('file', file);
    },
    write: (file: string, content: string | Buffer) => {
      const path = join(s.dir, file);
      writeFileSync(path, content);
      return path;
    },
    count: async (table: string) => {
      const [row] = await s.t.dataSource.query<{ n: string | number }[]>(
        `SELECT COUNT(*) AS n FROM ${table}`,
      );
      return Number(row.n);
    },
  };
}

describe(`beneficiaries (${DB_LABEL})`, () => {
  const { s, register, created, get, count } = suite('beneficiaries-e2e');

  describe('registering', () => {
    let an: number;

    it('registers a household and answers its id, with no possible duplicates', async () => {
      const res = await register({
        fullName: 'Nguyen Van An',
        category: 'war_invalid',
        commune: 'Tả Van',
        birthYear: 1950,
        nationalId: '010050900001',
        address: 'Thôn Lao Chải, xã Tả Van, thị xã Sa Pa',
        recordNo: 'LC-TB-00112',
        housingCondition: 'Nhà tạm, dột nát',
      }).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(Number),
        fullName: 'Nguyen Van An',
        category: 'war_invalid',
        categoryName: 'Thương binh, người hưởng chính sách như thương binh',
        commune: 'Tả Van',
        birthYear: 1950,
        nationalId: '010050900001',
        idKind: 'cccd',
        legacyId: false,
        housingCondition: 'Nhà tạm, dột nát',
        mergedIntoId: null,
        createdBy: s.accountant.username,
        possibleDuplicates: [],
      });
      an = res.body.id as number;
    });

    it("flags 'Nguyễn Văn An', born 1950 in Xã Tả Van, as a possible duplicate of 'Nguyen Van An', 1950, Tả Van", async () => {
      const before = await count('beneficiaries');
      const res = await register({
        fullName: 'Nguyễn Văn An',
        category: 'war_invalid',
        commune: 'Xã Tả Van',
        birthYear: 1950,
      }).expect(201);
      expect(res.body.possibleDuplicates).toEqual([
        {
          id: an,
          reason: 'same name, birth year and commune',
          fullName: 'Nguyen Van An',
          birthYear: 1950,
          commune: 'Tả Van',
        },
      ]);
      // Flagged, not refused: the record is registered.
      expect(res.body.id).not.toBe(an);
      expect(await count('beneficiaries')).toBe(before + 1);
    });

    it('does not flag the same name born another year, or in another commune', async () => {
      const other = await created({
        fullName: 'Nguyễn Văn An',
        category: 'sick_soldier',
        commune: 'Tả Van',
        birthYear: 1951,
      });
      expect(other.possibleDuplicates).toEqual([]);
      const elsewhere = await created({
        fullName: 'Nguyễn Văn An',
        category: 'sick_soldier',
        commune: 'Bản Hồ',
        birthYear: 1950,
      });
      expect(elsewhere.possibleDuplicates).toEqual([]);
    });

    it('flags the same CCCD under another name, and says so when both rules match', async () => {
      const typo = await created({
        fullName: 'Nguyễn Văn Ân',
        category: 'war_invalid',
        commune: 'Sa Pa',
        nationalId: '010050900001',
      });
      expect(typo.possibleDuplicates).toEqual([expect.objectContaining({ id: an, reason: 'same CCCD' })]);
      const twin = await created({
        fullName: 'NGUYEN VAN AN',
        category: 'war_invalid',
        commune: 'ta van',
        birthYear: 1950,
        nationalId: '010050900001',
      });
      // Both rules first, then by id.
      expect(twin.possibleDuplicates.map((d) => [d.id, d.reason])).toEqual([
        [an, 'same CCCD; same name, birth year and commune'],
        [an + 1, 'same name, birth year and commune'],
        [typo.id, 'same CCCD'],
      ]);
    });

    it('accepts a legacy 9-digit CMND and flags it as such', async () => {
      const legacy = await created({
        fullName: 'Tẩn Láo San',
        category: 'resistance_participant',
        commune: 'Bản Hồ',
        birthYear: 1943,
        nationalId: '063900457',
      });
      expect(legacy).toMatchObject({ nationalId: '063900457', idKind: 'cmnd', legacyId: true });
      const again = await created({
        fullName: 'Tan Lao San',
        category: 'other',
        commune: 'Bản Hồ',
        nationalId: '063900457',
      });
      expect(again.possibleDuplicates).toEqual([
        expect.objectContaining({ id: legacy.id, reason: 'same CMND' }),
      ]);
    });

    it('refuses bad input with a message per field, and writes nothing', async () => {
      const nextYear = new Date().getUTCFullYear() + 2;
      const empty = expectError(await register({}), 400);
      for (const field of ['fullName', 'category', 'commune']) {
        expect(empty).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${field} `))]));
      }
      expect(empty.every((m) => /^(fullName|category|commune) /.test(m))).toBe(true);
      const cases: [Record<string, unknown>, RegExp[]][] = [
        [
          { fullName: '  ', category: 'veteran', commune: '' },
          [/^fullName must not be blank$/, /^category must be one of/, /^commune must not be blank$/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', nationalId: '01005000123' },
          [/^nationalId must be a 12-digit CCCD or a legacy 9-digit CMND$/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', nationalId: '999050001234' },
          [/^nationalId is not a CCCD: its first 3 digits must be a province code from 001 to 096$/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', nationalId: 10050001234 },
          [/^nationalId must be a string of digits/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', birthYear: 1879 },
          [/^birthYear must be a year from 1880 to \d{4}$/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', birthYear: nextYear },
          [/^birthYear must be a year from 1880/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', birthYear: '1950' },
          [/^birthYear must be a whole year$/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', recordNo: 'x'.repeat(51) },
          [/^recordNo must be shorter/],
        ],
        [
          { fullName: 'A', category: 'other', commune: 'X', gender: 'nam' },
          [/^property gender should not exist$/],
        ],
      ];
      for (const [body, expected] of cases) {
        const before = await s.t.counts();
        const messages = expectError(await register(body), 400);
        expect([body, messages]).toEqual([body, expected.map((p): unknown => expect.stringMatching(p))]);
        expect(messages.join(' ')).not.toMatch(/\d{9,}/);
        expect(await s.t.counts()).toEqual(before);
      }
    });

    it('registers once for a retried request with the same Idempotency-Key', async () => {
      const body = { fullName: 'Lý Thị Mẩy', category: 'heroic_mother', commune: 'Tả Phìn', birthYear: 1929 };
      const before = await count('beneficiaries');
      const first = await register(body).set('Idempotency-Key', 'ben-1').expect(201);
      const second = await register(body).set('Idempotency-Key', 'ben-1').expect(201);
      expect(second.body).toEqual(first.body);
      expect(await count('beneficiaries')).toBe(before + 1);
    });

    it('lets only accountants and admins register', async () => {
      const body = { fullName: 'Ai Đó', category: 'other', commune: 'Tả Van' };
      for (const role of ['auditor', 'approver'] as const)
        expectError(await register(body, (await createUser(s.t, role)).token), 403);
      await register(body, s.t.adminToken).expect(201);
    });
  });

  describe('reading', () => {
    it('finds "nguyen van a" in "Nguyễn Văn An", leaves out nothing but other names, and filters by commune and category', async () => {
      const res = await get('/api/beneficiaries?q=nguyen%20van%20a&pageSize=100').expect(200);
      const names = (res.body.items as { fullName: string }[]).map((b) => b.fullName);
      expect(names.length).toBeGreaterThanOrEqual(6);
      for (const name of names)
        expect(
          name
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .replace(/đ/gi, 'd')
            .toLowerCase(),
        ).toContain('nguyen van a');
      expect(res.body).toMatchObject({ total: names.length, page: 1, pageSize: 100 });
      const accented = await get(
        `/api/beneficiaries?q=${encodeURIComponent('NGUYỄN văn ân')}&pageSize=100`,
      ).expect(200);
      expect(accented.body.total).toBe(names.length);

      const commune = await get(
        `/api/beneficiaries?q=nguyen&commune=${encodeURIComponent('xã tả van')}`,
      ).expect(200);
      expect(new Set((commune.body.items as { commune: string }[]).map((b) => b.commune))).toEqual(
        new Set(['Tả Van', 'Xã Tả Van', 'ta van']),
      );
      const sick = await get('/api/beneficiaries?q=nguyen&category=sick_soldier').expect(200);
      expect((sick.body.items as { category: string }[]).every((b) => b.category === 'sick_soldier')).toBe(
        true,
      );
      expect(sick.body.total).toBe(2);

      expectError(await get('/api/beneficiaries?category=veteran'), 400);
      expectError(await get('/api/beneficiaries?pageSize=501'), 400);
    });

    it('shows citizen IDs whole to accountants and admins, masked to auditors and approvers, and never logs them', async () => {
      const one = await created({
        fullName: 'Vàng Thị Mỷ',
        category: 'martyr_relative',
        commune: 'Tả Van',
        birthYear: 1952,
        nationalId: '010152900518',
      });
      expect((await get(`/api/beneficiaries/${one.id}`).expect(200)).body.nationalId).toBe('010152900518');
      expect((await get(`/api/beneficiaries/${one.id}`, s.t.adminToken).expect(200)).body.nationalId).toBe(
        '010152900518',
      );
      const approver = await createUser(s.t, 'approver');
      for (const token of [s.auditor.token, approver.token]) {
        const res = await get(`/api/beneficiaries/${one.id}`, token).expect(200);
        expect(res.body).toMatchObject({ nationalId: '0101******18', idKind: 'cccd' });
        const list = await get(`/api/beneficiaries?q=vang%20thi%20my`, token).expect(200);
        expect(list.body.items).toEqual([
          expect.objectContaining({ id: one.id, nationalId: '0101******18' }),
        ]);
        expect(JSON.stringify(list.body)).not.toContain('010152900518');
      }
      const log = await get('/api/audit/log?pageSize=500', s.t.adminToken).expect(200);
      expect(JSON.stringify(log.body)).toContain('0101******18');
      expect(JSON.stringify(log.body)).not.toContain('010152900518');
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expectError(await get('/api/beneficiaries/999999'), 404);
      expectError(await get('/api/beneficiaries/99999999999'), 404);
      expectError(await get('/api/beneficiaries/abc'), 400);
    });

    it('lists every candidate pair in the duplicates report, with its reasons', async () => {
      const res = await get('/api/beneficiaries/duplicates?pageSize=500').expect(200);
      const pairs = res.body.items as {
        a: { id: number; fullName: string };
        b: { id: number };
        reasons: string[];
      }[];
      expect(res.body.total).toBe(pairs.length);
      const an = pairs.filter((p) => p.a.fullName === 'Nguyen Van An');
      // Nguyen Van An (1950, Tả Van) with: Nguyễn Văn An (Xã Tả Van), Nguyễn Văn Ân (same CCCD), NGUYEN VAN AN (both).
      expect(an.map((p) => p.reasons)).toEqual([
        ['same name, birth year and commune'],
        ['same CCCD'],
        ['same CCCD', 'same name, birth year and commune'],
      ]);
      expect(pairs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            a: expect.objectContaining({ fullName: 'Tẩn Láo San', idKind: 'cmnd' }),
            reasons: ['same CMND'],
          }),
        ]),
      );
      for (const pair of pairs) expect(pair.a.id).toBeLessThan(pair.b.id);
      const page = await get('/api/beneficiaries/duplicates?pageSize=2&page=2').expect(200);
      expect(page.body.items).toEqual(pairs.slice(2, 4));
      const masked = await get('/api/beneficiaries/duplicates?pageSize=500', s.auditor.token).expect(200);
      expect(JSON.stringify(masked.body)).not.toContain('010050900001');
      expect(JSON.stringify(masked.body)).toContain('0100******01');
    });
  });

  describe('merging', () => {
    let fundId: number;
    const household = (fullName: string, nationalId?: string) =>
      created({
        fullName,
        category: 'war_invalid',
        commune: 'Bản Hồ',
        birthYear: 1947,
        ...(nationalId ? { nationalId } : {}),
      });
    /** A paid payout of the household in fund LC, written as the payout workflow leaves it. */
    const paidPayout = (beneficiaryId: number, amount: string) =>
      s.t.dataSource.query(
        s.t.db.file === null
          ? `INSERT INTO disbursements (fund_id, beneficiary_id, purpose, amount, request_date, method, status, stage, prepared_by, created_at)
             VALUES ($1, $2, 'house_repair', $3, '2023-05-01', 'bank', 'paid', 'full', 'ketoan', '2023-05-01T00:00:00Z')`
          : `INSERT INTO disbursements (fund_id, beneficiary_id, purpose, amount, request_date, method, status, stage, prepared_by, created_at)
             VALUES (?, ?, 'house_repair', ?, '2023-05-01', 'bank', 'paid', 'full', 'ketoan', '2023-05-01T00:00:00Z')`,
        [fundId, beneficiaryId, amount],
      );
    const merge = (id: number, body: Record<string, unknown>, token = s.accountant.token) =>
      s.t.http.post(`/api/beneficiaries/${id}/merge`).set(bearer(token)).send(body);

    beforeAll(async () => {
      const [fund] = await s.t.dataSource.query<{ id: number }[]>("SELECT id FROM funds WHERE code = 'LC'");
      fundId = Number(fund.id);
    });

    it('moves the payouts to the record that stays, marks the merged one, and keeps a trace', async () => {
      const kept = await household('Sùng Seo Lử', '010045900873');
      const dup = await household('Sung Seo Lu', '010045900873');
      expect(dup.possibleDuplicates).toEqual([
        expect.objectContaining({ id: kept.id, reason: 'same CCCD; same name, birth year and commune' }),
      ]);
      await paidPayout(kept.id, '30000000');
      await paidPayout(dup.id, '40000000');
      await paidPayout(dup.id, '9000000000000');

      const before = await s.t.counts();
      const res = await merge(dup.id, { intoId: kept.id, reason: 'Cùng CCCD, ghi hai lần' }).expect(200);
      expect(res.body).toMatchObject({
        id: kept.id,
        mergedIntoId: null,
        merge: {
          fromId: dup.id,
          intoId: kept.id,
          disbursementsMoved: 2,
          houseProjectsMoved: 0,
          reason: 'Cùng CCCD, ghi hai lần',
          mergedBy: s.accountant.username,
        },
      });
      expect(await s.t.counts()).toEqual({
        ...before,
        beneficiary_merges: before.beneficiary_merges + 1,
        audit_log: before.audit_log + 1,
      });

      const survivor = await get(`/api/beneficiaries/${kept.id}`, s.auditor.token).expect(200);
      expect(survivor.body.payouts).toEqual({ paidCount: 3, paidTotal: '9000070000000' });
      expect(survivor.body.possibleDuplicates).toEqual([]);
      expect(survivor.body.merges).toEqual([
        expect.objectContaining({
          fromId: dup.id,
          intoId: kept.id,
          disbursementsMoved: 2,
          mergedBy: s.accountant.username,
        }),
      ]);
      const merged = await get(`/api/beneficiaries/${dup.id}`).expect(200);
      expect(merged.body).toMatchObject({ mergedIntoId: kept.id, payouts: { paidCount: 0, paidTotal: '0' } });
      expect(merged.body.merges).toEqual(survivor.body.merges);

      // A merged record is no longer a candidate, in search, on registration or in the report.
      const search = await get('/api/beneficiaries?q=sung%20seo%20lu').expect(200);
      expect((search.body.items as { id: number }[]).map((b) => b.id)).toEqual([kept.id]);
      const third = await household('Sùng Seo Lử', '010045900873');
      expect(third.possibleDuplicates.map((d) => d.id)).toEqual([kept.id]);
      const report = await get('/api/beneficiaries/duplicates?pageSize=500').expect(200);
      const ids = (report.body.items as { a: { id: number }; b: { id: number } }[]).flatMap((p) => [
        p.a.id,
        p.b.id,
      ]);
      expect(ids).not.toContain(dup.id);
    });

    it('refuses to merge a record into itself, twice, into a merged record, or into an unknown one; writes nothing', async () => {
      const a = await household('Lù Văn Pao');
      const b = await household('Lu Van Pao');
      const c = await household('Lù Văn Páo');
      await merge(b.id, { intoId: a.id, reason: 'Trùng' }).expect(200);
      const cases: [number, Record<string, unknown>, number, RegExp][] = [
        [a.id, { intoId: a.id, reason: 'x' }, 400, /^intoId must be another beneficiary$/],
        [
          b.id,
          { intoId: c.id, reason: 'x' },
          422,
          new RegExp(`^beneficiary ${b.id} was already merged into ${a.id}$`),
        ],
        [
          c.id,
          { intoId: b.id, reason: 'x' },
          422,
          new RegExp(`^beneficiary ${b.id} was merged into ${a.id}; merge into that one$`),
        ],
        [c.id, { intoId: 999999, reason: 'x' }, 404, /^beneficiary 999999 does not exist$/],
        [999999, { intoId: c.id, reason: 'x' }, 404, /^beneficiary 999999 does not exist$/],
        [c.id, { intoId: a.id, reason: ' ' }, 400, /^reason must not be blank$/],
        [c.id, { intoId: 0, reason: 'x' }, 400, /^intoId must not be less than 1$/],
      ];
      for (const [id, body, status, message] of cases) {
        const before = await s.t.counts();
        expect([id, body, expectError(await merge(id, body), status)]).toEqual([
          id,
          body,
          [expect.stringMatching(message)],
        ]);
        expect(await s.t.counts()).toEqual(before);
      }
      expectError(await merge(c.id, { intoId: a.id, reason: 'x' }, s.auditor.token), 403);
    });

    it("keeps a user scoped to one fund from moving another fund's payouts", async () => {
      // The households are registered in xã Bản Hồ: a user of that commune's fund sees them (docs/security.md).
      await s.t.http
        .post('/api/funds')
        .set(bearer(s.t.adminToken))
        .send({ code: 'LC-BH', name: 'Quỹ Đền ơn đáp nghĩa xã Bản Hồ', level: 'commune', parentCode: 'LC' })
        .expect(201);
      const commune = await createUser(s.t, 'accountant', 'LC-BH');
      const a = await household('Giàng A Páo');
      const b = await household('Giang A Pao');
      await paidPayout(b.id, '5000000');
      const before = await s.t.counts();
      const messages = expectError(await merge(b.id, { intoId: a.id, reason: 'Trùng' }, commune.token), 403);
      // Without naming the other fund: the refusal must not tell of another fund's payouts (issue 9, finding 10).
      expect(messages).toEqual([
        expect.stringMatching(/has payouts or house projects outside the funds user/),
      ]);
      expect(messages[0]).not.toMatch(/\bLC\b/);
      expect(await s.t.counts()).toEqual(before);
      const c = await household('Giàng A Pao');
      await merge(c.id, { intoId: a.id, reason: 'Trùng' }, commune.token).expect(200);
    });

    it('remembers "not a duplicate": the pair leaves the report for good; refusals write nothing', async () => {
      const notDuplicate = (id: number, body: Record<string, unknown>, token = s.accountant.token) =>
        s.t.http.post(`/api/beneficiaries/${id}/not-duplicate`).set(bearer(token)).send(body);
      const pairsOf = async () =>
        (
          (await get('/api/beneficiaries/duplicates?pageSize=500').expect(200)).body.items as {
            a: { id: number };
            b: { id: number };
          }[]
        ).map((p) => `${p.a.id}-${p.b.id}`);
      const a = await household('Thào Mí Chứ', '010047900111');
      const b = await household('Thao Mi Chu', '010047900111');
      expect(await pairsOf()).toContain(`${a.id}-${b.id}`);
      const res = await notDuplicate(b.id, { otherId: a.id, reason: 'Hai anh em, CCCD ghi nhầm' }).expect(
        201,
      );
      expect(res.body).toMatchObject({ aId: a.id, bId: b.id, reason: 'Hai anh em, CCCD ghi nhầm' });
      expect(await pairsOf()).not.toContain(`${a.id}-${b.id}`);
      const other = await household('Lò Văn Khắp', '010047900222');
      const cases: [number, Record<string, unknown>, number, RegExp][] = [
        [a.id, { otherId: b.id, reason: 'x' }, 409, /already marked as not duplicates$/],
        [a.id, { otherId: other.id, reason: 'x' }, 422, /are not flagged as possible duplicates$/],
        [a.id, { otherId: a.id, reason: 'x' }, 400, /^otherId must be another beneficiary$/],
        [a.id, { otherId: 999999, reason: 'x' }, 404, /^beneficiary 999999 does not exist$/],
        [a.id, { otherId: b.id, reason: ' ' }, 400, /^reason must not be blank$/],
      ];
      for (const [id, body, status, message] of cases) {
        const before = await s.t.counts();
        expect(expectError(await notDuplicate(id, body), status)).toEqual([expect.stringMatching(message)]);
        expect(await s.t.counts()).toEqual(before);
      }
      expectError(await notDuplicate(a.id, { otherId: b.id, reason: 'x' }, s.auditor.token), 403);
    });
  });
});

describe(`imports of beneficiaries (${DB_LABEL})`, () => {
  const { s, created, get, upload, write, count } = suite('beneficiary-imports-e2e');

  const rows = registryRows();
  let registered: number;
  let goodFile: string;
  let badFile: string;

  /** Lines (header = 1) the file plants duplicates on, and what they copy. */
  const planted = () => {
    const copy = [...rows];
    // A household already in the registry (registered through the API below), under another name.
    copy[15_000 - 2] = { ...copy[15_000 - 2], fullName: 'Sùng A Chá', nationalId: '010047900077' };
    // The same CCCD as line 101, another name.
    copy[20_001 - 2] = { ...copy[20_001 - 2], nationalId: copy[101 - 2].nationalId };
    // Line 500's name, birth year and commune, without an ID, "xã" in front.
    copy[22_000 - 2] = {
      ...copy[500 - 2],
      nationalId: '',
      commune: `Xã ${copy[500 - 2].commune}`,
      recordNo: 'X-1',
    };
    // Line 300 twice: two rows, two records, each the other's possible duplicate.
    copy[24_000 - 2] = { ...copy[300 - 2] };
    return copy;
  };

  beforeAll(async () => {
    registered = (
      await created({
        fullName: 'Sùng A Chá',
        category: 'war_invalid',
        commune: 'Bản Hồ',
        birthYear: 1947,
        nationalId: '010047900077',
      })
    ).id;
    const file = planted();
    expect(rows[101 - 2].nationalId).not.toBe('');
    expect(rows[300 - 2].nationalId).not.toBe('');
    goodFile = write('ho-so-nguoi-co-cong.csv', toCsv(file));
    badFile = write(
      'ho-so-nguoi-co-cong-loi.csv',
      toCsv(file, (cells, line) => {
        if (line === 18) cells[3] = '01005000123';
        if (line === 12_345) cells[1] = 'cựu chiến binh';
        if (line === 24_999) cells[4] = '1870';
        if (line === 25_001) cells[0] = '';
      }),
    );
  });

  it('reports exactly the bad rows of a 25,000-row file, by line and reason, and writes nothing', async () => {
    const before = await s.t.counts();
    const res = await upload(badFile);
    expect(res.status).toBe(422);
    expectNoStackTrace(res.text);
    expect(res.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: [
        'line 18: national_id 01*******23 must be a 12-digit CCCD or a legacy 9-digit CMND',
        expect.stringMatching(/^line 12345: category "cựu chiến binh" is not one of heroic_mother, /),
        expect.stringMatching(/^line 24999: birth_year 1870 must be a year from 1880 to \d{4}$/),
        'line 25001: full_name is required',
        '4 of 25000 rows are bad; nothing was written (fix them, or import with partial=true to import the others)',
      ],
      rowsTotal: ROWS,
      badRowCount: 4,
      badRows: [
        { line: 18, errors: ['national_id 01*******23 must be a 12-digit CCCD or a legacy 9-digit CMND'] },
        { line: 12345, errors: [expect.stringMatching(/^category "cựu chiến binh"/)] },
        { line: 24999, errors: [expect.stringMatching(/^birth_year 1870/)] },
        { line: 25001, errors: ['full_name is required'] },
      ],
    });
    expect(await s.t.counts()).toEqual(before);
  }, 60_000);

  it('imports the corrected file, flagging the planted duplicates without refusing them', async () => {
    const before = await count('beneficiaries');
    const started = Date.now();
    const res = await upload(goodFile).expect(201);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${DB_LABEL}: imported ${ROWS} households over HTTP in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(60);
    const answer = res.body as ImportAnswer;
    expect(answer).toMatchObject({
      fileName: 'ho-so-nguoi-co-cong.csv',
      rowsTotal: ROWS,
      imported: ROWS,
      skipped: 0,
      badRowCount: 0,
      badRows: [],
    });
    expect(answer.possibleDuplicates).toEqual([
      { line: 15000, id: registered, reason: 'same CCCD' },
      { line: 20001, otherLine: 101, reason: 'same CCCD' },
      { line: 22000, otherLine: 500, reason: 'same name, birth year and commune' },
      { line: 24000, otherLine: 300, reason: 'same CCCD; same name, birth year and commune' },
    ]);
    expect(answer.possibleDuplicateCount).toBe(4);
    expect(await count('beneficiaries')).toBe(before + ROWS);

    const [run] = await s.t.dataSource.query<Record<string, unknown>[]>(
      "SELECT * FROM imports WHERE kind = 'beneficiaries'",
    );
    expect(run).toMatchObject({ file_name: 'ho-so-nguoi-co-cong.csv', created_by: s.accountant.username });
    expect(Number(run.rows_imported)).toBe(ROWS);

    // What the rows said, and what the registry makes of them.
    const [cmnd] = await s.t.dataSource.query<Record<string, unknown>[]>(
      "SELECT full_name, national_id, id_kind, category, commune_folded FROM beneficiaries WHERE record_no = 'LC-000051'",
    );
    expect(rows[51]).toMatchObject({ category: 'Thương binh', commune: 'A Mú Sung' });
    expect(cmnd).toEqual({
      full_name: rows[51].fullName,
      national_id: '060000051',
      id_kind: 'cmnd',
      category: 'war_invalid',
      commune_folded: 'a mu sung',
    });
    const search = await get(
      `/api/beneficiaries?q=${encodeURIComponent('giang seo')}&commune=${encodeURIComponent('Y Tý')}&pageSize=500`,
    ).expect(200);
    expect(search.body.total).toBe(
      rows.filter((r) => r.commune === 'Y Tý' && /^Giàng Seo/.test(r.fullName)).length,
    );
    const report = await get('/api/beneficiaries/duplicates?pageSize=500').expect(200);
    expect(report.body.total).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('adds nothing when the same file is imported again', async () => {
    const before = await s.t.counts();
    const res = await upload(goodFile).expect(201);
    expect(res.body).toMatchObject({
      rowsTotal: ROWS,
      imported: 0,
      skipped: ROWS,
      possibleDuplicateCount: 0,
      possibleDuplicates: [],
    });
    expect(await s.t.counts()).toEqual({
      ...before,
      imports: before.imports + 1,
      audit_log: before.audit_log + 1,
    });
  }, 60_000);

  it('imports an XLSX workbook with Vietnamese headers, number-cell IDs and dates of birth; skips it the second time', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Người có công');
    sheet.addRow([
      'STT',
      'Họ tên',
      'Đối tượng',
      'Xã',
      'Số CCCD',
      'Năm sinh',
      'Địa chỉ',
      'Số hồ sơ',
      'Tình trạng nhà ở',
    ]);
    sheet.addRow([
      1,
      'Hoàng Văn Chiến',
      'Thương binh',
      'Cốc San',
      10051902264,
      1951,
      'Thôn Tân Tiến',
      'X-01',
      'Nhà bán kiên cố',
    ]);
    sheet.addRow([
      2,
      'Lồ Thị Dín',
      'Thân nhân liệt sĩ',
      'Nậm Lúc',
      '010150908846',
      new Date(Date.UTC(1950, 4, 19)),
      null,
      'X-02',
      null,
    ]);
    sheet.addRow([
      3,
      'Vũ Đình Khải',
      'Người có công giúp đỡ cách mạng',
      'Phong Niên',
      60458911,
      '12/03/1940',
      null,
      'X-03',
      'Nhà kiên cố',
    ]);
    const file = join(s.dir, 'nguoi-co-cong.xlsx');
    await workbook.xlsx.writeFile(file);

    const res = await upload(file).expect(201);
    expect(res.body).toMatchObject({
      fileName: 'nguoi-co-cong.xlsx',
      rowsTotal: 3,
      imported: 3,
      skipped: 0,
      possibleDuplicates: [],
    });
    const imported = await s.t.dataSource.query<Record<string, unknown>[]>(
      "SELECT full_name, national_id, id_kind, birth_year, category FROM beneficiaries WHERE record_no IN ('X-01', 'X-02', 'X-03') ORDER BY record_no",
    );
    expect(imported.map((r) => ({ ...r, birth_year: Number(r.birth_year) }))).toEqual([
      {
        full_name: 'Hoàng Văn Chiến',
        national_id: '010051902264',
        id_kind: 'cccd',
        birth_year: 1951,
        category: 'war_invalid',
      },
      {
        full_name: 'Lồ Thị Dín',
        national_id: '010150908846',
        id_kind: 'cccd',
        birth_year: 1950,
        category: 'martyr_relative',
      },
      {
        full_name: 'Vũ Đình Khải',
        national_id: '060458911',
        id_kind: 'cmnd',
        birth_year: 1940,
        category: 'revolution_helper',
      },
    ]);
    const again = await upload(file).expect(201);
    expect(again.body).toMatchObject({ rowsTotal: 3, imported: 0, skipped: 3 });
  });

  it('with partial=true imports the good rows and reports the bad ones; takes a raw text/csv body', async () => {
    const csv = [
      HEADER,
      'Đặng Thị Hồng,martyr_relative,Gia Phú,,1956,,P-1,',
      'Bùi Văn Tâm,veteran,Gia Phú,,1956,,P-2,',
      'Bùi Văn Tâm,war_invalid,Gia Phú,,1856,,P-3,',
    ].join('\n');
    const before = await count('beneficiaries');
    const refused = await upload(write('mot-phan.csv', csv)).expect(422);
    expect(refused.body.badRows.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    expect(await count('beneficiaries')).toBe(before);

    const res = await s.t.http
      .post('/api/imports/beneficiaries?fileName=mot-phan.csv&partial=true')
      .set(bearer(s.accountant.token))
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv)
      .expect(201);
    expect(res.body).toMatchObject({
      fileName: 'mot-phan.csv',
      partial: true,
      rowsTotal: 3,
      imported: 1,
      badRowCount: 2,
    });
    expect(await count('beneficiaries')).toBe(before + 1);
  });

  it('answers 400 for a file it cannot read, and 403 to roles that may not import', async () => {
    const cases: [string, string, RegExp][] = [
      ['rong.csv', '', /the file is empty/],
      ['tieu-de.csv', `${HEADER}\n`, /no rows below it/],
      [
        'sai-cot.csv',
        'ho_ten,doi_tuong,gioi_tinh\nA,other,nam\n',
        /column "gioi_tinh" is not a column of a beneficiaries import/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const before = await s.t.counts();
      const messages = expectError(await upload(write(name, content)), 400);
      expect(messages.join('\n')).toMatch(message);
      expect(await s.t.counts()).toEqual(before);
    }
    expectError(await upload(write('x.csv', `${HEADER}\nA,other,X,,,,,\n`), {}, s.auditor.token), 403);
  });
});

describe(`the beneficiaries sample file and the command line (${DB_LABEL})`, () => {
  const { s, upload, write } = suite('beneficiary-sample-e2e');
  const cli = (...args: string[]) => runCli(['import', 'beneficiaries', ...args], s.t.db.config);

  it('ships 20 Lào Cai households that import as they are, flagging the two near-duplicates planted in it', async () => {
    expect(readFileSync(SAMPLE, 'utf8').split('\n')[0]).toBe(HEADER);
    const res = await upload(SAMPLE).expect(201);
    expect(res.body).toMatchObject({
      rowsTotal: 20,
      imported: 20,
      badRowCount: 0,
      possibleDuplicateCount: 2,
    });
    expect(res.body.possibleDuplicates).toEqual([
      { line: 20, otherLine: 2, reason: 'same name, birth year and commune' },
      { line: 21, otherLine: 7, reason: 'same CCCD' },
    ]);
    const legacy = await s.t.dataSource.query<{ n: string | number }[]>(
      "SELECT COUNT(*) AS n FROM beneficiaries WHERE id_kind = 'cmnd'",
    );
    expect(Number(legacy[0].n)).toBe(2);
  });

  it('imports from the command line as a named user, with the same rules', () => {
    const again = cli(SAMPLE, '--user', s.accountant.username, '--json');
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, rowsTotal: 20, imported: 0, skipped: 20 });

    const file = write(
      'cli.csv',
      `${HEADER}\nGiàng Thị Súa,heroic_mother,Tả Van,,1931,,CLI-1,\nGiang Thi Sua,heroic_mother,Xã Tả Van,,1931,,CLI-2,\n`,
    );
    const plain = cli(file);
    expect(plain.status).toBe(0);
    // Both rows are the sample's Giàng Thị Súa (1931, Tả Van), and the second is also the first.
    expect(plain.stdout).toMatch(
      /^Imported cli\.csv: 2 rows, 2 imported, 0 skipped \(imported before\), 0 bad, 3 possible duplicates\./,
    );
    expect(plain.stdout).toMatch(/\n {2}line 2: same name, birth year and commune as beneficiary #\d+\n/);
    expect(plain.stdout).toContain('  line 3: same name, birth year and commune as line 2');

    const bad = cli(write('cli-bad.csv', `${HEADER}\nA,nope,X,,,,,\n`));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^REJECTED cli-bad\.csv:\n {2}line 2: category "nope" is not one of/);
    expect(cli(SAMPLE, '--user', 'nobody').stderr).toContain('user nobody does not exist');
  });
});
