/**
 * post.http: `POST /api/contributions` over HTTP with a real token, driven by autocannon (50 connections; 20,000
 * requests, 500 with --quick) against the built app on a fresh database, and the same load against a minimal
 * node:http server writing the same rows with raw driver calls, one transaction per request (baselines.ts).
 * post.http.pg is the same on PostgreSQL.
 */
import autocannon from 'autocannon';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  Api,
  Bench,
  CHILD_MAIN,
  QUICK,
  Server,
  createPgDatabase,
  fmt,
  report,
  skip,
  startApp,
  startServer,
} from './harness';

const CONNECTIONS = 50;
const REQUESTS = QUICK ? 500 : 20_000;

interface Load {
  rate: number;
  /** From the start to the last answer. */
  seconds: number;
  p50: number;
  p99: number;
  /** Answers with the expected status. */
  done: number;
  /** Answers with another status. */
  unexpected: number;
  errors: number;
  /** The server's CPU time per answered request, in ms: steadier than the rate on a shared machine. */
  cpuMs?: number;
}

/** CPU time (user + system) a live process has used so far, in ms; null without /proc. */
function cpuTime(pid: number | undefined): number | null {
  try {
    // The fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 a second).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** `run` (a load on `server`), with the server's CPU time per answered request. */
async function measured(server: Server, run: () => Promise<Load>): Promise<Load> {
  const before = cpuTime(server.child.pid);
  const result = await run();
  const after = cpuTime(server.child.pid);
  return before === null || after === null
    ? result
    : { ...result, cpuMs: (after - before) / (result.done || 1) };
}

const cpuText = (l: Load) => (l.cpuMs === undefined ? '' : `, ${fmt(l.cpuMs, 2)} ms CPU per request`);
const failed = (l: Load) => (l.unexpected + l.errors ? `, ${l.unexpected + l.errors} failed` : '');

/** A request autocannon repeats: its path, method, bearer token, body (or a body for each request in turn) and
 * the status that counts as answered. */
interface LoadRequest {
  path: string;
  method?: 'GET' | 'POST';
  token?: string;
  bodies?: string[];
  status?: number;
}

/** `amount` requests over `connections`, the rate over the time from the start to the last answer. */
async function drive(
  base: string,
  request: LoadRequest,
  amount: number,
  connections = CONNECTIONS,
): Promise<Load> {
  const bodies = request.bodies ?? [];
  let next = 0;
  // autocannon's own `duration` ends at its next one-second sample after the last answer, which at --quick sizes
  // (1–3 s) made every rate a round fraction of the requests (500 / 1.01 s, 500 / 2.01 s …).
  const started = performance.now();
  let answered = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: `${base}${request.path}`,
        method: request.method ?? 'GET',
        connections,
        amount,
        timeout: 60,
        headers: {
          'content-type': 'application/json',
          ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
        },
        body: bodies[0],
        requests:
          bodies.length > 1
            ? [{ setupRequest: (r) => ({ ...r, body: bodies[next++ % bodies.length] }) }]
            : undefined,
      },
      (error, answer) => (error ? reject(error as Error) : resolve(answer)),
    );
    run.on('response', () => {
      answered = performance.now();
    });
  });
  const done = result.statusCodeStats?.[`${request.status ?? 201}`]?.count ?? 0;
  const seconds = (answered - started) / 1000 || 1;
  return {
    rate: done / seconds,
    seconds,
    done,
    p50: result.latency.p50,
    p99: result.latency.p99,
    unexpected: result['2xx'] + result.non2xx - done,
    errors: result.errors + result.timeouts,
  };
}

const gift = (fundCode: string, donorId: number, amount = 1_000_000) =>
  JSON.stringify({ fundCode, donorId, date: '2023-07-20', amount, method: 'cash' });

/** `amount` contributions over autocannon's connections; with several funds, each request takes the next fund. */
const load = (
  base: string,
  token: string,
  donorId: number,
  amount: number,
  funds = ['F'],
  connections = CONNECTIONS,
): Promise<Load> =>
  drive(
    base,
    { path: '/api/contributions', method: 'POST', token, bodies: funds.map((f) => gift(f, donorId)) },
    amount,
    connections,
  );

