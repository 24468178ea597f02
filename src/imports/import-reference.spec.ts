import type { Actor } from '../common/actor';
import { FundFacts, ImportReference } from './import-reference';

const fund = (code: string, facts: Partial<FundFacts> = {}): [string, FundFacts] => [
  code,
  { code, status: 'active', lockedThrough: null, validFrom: null, validTo: null, ...facts },
];

const admin: Actor = { userId: 1, username: 'admin', role: 'admin', fundScope: null };
const commune: Actor = {
  userId: 2,
  username: 'ketoan-bt',
  role: 'accountant',
  fundScope: new Set(['LC-BT']),
};

function reference(actor: Actor = admin): ImportReference {
  return new ImportReference(
    new Map([
      fund('LC', { lockedThrough: '2015-12-31' }),
      fund('LC-BT'),
      fund('YB', { status: 'closed', validTo: '2025-06-30' }),
      fund('LC-NEW', { validFrom: '2025-07-01' }),
    ]),
    new Set(['T7-2023']),
    actor,
    '2025-08-01',
  );
}

describe('ImportReference.check', () => {
  it('passes a row of an open fund after its lock date', () => {
    expect(reference().check({ fundCode: 'LC', date: '2016-01-01', campaign: 'T7-2023' })).toEqual([]);
  });

  it('refuses an unknown fund and an unknown campaign', () => {
    expect(reference().check({ fundCode: 'HN', date: '2020-01-01', campaign: 'T7-2099' })).toEqual([
      'fund_code HN is not a known fund',
      'campaign T7-2099 is not a known campaign',
    ]);
  });

  it('refuses a date on or before the lock date, outside the fund’s life, or in the future', () => {
    expect(reference().check({ fundCode: 'LC', date: '2015-12-31', campaign: null })).toEqual([
      "date 2015-12-31 is on or before fund LC's lock date 2015-12-31",
    ]);
    expect(reference().check({ fundCode: 'YB', date: '2025-07-01', campaign: null })).toEqual([
      'fund YB is closed',
      'date 2025-07-01 is after fund YB ended (2025-06-30)',
    ]);
    expect(reference().check({ fundCode: 'LC-NEW', date: '2023-07-01', campaign: null })).toEqual([
      'date 2023-07-01 is before fund LC-NEW existed (from 2025-07-01)',
    ]);
    expect(reference().check({ fundCode: 'LC', date: '2025-08-02', campaign: null })).toEqual([
      'date 2025-08-02 is in the future',
    ]);
  });

  it("keeps a scoped user to the user's funds", () => {
    expect(reference(commune).check({ fundCode: 'LC-BT', date: '2020-01-01', campaign: null })).toEqual([]);
    expect(reference(commune).check({ fundCode: 'LC', date: '2020-01-01', campaign: null })).toEqual([
      'fund_code LC is outside the funds user ketoan-bt may write to',
    ]);
  });

  it('checks what it can of a row whose fields could not all be read', () => {
    expect(reference().check({ fundCode: null, date: null, campaign: 'X' })).toEqual([
      'campaign X is not a known campaign',
    ]);
    expect(reference().check({ fundCode: 'YB', date: null, campaign: null })).toEqual(['fund YB is closed']);
  });
});
