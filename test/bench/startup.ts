/**
 * startup: the built app (dist-bench/src/main.js, migrations already applied) from spawn to the first 200 from
 * /api/health, median of 5 starts (1 with --quick), and its RSS once idle; against a hello-world node:http server
 * started the same way.
 */
import * as path from 'node:path';
import { Bench, QUICK, fmt, mb, median, report, startApp, startServer } from './harness';

const HELLO = `require('node:http').createServer((q, s) => s.writeHead(200).end('{"status":"ok"}'))
  .listen(Number(process.env.PORT), '127.0.0.1')`;

const IDLE_MS = QUICK ? 1000 : 3000;

export const startup: Bench = {
  name: 'startup',
  async run({ dir }) {
    const starts = QUICK ? 1 : 5;
    const database = `sqlite:${path.join(dir, 'startup.sqlite')}`;
    // The first start creates the database and applies the migrations: not what is measured.
    await (await startApp(database)).stop();
    const app: number[] = [];
    let idle = 0;
    for (let i = 0; i < starts; i++) {
      const server = await startApp(database);
      app.push(server.startupMs);
      if (i === 0) {
        await new Promise((r) => setTimeout(r, IDLE_MS));
        idle = server.rss() ?? NaN;
      }
      await server.stop();
    }
    const hello: number[] = [];
    for (let i = 0; i < starts; i++) {
      const server = await startServer('-e', [HELLO], {});
      hello.push(server.startupMs);
      await server.stop();
    }
    const ms = median(app);
    const base = median(hello);
    report(
      {
        name: 'startup',
        unit: 'ms',
        value: ms,
        baseline: base,
        ratio: ms / base,
        target: '≤ 2 s',
        pass: ms <= 2000,
      },
      `hello-world node:http: ${fmt(base)} ms`,
      `built app to the first 200 from /api/health: ${fmt(ms)} ms (median of ${starts})`,
      'spawn to the first answer, migrations already applied',
    );
    const limit = 150 * 1024 * 1024;
    report(
      {
        name: 'startup.rss',
        unit: 'MB',
        value: idle / 1024 / 1024,
        baseline: 150,
        ratio: idle / limit,
        target: 'idle RSS ≤ 150 MB',
        pass: idle <= limit,
      },
      'limit 150 MB',
      `idle RSS ${IDLE_MS / 1000} s after the first answer: ${mb(idle)}`,
      'VmRSS of the idle server process',
    );
  },
};