/** Runs the load on both servers (a warm-up of a tenth first), the baseline first and the app second. */
async function compare(
  name: string,
  appDatabase: string,
  baselineDatabase: string,
  more?: (api: Api, donorId: number, server: Server) => Promise<void>,
): Promise<{ app: Load; raw: Load }> {
  let raw: Load;
  const baseline: Server = await startServer(CHILD_MAIN, ['baseline-server', baselineDatabase], {});
  try {
    await load(baseline.base, 'bench-token', 1, REQUESTS / 10);
    raw = await measured(baseline, () => load(baseline.base, 'bench-token', 1, REQUESTS));
  } finally {
    await baseline.stop();
  }
  const server = await startApp(appDatabase);
  try {
    const api = await Api.login(server.base);
    await api.post('/api/funds', { code: 'F', name: 'Quỹ Đền ơn đáp nghĩa (bench)', level: 'province' });
    const donor = await api.post<{ id: number }>('/api/donors', {
      name: 'Công ty CP Apatit Việt Nam',
      kind: 'enterprise',
    });
    await load(server.base, api.token, donor.id, REQUESTS / 10);
    const app = await measured(server, () => load(server.base, api.token, donor.id, REQUESTS));
    if (app.unexpected + app.errors > 0 || raw.unexpected + raw.errors > 0) {
      console.error(
        `${name}: app ${app.unexpected} unexpected answers, ${app.errors} errors; ` +
          `baseline ${raw.unexpected} unexpected answers, ${raw.errors} errors`,
      );
    }
    await more?.(api, donor.id, server);
    return { app, raw };
  } finally {
    await server.stop();
  }
}

function reportHttp(
  name: string,
  { app, raw }: { app: Load; raw: Load },
  ratioTarget: number,
  p99Target: number | null,
) {
  const ratio = app.rate / raw.rate;
  report(
    {
      name,
      unit: 'requests/s',
      value: app.rate,
      baseline: raw.rate,
      ratio,
      target: `ratio ≥ ${ratioTarget}`,
      pass: ratio >= ratioTarget && app.unexpected + app.errors === 0,
    },
    `raw driver: ${fmt(raw.rate)}/s, p50 ${raw.p50} ms, p99 ${raw.p99} ms${cpuText(raw)}`,
    `app: ${fmt(app.rate)}/s, p50 ${app.p50} ms, p99 ${app.p99} ms${cpuText(app)}${failed(app)}`,
    `${fmt(REQUESTS)} POST /api/contributions, ${CONNECTIONS} connections (autocannon)`,
  );
  if (p99Target !== null) {
    report(
      {
        name: `${name}.p99`,
        unit: 'ms',
        value: app.p99,
        baseline: raw.p99,
        ratio: app.p99 / raw.p99,
        target: `p99 ≤ ${p99Target} ms`,
        pass: app.p99 <= p99Target,
      },
      `raw driver p99: ${raw.p99} ms`,
      `app p99: ${app.p99} ms`,
      'the 99th percentile answer time of the same run',
    );
  }
}

/**
 * post.http.pg.funds: the same load spread over 4 funds at once, against all of it on 1 fund, on the same server
 * (2,000 requests each; 100 with --quick): with a write lock per fund, funds post in parallel.
 */
async function fourFunds(api: Api, donorId: number): Promise<void> {
  const funds = ['F', 'F2', 'F3', 'F4'];
  for (const code of funds.slice(1)) {
    await api.post('/api/funds', { code, name: `Quỹ Đền ơn đáp nghĩa ${code} (bench)`, level: 'province' });
  }
  const requests = QUICK ? 100 : REQUESTS / 10;
  const one = await load(api.base, api.token, donorId, requests);
  const four = await load(api.base, api.token, donorId, requests, funds);
  report(
    {
      name: 'post.http.pg.funds',
      unit: 'requests/s',
      value: four.rate,
      baseline: one.rate,
      ratio: four.rate / one.rate,
      target: 'informational (> 1: funds post in parallel)',
      pass: four.unexpected + four.errors === 0,
    },
    `1 fund: ${fmt(one.rate)}/s, p99 ${one.p99} ms`,
    `4 funds at once: ${fmt(four.rate)}/s, p99 ${four.p99} ms${failed(four)}`,
    `${fmt(requests)} POST /api/contributions over 4 funds against 1 fund, same server`,
  );
}

/**
 * post.http.pg.2proc: two app processes on the one PostgreSQL database, 25 connections each, against one process
 * with 50 (2,000 requests a side; 100 with --quick); then GET /api/audit/verify must find the hash chain, the entry
 * numbers and the balances whole: the lock and the numbering hold across processes.
 */
