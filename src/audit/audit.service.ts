import { Injectable } from '@nestjs/common';
import type { Page } from '../common/pagination';
import { AuditLogEntry } from '../database/entities';
import { UnitOfWork } from '../database/unit-of-work';
import { VerifyReport, VerifyService } from '../ledger/verify.service';

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

  verify(onProgress?: (checked: number, total: number) => void): Promise<VerifyReport> {
    return this.uow.snapshot((manager) => this.verifier.verify(manager, onProgress));
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
