import { AuditService } from '../audit/audit.service';
import { loadConfig } from '../config/app-config';
import { openDatabase, openReader } from '../database/data-source';
import { UnitOfWork } from '../database/unit-of-work';
import { VerifyService } from '../ledger/verify.service';

/**
 * `verify [--json]`: recomputes the hash chains and every stored balance, and keeps the run (AuditService). Built
 * without the Nest application the other commands start: its modules were 0.6 s of CPU before the first entry was
 * read (issue 13), and verify needs only the database, the verifier and the audit service.
 */
export async function runVerify(args: string[]): Promise<number> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.database);
  const reader = await openReader(dataSource);
  try {
    const audit = new AuditService(new UnitOfWork(dataSource, reader), new VerifyService());
    const tty = process.stderr.isTTY;
    const report = await audit.verify((checked, total) => {
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
    if (reader !== dataSource && reader.isInitialized) await reader.destroy();
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
