import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { assertUnscoped } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { PageQuery } from '../common/pagination';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Recomputes the hash chain and every stored balance; names the first mismatch. */
  @Get('verify')
  @Roles('auditor', 'admin')
  verify(@CurrentActor() actor: Actor) {
    assertUnscoped(actor, 'verify the whole journal');
    return this.audit.verify();
  }

  @Get('log')
  @Roles('auditor', 'admin')
  log(@CurrentActor() actor: Actor, @Query() q: PageQuery) {
    assertUnscoped(actor, 'read the whole audit log');
    return this.audit.log(q.page, q.pageSize);
  }
}
