import { todayInVietnam } from './clock';

describe('todayInVietnam', () => {
  const zoned = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });

  it('turns the date at 17:00 UTC, midnight in Vietnam', () => {
    expect(todayInVietnam(new Date('2023-12-31T16:59:59.999Z'))).toBe('2023-12-31');
    expect(todayInVietnam(new Date('2023-12-31T17:00:00.000Z'))).toBe('2024-01-01');
    expect(todayInVietnam(new Date('2024-02-28T17:00:00.000Z'))).toBe('2024-02-29');
  });

  it('agrees with the time zone database at every hour from 1976 to 2040', () => {
    const hour = 3_600_000;
    const start = Date.UTC(1976, 0, 1);
    const end = Date.UTC(2040, 0, 1);
    // Every 31 hours and 13 minutes: each hour of the day in turn, over every month of the years.
    for (let t = start; t < end; t += 31 * hour + 13 * 60_000) {
      const now = new Date(t);
      if (todayInVietnam(now) !== zoned.format(now))
        throw new Error(`${now.toISOString()}: ${zoned.format(now)}`);
    }
  });
});
