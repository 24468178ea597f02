/**
 * admin.pages: the web admin's dashboard, contributions list and statement page on the Lào Cai demo books
 * (built with the product's demo builder; --quick uses a small book of 300 receipts posted through the API),
 * 200 requests each (20 with --quick), one after the other, against /api/health on the same server (the built
 * app, a child process).
 */
import * as path from 'node:path';
import { buildDemo } from '../../src/demo/demo-builder';
import {
  ADMIN_PASSWORD,
  Api,
  Bench,
  QUICK,
  fmt,
  median,
  percentile,
  report,
  samples,
  startApp,
} from './harness';

/** A small book for --quick: one fund, one donor and 300 receipts over three years, through the API. */
async function smallBook(api: Api): Promise<void> {
  await api.post('/api/funds', { code: 'LC', name: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', level: 'province' });
  const donor = await api.post<{ id: number }>('/api/donors', {
    name: 'Công ty CP Apatit Việt Nam',
    kind: 'enterprise',
  });
  for (let i = 0; i < 300; i++) {
    // In date order: a receipt dated before the latest of its series is a late entry, which needs an approver.
    const day = i % 100;
    const date = `${2021 + Math.floor(i / 100)}-${String(1 + Math.floor(day / 9)).padStart(2, '0')}-${String(1 + (day % 9) * 3).padStart(2, '0')}`;
    await api.post('/api/contributions', {
      fundCode: 'LC',
      donorId: donor.id,
      date,
      amount: String(1_000_000 + i * 1000),
      method: i % 2 ? 'cash' : 'bank',
    });
  }
}

export const adminPages: Bench = {
  name: 'admin.pages',
  async run({ dir }) {
    const file = path.join(dir, QUICK ? 'small.sqlite' : 'demo.sqlite');
    if (!QUICK) await buildDemo({ database: { type: 'sqlite', path: file }, adminPassword: ADMIN_PASSWORD });
    const server = await startApp(`sqlite:${file}`);
    try {
      const api = await Api.login(server.base);
      if (QUICK) await smallBook(api);
      const headers = { cookie: `den_admin_session=${api.token}; den_admin_fund=LC` };
      const requests = QUICK ? 20 : 200;
      const measure = async (url: string) => {
        const first = await fetch(`${server.base}${url}`, { headers });
        if (first.status !== 200) throw new Error(`${url}: ${first.status}`);
        await first.text();
        return samples(requests, async () => (await fetch(`${server.base}${url}`, { headers })).text());
      };
      const health = median(await measure('/api/health'));
      const pages: [string, string][] = [
        ['dashboard', '/admin?consolidated=on'],
        ['contributions', '/admin/contributions'],
        ['statement', '/admin/reports?from=01/01/2013&to=31/12/2023&consolidated=on'],
      ];
      for (const [name, url] of pages) {
        const times = await measure(url);
        const p50 = median(times);
        report(
          {
            name: `admin.pages.${name}`,
            unit: 'ms',
            value: p50,
            baseline: health,
            ratio: p50 / health,
            target: 'p50 ≤ 300 ms',
            pass: p50 <= 300,
          },
          `/api/health p50: ${fmt(health, 1)} ms`,
          `${url.split('?')[0]} p50 ${fmt(p50, 1)} ms, p99 ${fmt(percentile(times, 99), 1)} ms (${requests} requests)`,
          `a page of the web admin on the ${QUICK ? 'small' : 'demo'} books`,
        );
      }
    } finally {
      await server.stop();
    }
  },
};