async function twoProcesses(databaseUrl: string, api: Api, donorId: number): Promise<void> {
  const requests = QUICK ? 100 : REQUESTS / 10;
  const one = await load(api.base, api.token, donorId, requests);
  const second = await startApp(databaseUrl);
  let two: Load;
  let verified: { ok: boolean; entriesChecked: number; problems: string[] };
  try {
    await load(second.base, api.token, donorId, 20, ['F'], 10);
    const halves = await Promise.all(
      [api.base, second.base].map((base) =>
        load(base, api.token, donorId, requests / 2, ['F'], CONNECTIONS / 2),
      ),
    );
    // Both start together: the run lasts until the later one's last answer.
    const seconds = Math.max(...halves.map((h) => h.seconds));
    two = {
      rate: halves.reduce((sum, h) => sum + h.done, 0) / seconds,
      seconds,
      p50: Math.max(...halves.map((h) => h.p50)),
      p99: Math.max(...halves.map((h) => h.p99)),
      done: halves.reduce((sum, h) => sum + h.done, 0),
      unexpected: halves.reduce((sum, h) => sum + h.unexpected, 0),
      errors: halves.reduce((sum, h) => sum + h.errors, 0),
    };
    verified = await api.get('/api/audit/verify');
  } finally {
    await second.stop();
  }
  const failures = two.unexpected + two.errors;
  report(
    {
      name: 'post.http.pg.2proc',
      unit: 'requests/s',
      value: two.rate,
      baseline: one.rate,
      ratio: two.rate / one.rate,
      target: 'informational; verify ok',
      pass: verified.ok && failures === 0,
    },
    `1 process: ${fmt(one.rate)}/s, p99 ${one.p99} ms`,
    `2 processes: ${fmt(two.rate)}/s, p99 ${two.p99} ms${failed(two)}; ` +
      `verify ${verified.ok ? 'ok' : 'FAILED'} over ${fmt(verified.entriesChecked)} entries`,
    `${fmt(requests)} POST /api/contributions, two app processes on one PostgreSQL database against one`,
  );
  if (!verified.ok) console.error('post.http.pg.2proc: verify found', verified.problems.slice(0, 5));
}

/**
 * post.http.floor (informational): what the app's request path costs before a gift writes anything, on the same
 * server after its measured gifts, against the raw server's whole gift: `GET /api/health` (no token, no database),
 * `GET /api/funds` with the token (its session, the guards, one read) and the gift refused by validation (an amount
 * below zero: 400, nothing written). At a ratio of 0.4 for the gift, these show how much of its budget the path
 * alone takes (docs/benchmarks.md).
 */
async function floorLoads(api: Api, donorId: number, server: Server): Promise<[string, string, Load][]> {
  const requests: [string, string, LoadRequest][] = [
    ['health', 'GET /api/health', { path: '/api/health', status: 200 }],
    ['read', 'GET /api/funds with a token', { path: '/api/funds', token: api.token, status: 200 }],
    [
      'refused',
      'the gift refused by validation (400)',
      {
        path: '/api/contributions',
        method: 'POST',
        token: api.token,
        bodies: [gift('F', donorId, -5)],
        status: 400,
      },
    ],
  ];
  const loads: [string, string, Load][] = [];
  for (const [key, what, request] of requests) {
    await drive(server.base, request, REQUESTS / 10);
    loads.push([key, what, await measured(server, () => drive(server.base, request, REQUESTS))]);
  }
  return loads;
}

function reportFloor(loads: [string, string, Load][], raw: Load): void {
  for (const [key, what, floor] of loads) {
    const failures = floor.unexpected + floor.errors;
    report(
      {
        name: `post.http.floor.${key}`,
        unit: 'requests/s',
        value: floor.rate,
        baseline: raw.rate,
        ratio: floor.rate / raw.rate,
        target: 'informational (the gift: ratio ≥ 0.4)',
        pass: failures === 0,
      },
      `raw driver's whole gift: ${fmt(raw.rate)}/s${cpuText(raw)}`,
      `app, ${what}: ${fmt(floor.rate)}/s${cpuText(floor)}${failed(floor)}`,
      `the app's request path without the write: ${fmt(REQUESTS)} requests, ${CONNECTIONS} connections, same server`,
    );
  }
}

export const postHttp: Bench = {
  name: 'post.http',
  async run({ dir }) {
    let floor: [string, string, Load][] = [];
    const result = await compare(
      'post.http',
      `sqlite:${path.join(dir, 'post-http.sqlite')}`,
      path.join(dir, 'post-http-raw.sqlite'),
      async (api, donorId, server) => {
        floor = await floorLoads(api, donorId, server);
      },
    );
    reportHttp('post.http', result, 0.4, 50);
    reportFloor(floor, result.raw);
  },
};

export const postHttpPg: Bench = {
  name: 'post.http.pg',
  async run() {
    const appDb = await createPgDatabase('post_app');
    if (!appDb) return skip('post.http.pg', 'requests/s', 'ratio ≥ 0.4', 'no PostgreSQL');
    const rawDb = await createPgDatabase('post_raw');
    try {
      if (!rawDb) throw new Error('PostgreSQL answered once, then not');
      const result = await compare('post.http.pg', appDb.url, rawDb.url, async (api, donorId) => {
        await fourFunds(api, donorId);
        await twoProcesses(appDb.url, api, donorId);
      });
      reportHttp('post.http.pg', result, 0.4, null);
    } finally {
      await appDb.drop();
      await rawDb?.drop();
    }
  },
};
