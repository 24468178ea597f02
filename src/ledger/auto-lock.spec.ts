import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { autoLockedThrough, autoLockRule } from './auto-lock';

describe('periods lock automatically N days after the month ends', () => {
  it('locks a month from the (N+1)th day after its last day', () => {
    expect(autoLockedThrough('2027-02-15', 15, '2026-01-01')).toBe('2026-12-31');
    expect(autoLockedThrough('2027-02-16', 15, '2026-01-01')).toBe('2027-01-31');
    expect(autoLockedThrough('2027-03-15', 15, '2026-01-01')).toBe('2027-01-31');
    expect(autoLockedThrough('2027-03-16', 15, '2026-01-01')).toBe('2027-02-28');
    expect(autoLockedThrough('2024-03-16', 15, '2023-01-01')).toBe('2024-02-29');
    // N = 0: the day after the month ends.
    expect(autoLockedThrough('2027-02-01', 0, '2026-01-01')).toBe('2027-01-31');
    expect(autoLockedThrough('2027-01-31', 0, '2026-01-01')).toBe('2026-12-31');
  });

  it('leaves alone the months that ended before the books were opened here, and is off with null', () => {
    expect(autoLockedThrough('2026-12-02', 15, '2026-12-02')).toBeNull();
    expect(autoLockedThrough('2027-01-15', 15, '2026-12-02')).toBeNull();
    expect(autoLockedThrough('2027-01-16', 15, '2026-12-02')).toBe('2026-12-31');
    expect(autoLockedThrough('2030-01-01', null, '2026-12-02')).toBeNull();
  });

  it('reads N from data/policy.json and refuses a bad value', () => {
    expect(autoLockRule().daysAfterMonthEnd).toBe(15);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auto-lock-'));
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify({ rules: { period_auto_lock: { daysAfterMonthEnd: -1 } } }));
    expect(() => autoLockRule(file)).toThrow(/daysAfterMonthEnd must be a whole number/);
    fs.writeFileSync(file, JSON.stringify({ rules: { period_auto_lock: { daysAfterMonthEnd: null } } }));
    expect(autoLockRule(file).daysAfterMonthEnd).toBeNull();
  });
});
