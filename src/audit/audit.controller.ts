import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators';
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
  verify() {
    return this.audit.verify();
  }

  @Get('log')
  @Roles('auditor', 'admin')
  log(@Query() q: PageQuery) {
    return this.audit.log(q.page, q.pageSize);
  }
}
