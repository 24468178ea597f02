import { Injectable, Logger } from '@nestjs/common';
import { CLI_ACTOR } from '../common/actor';
import { nowIso } from '../common/clock';
import type { Page } from '../common/pagination';
import { requestContext } from '../common/request-context';
import { AuditLogEntry } from '../database/entities';
import { UnitOfWork } from '../database/unit-of-work';
import { VerifyReport, VerifyService } from '../ledger/verify.service';
import { VerifyRun } from './verify-run.entity';

export interface VerifyRunView {
  at: string;
  ok: boolean;
  entriesChecked: number;
  firstProblem: string | null;
  runBy: string;
}

export interface AuditLogView {
  id: number;
  at: string;
  requestId: string | null;
  username: string;
  action: string;
  details: unknown;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly verifier: VerifyService,
  ) {}

  private readonly logger = new Logger('Audit');

  /** Verifies the whole journal, and keeps the run (time, result, entries checked, first problem). */
  async verify(onProgress?: (checked: number, total: number) => void): Promise<VerifyReport> {
    const report = await this.uow.snapshot((manager) => this.verifier.verify(manager, onProgress));
    await this.recordRun(report);
    return report;
  }

  /** The latest verification run, or null when the chain was never verified. */
  async lastRun(): Promise<VerifyRunView | null> {
    const [run] = await this.uow.manager.find(VerifyRun, { order: { id: 'DESC' }, take: 1 });
    if (!run) return null;
    return {
      at: run.at,
      ok: run.ok === 1,
      entriesChecked: run.entriesChecked,
      firstProblem: run.firstProblem,
      runBy: run.runBy,
    };
  }

  private async recordRun(report: VerifyReport): Promise<void> {
    const runBy = (requestContext.get()?.actor ?? CLI_ACTOR).username;
    try {
      await this.uow.write(
        (tx) =>
          tx.insert(VerifyRun, {
            at: nowIso(),
            ok: report.ok ? 1 : 0,
            entriesChecked: report.entriesChecked,
            firstProblem: report.problems[0]?.slice(0, 1000) ?? null,
            runBy: runBy.slice(0, 64),
          }),
        'verify',
      );
    } catch (error) {
      // The report stands even where the run cannot be kept (a read-only or full disk): say so in the log.
      this.logger.warn(`verify run not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async log(page: number, pageSize: number): Promise<Page<AuditLogView>> {
    const [rows, total] = await this.uow.manager.findAndCount(AuditLogEntry, {
      order: { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    const items = rows.map((r) => ({
      id: r.id,
      at: r.at,
      requestId: r.requestId,
      username: r.username,
      action: r.action,
      details: JSON.parse(r.details) as unknown,
    }));
    return { items, total, page, pageSize };
  }
}
