import 'reflect-metadata';
import { createApp, listen } from './app.factory';
import { ConfigError, DEFAULT_HOST, loadConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await listen(app, config);
  const where = config.database.type === 'sqlite' ? config.database.path : 'PostgreSQL';
  const host = config.host ?? DEFAULT_HOST;
  const shown = host.includes(':') ? `[${host}]` : host;
  console.log(
    `Quỹ Đền ơn đáp nghĩa ledger listening on http://${shown}:${config.port} (database: ${where}; API docs at /api/docs)`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
