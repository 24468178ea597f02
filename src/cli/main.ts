import 'reflect-metadata';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import type { BeneficiaryImportReport } from '../beneficiaries/beneficiary-import.service';
import { CLI_ACTOR } from '../common/actor';
import { DomainError, InvalidRequestError } from '../common/errors';
import { requestContext } from '../common/request-context';
import { ConfigError, loadConfig } from '../config/app-config';
import { openDatabase } from '../database/data-source';
import type { ImportReport } from '../imports/contribution-import.service';
import { ProgressBar } from './progress';

// Each command loads its own modules when it runs: the Nest application and the features behind it were 0.6 s of
// CPU at every start, which `verify` (verify-command.ts) does not need (issue 13).

async function helpText(): Promise<string> {
  const [{ EXPORT_HELP }, { BACKUP_HELP }, { VERIFY_PUBLIC_HELP }] = await Promise.all([
    import('./export-commands'),
    import('./backup-commands'),
    import('./verify-public-command'),
  ]);
  return `Quỹ Đền ơn đáp nghĩa ledger — command line

Usage: npm run cli -- <command> [options]

Commands:
  verify [--json]   Recompute the hash chain and every stored balance; name the first mismatch.
                    Exits 0 when the books are whole, 1 when anything does not match.
  import contributions <file.csv|file.xlsx> [--partial] [--user <username>] [--json]
                    Import contributions (header row: fund_code,date,donor_name,donor_kind,amount,method,
                    then optionally campaign,purpose,donor_address,donor_email,donor_tax_code,reference).
                    All-or-nothing: one bad row and nothing is written, every bad row is listed by line.
                    --partial imports the good rows anyway. Importing a file again adds nothing.
                    --user records the import as that accountant or admin (and keeps to the user's funds).
                    Exits 0 when every row was imported or already there, 1 when rows (or the file) are bad.
  import beneficiaries <file.csv|file.xlsx> [--partial] [--user <username>] [--json]
                    Import households (header row: full_name,category,commune, then optionally national_id,
                    birth_year,address,record_no,housing_condition; Vietnamese names such as ho_ten, doi_tuong,
                    xa, cccd, nam_sinh are accepted). Same rules and exit codes as contributions. Possible
                    duplicates (same CCCD, or same name, birth year and commune) are imported and listed.
${EXPORT_HELP}
${BACKUP_HELP}
${VERIFY_PUBLIC_HELP}
  help              Show this text.

The database is DATABASE_URL (default sqlite:data/ledger.sqlite), as for npm start.`;
}

type Command = (args: string[]) => Promise<number>;

const IMPORT_USAGE =
  'usage: npm run cli -- import contributions|beneficiaries <file.csv|file.xlsx> [--partial] [--user <username>] [--json]';
const IMPORT_KINDS = ['contributions', 'beneficiaries'] as const;

interface ImportArgs {
  kind: (typeof IMPORT_KINDS)[number];
  file: string;
  partial: boolean;
  user: string | null;
  json: boolean;
}

function importArgs(args: string[]): ImportArgs | string {
  const [what, ...rest] = args;
  const kind = IMPORT_KINDS.find((k) => k === what);
  if (!kind) return `import what? "contributions" or "beneficiaries"\n${IMPORT_USAGE}`;
  const parsed: ImportArgs = { kind, file: '', partial: false, user: null, json: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--partial') parsed.partial = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg === '--user' && rest[i + 1] !== undefined) parsed.user = rest[++i];
    else if (arg.startsWith('--') || parsed.file !== '')
      return `unexpected argument "${arg}"\n${IMPORT_USAGE}`;
    else parsed.file = arg;
  }
  if (parsed.file === '') return `which file?\n${IMPORT_USAGE}`;
  if (!existsSync(parsed.file) || !statSync(parsed.file).isFile())
    return `file ${parsed.file} does not exist`;
  return parsed;
}

