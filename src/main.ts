import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port);
  const where = config.database.type === 'sqlite' ? config.database.path : 'PostgreSQL';
  console.log(
    `Quỹ Đền ơn đáp nghĩa ledger listening on http://localhost:${config.port} (database: ${where}; API docs at /api/docs)`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
