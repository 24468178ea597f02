import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import { openDatabase } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import { DuplicatesService } from './duplicates.service';
import { Beneficiary } from './entities';
import { communeKey, idKindOf, MatchFields, nameKey } from './identity';

// The duplicate rules against a real (SQLite) registry: the service's SQL is what is under test here.
let dir: string;
let dataSource: DataSource;
let service: DuplicatesService;
const ids: Record<string, number> = {};

const auditor: Actor = { userId: 1, username: 'kiemtoan', role: 'auditor', fundScope: null };
const accountant: Actor = { userId: 2, username: 'ketoan', role: 'accountant', fundScope: null };

function fields(
  fullName: string,
  commune: string,
  birthYear: number | null,
  nationalId: string | null,
): MatchFields {
  return { nameFolded: nameKey(fullName), communeFolded: communeKey(commune), birthYear, nationalId };
}

async function add(
  key: string,
  fullName: string,
  commune: string,
  birthYear: number | null,
  nationalId: string | null,
) {
  const saved = await dataSource.manager.save(
    dataSource.manager.create(Beneficiary, {
      ...fields(fullName, commune, birthYear, nationalId),
      fullName,
      commune,
      idKind: nationalId === null ? null : idKindOf(nationalId),
      category: 'war_invalid',
      address: null,
      recordNo: null,
      housingCondition: null,
      mergedIntoId: null,
      importKey: null,
      createdBy: 'test',
      createdAt: nowIso(),
    }),
  );
  ids[key] = saved.id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duplicates-spec-'));
  dataSource = await openDatabase({ type: 'sqlite', path: join(dir, 'db.sqlite') });
  service = new DuplicatesService(new UnitOfWork(dataSource));
  await add('an', 'Nguyen Van An', 'Tả Van', 1950, '010050001234');
  await add('anAccented', 'Nguyễn Văn An', 'Xã Tả Van', 1950, null);
  await add('anOtherYear', 'Nguyễn Văn An', 'Tả Van', 1951, null);
  await add('sameId', 'Nguyễn Văn Ân', 'Sa Pa', null, '010050001234');
  await add('cmnd', 'Tẩn Láo San', 'Bản Hồ', 1943, '063120457');
  await add('cmndTwin', 'Tan Lao San', 'Bản Hồ', null, '063120457');
  await add('merged', 'Nguyen Van An', 'ta van', 1950, '010050001234');
  await dataSource.manager.update(Beneficiary, { id: ids.merged }, { mergedIntoId: ids.an });
});
afterAll(async () => {
  await dataSource.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('DuplicatesService.matchAll', () => {
  it('finds, per household, the records of either rule — both rules first — and never a merged one', async () => {
    const [found] = await service.matchAll(dataSource.manager, [
      fields('NGUYỄN VĂN AN', 'ta van', 1950, '010050001234'),
    ]);
    expect(found.map((c) => [c.id, c.reason])).toEqual([
      [ids.an, 'same CCCD; same name, birth year and commune'],
      [ids.anAccented, 'same name, birth year and commune'],
      [ids.sameId, 'same CCCD'],
    ]);
    expect(found[0]).toMatchObject({ fullName: 'Nguyen Van An', birthYear: 1950, commune: 'Tả Van' });
  });

  it('answers several households at once, in their order, and says CMND for a 9-digit ID', async () => {
    const result = await service.matchAll(dataSource.manager, [
      fields('Lù Văn Pao', 'Cốc San', 1947, null),
      fields('Tẩn Láo Sán', 'Bản Hồ', 1943, '063120457'),
      fields('Nguyễn Văn An', 'Tả Van', null, null),
    ]);
    expect(result.map((list) => list.map((c) => [c.id, c.reason]))).toEqual([
      [],
      [
        [ids.cmnd, 'same CMND; same name, birth year and commune'],
        [ids.cmndTwin, 'same CMND'],
      ],
      // Without a birth year the name rule cannot apply.
      [],
    ]);
  });

  it('looks only at records up to maxId, and leaves out excludeId', async () => {
    const an = fields('Nguyen Van An', 'Tả Van', 1950, '010050001234');
    const [upToFirst] = await service.matchAll(dataSource.manager, [an], { maxId: ids.an });
    expect(upToFirst.map((c) => c.id)).toEqual([ids.an]);
    const candidates = await service.candidatesFor(dataSource.manager, an, ids.an);
    expect(candidates.map((c) => c.id)).toEqual([ids.anAccented, ids.sameId]);
  });
});

describe('DuplicatesService.report', () => {
  it('lists each pair once, lower id first, with every reason; IDs masked for an auditor', async () => {
    const page = await service.report(auditor, 1, 50);
    // Nguyễn Văn An (1951) pairs with nobody; Tan Lao San has no birth year, so only the CMND pairs it.
    expect(page.total).toBe(3);
    expect(page.items.map((p) => [p.a.id, p.b.id, p.reasons])).toEqual([
      [ids.an, ids.anAccented, ['same name, birth year and commune']],
      [ids.an, ids.sameId, ['same CCCD']],
      [ids.cmnd, ids.cmndTwin, ['same CMND']],
    ]);
    expect(page.items[1].a.nationalId).toBe('0100******34');
    const whole = await service.report(accountant, 1, 50);
    expect(whole.items[1].a.nationalId).toBe('010050001234');
  });

  it('pages', async () => {
    const all = await service.report(accountant, 1, 50);
    const second = await service.report(accountant, 2, 2);
    expect(second.items).toHaveLength(1);
    expect(second).toMatchObject({ total: all.total, page: 2, pageSize: 2 });
    expect(second.items).toEqual(all.items.slice(2, 4));
  });
});

describe('DuplicatesService.markDistinct ("not a duplicate")', () => {
  it('remembers the pair, whichever way round it is named, so that the report stops flagging it', async () => {
    const marked = await service.markDistinct(accountant, ids.sameId, ids.an, '  Hai người khác nhau  ');
    expect(marked).toMatchObject({ aId: ids.an, bId: ids.sameId, reason: 'Hai người khác nhau' });
    expect(marked.decidedBy).toBe('ketoan');
    const page = await service.report(accountant, 1, 50);
    expect(page.total).toBe(2);
    expect(page.items.map((p) => [p.a.id, p.b.id])).toEqual([
      [ids.an, ids.anAccented],
      [ids.cmnd, ids.cmndTwin],
    ]);
  });

  it('refuses a pair marked twice, a pair no rule flags, one record twice, and a merged or unknown record', async () => {
    await expect(service.markDistinct(accountant, ids.an, ids.sameId, 'again')).rejects.toMatchObject({
      status: 409,
    });
    await expect(service.markDistinct(accountant, ids.an, ids.cmnd, 'x')).rejects.toMatchObject({
      status: 422,
    });
    await expect(service.markDistinct(accountant, ids.an, ids.an, 'x')).rejects.toMatchObject({
      status: 400,
    });
    await expect(service.markDistinct(accountant, ids.merged, ids.an, 'x')).rejects.toMatchObject({
      status: 422,
    });
    await expect(service.markDistinct(accountant, ids.an, 999_999, 'x')).rejects.toMatchObject({
      status: 404,
    });
    expect((await service.report(accountant, 1, 50)).total).toBe(2);
  });
});