function printImport(report: ImportReport | BeneficiaryImportReport): void {
  const duplicates =
    'possibleDuplicateCount' in report ? `, ${report.possibleDuplicateCount} possible duplicates` : '';
  console.log(
    `Imported ${report.fileName}${report.partial ? ' (--partial)' : ''}: ${report.rowsTotal} rows, ` +
      `${report.imported} imported, ${report.skipped} skipped (imported before), ${report.badRowCount} bad` +
      `${duplicates}. Import #${report.importId}, file sha256 ${report.fileSha256}.`,
  );
  if (report.badRowCount > 0) {
    console.log('These rows were not imported:');
    for (const row of report.badRows) console.log(`  line ${row.line}: ${row.errors.join('; ')}`);
    if (report.badRowCount > report.badRows.length) {
      console.log(`  … and ${report.badRowCount - report.badRows.length} more`);
    }
  }
  if ('possibleDuplicates' in report && report.possibleDuplicateCount > 0) {
    console.log('Possible duplicates (imported; review them with GET /api/beneficiaries/duplicates):');
    for (const d of report.possibleDuplicates) {
      console.log(
        `  line ${d.line}: ${d.reason} as ${d.id !== undefined ? `beneficiary #${d.id}` : `line ${d.otherLine}`}`,
      );
    }
    if (report.possibleDuplicateCount > report.possibleDuplicates.length) {
      console.log(`  … and ${report.possibleDuplicateCount - report.possibleDuplicates.length} more`);
    }
  }
}

const commands: Record<string, Command> = {
  verify: async (args) => (await import('./verify-command')).runVerify(args),
  async import(args) {
    const parsed = importArgs(args);
    if (typeof parsed === 'string') {
      console.error(parsed);
      return 2;
    }
    const [
      { NestFactory },
      { CliModule },
      { BeneficiaryImportService },
      { ContributionImportService, ImportRejectedError },
    ] = await Promise.all([
      import('@nestjs/core'),
      import('./cli.module'),
      import('../beneficiaries/beneficiary-import.service'),
      import('../imports/contribution-import.service'),
    ]);
    // An import makes garbage fast, and V8 let its old space grow to 4× the live data between full collections:
    // peak RSS 290–330 MB for 300,000–10⁶ rows. Growing it 2× at most: 300,000 rows 308 → 222 MB for some 10 % more
    // CPU (a one-shot process: nothing else runs with the setting; issue 13).
    v8.setFlagsFromString('--heap-growing-percent=100');
    const config = loadConfig();
    const dataSource = await openDatabase(config.database);
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, dataSource), {
      logger: ['error'],
    });
    const bar = process.stderr.isTTY ? new ProgressBar(process.stderr) : null;
    try {
      const importer =
        parsed.kind === 'beneficiaries'
          ? app.get(BeneficiaryImportService)
          : app.get(ContributionImportService);
      const actor = parsed.user === null ? CLI_ACTOR : await importer.actorNamed(parsed.user);
      const source = { path: path.resolve(parsed.file), name: path.basename(parsed.file) };
      const options = { partial: parsed.partial, onProgress: bar?.update };
      const report = await requestContext.run(
        { requestId: `cli-${process.pid}`, actor, action: `cli import ${parsed.kind}` },
        (): Promise<ImportReport | BeneficiaryImportReport> =>
          importer instanceof BeneficiaryImportService
            ? importer.importBeneficiaries(actor, source, options)
            : importer.importContributions(actor, source, options),
      );
      bar?.done();
      if (parsed.json) console.log(JSON.stringify({ ok: true, ...report }, null, 2));
      else printImport(report);
      return report.badRowCount > 0 ? 1 : 0;
    } catch (error) {
      bar?.done();
      if (error instanceof ImportRejectedError) {
        const { rowsTotal, badRowCount, badRows } = error;
        if (parsed.json) console.log(JSON.stringify({ ok: false, rowsTotal, badRowCount, badRows }, null, 2));
        else
          console.log(
            `REJECTED ${path.basename(parsed.file)}:\n${error.messages.map((m) => `  ${m}`).join('\n')}`,
          );
        return 1;
      }
      if (error instanceof DomainError) {
        if (parsed.json) console.log(JSON.stringify({ ok: false, problems: error.messages }, null, 2));
        else
          console.error(
            `REJECTED ${path.basename(parsed.file)}:\n${error.messages.map((m) => `  ${m}`).join('\n')}`,
          );
        return error instanceof InvalidRequestError ? 1 : 2;
      }
      throw error;
    } finally {
      await app.close();
    }
  },
  export: async (args) => (await import('./export-commands')).runExport(args),
  'verify-bundle': async (args) => (await import('./export-commands')).runVerifyBundle(args),
  backup: async (args) => (await import('./backup-commands')).runBackup(args),
  restore: async (args) => (await import('./backup-commands')).runRestore(args),
  'verify-public': async (args) => (await import('./verify-public-command')).runVerifyPublic(args),
  async help() {
    console.log(await helpText());
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  const command = commands[name === '--help' || name === '-h' ? 'help' : name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${await helpText()}`);
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
