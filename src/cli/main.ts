import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuditService } from '../audit/audit.service';
import { ConfigError, loadConfig } from '../config/app-config';
import { openDatabase } from '../database/data-source';
import { CliModule } from './cli.module';

const HELP = `Quỹ Đền ơn đáp nghĩa ledger — command line

Usage: npm run cli -- <command> [options]

Commands:
  verify [--json]   Recompute the hash chain and every stored balance; name the first mismatch.
                    Exits 0 when the books are whole, 1 when anything does not match.
  help              Show this text.

The database is DATABASE_URL (default sqlite:data/ledger.sqlite), as for npm start.`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async verify(args) {
    const config = loadConfig();
    const dataSource = await openDatabase(config.database);
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, dataSource), {
      logger: ['error'],
    });
    try {
      const tty = process.stderr.isTTY;
      const report = await app.get(AuditService).verify((checked, total) => {
        if (tty) process.stderr.write(`\rchecking entries: ${checked}/${total}`);
      });
      if (tty) process.stderr.write('\n');
      if (args.includes('--json')) {
        console.log(JSON.stringify(report, null, 2));
      } else if (report.ok) {
        console.log(
          `OK: ${report.entriesChecked} entries, hash chain and balances verified (head ${report.chainHead})`,
        );
      } else {
        console.log(
          `FAILED: ${report.problems.length} problem(s) in ${report.entriesChecked} entries; the first:`,
        );
        for (const problem of report.problems) console.log(`  - ${problem}`);
      }
      return report.ok ? 0 : 1;
    } finally {
      await app.close();
    }
  },
  help() {
    console.log(HELP);
    return Promise.resolve(0);
  },
};

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  const command = commands[name === '--help' || name === '-h' ? 'help' : name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  },
);
