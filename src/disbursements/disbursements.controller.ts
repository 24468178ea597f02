import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { pdfFile } from '../common/pdf-response';
import { attachmentFile } from '../attachments/attachments.service';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DisbursementsService } from './disbursements.service';
import {
  ApproveDto,
  CompleteProjectDto,
  CreateDisbursementDto,
  CreateHouseProjectDto,
  ListDisbursementsQuery,
  PayDto,
  ProjectSummaryQuery,
  ReasonDto,
  ReverseDisbursementDto,
  VoucherQuery,
} from './dto';
import { HouseProjectsService } from './house-projects.service';
import { PaymentVouchersService } from './payment-vouchers.service';

const id = () => new ParseIdPipe('disbursement');

@ApiTags('disbursements')
@ApiBearerAuth()
@Controller('api/disbursements')
export class DisbursementsController {
  constructor(
    private readonly disbursements: DisbursementsService,
    private readonly vouchers: PaymentVouchersService,
  ) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateDisbursementDto) {
    return this.disbursements.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListDisbursementsQuery) {
    return this.disbursements.list(actor, q);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', id()) disbursementId: number) {
    return this.disbursements.get(actor, disbursementId);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  submit(@CurrentActor() actor: Actor, @Param('id', id()) disbursementId: number) {
    return this.disbursements.submit(actor, disbursementId);
  }

  /** Accountants reach the service so that approving one's own request answers 422, as maker–checker demands. */
  @Post(':id/approve')
  @HttpCode(200)
  @Roles('approver', 'admin', 'accountant')
  approve(@CurrentActor() actor: Actor, @Param('id', id()) disbursementId: number, @Body() dto: ApproveDto) {
    return this.disbursements.approve(actor, disbursementId, dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('approver', 'admin')
  reject(@CurrentActor() actor: Actor, @Param('id', id()) disbursementId: number, @Body() dto: ReasonDto) {
    return this.disbursements.reject(actor, disbursementId, dto.reason);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('accountant', 'approver', 'admin')
  cancel(@CurrentActor() actor: Actor, @Param('id', id()) disbursementId: number, @Body() dto: ReasonDto) {
    return this.disbursements.cancel(actor, disbursementId, dto.reason);
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Roles('cashier', 'accountant', 'admin')
  pay(@CurrentActor() actor: Actor, @Param('id', id()) disbursementId: number, @Body() dto: PayDto) {
    const { date, ...details } = dto;
    return this.disbursements.pay(actor, disbursementId, date, details);
  }

  @Post(':id/reverse')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id', id()) disbursementId: number,
    @Body() dto: ReverseDisbursementDto,
  ) {
    return this.disbursements.reverse(actor, disbursementId, dto.reason, dto.date);
  }

  @Get(':id/voucher.pdf')
  @ApiProduces('application/pdf')
  async voucher(
    @CurrentActor() actor: Actor,
    @Param('id', id()) disbursementId: number,
    @Query() q: VoucherQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { voucherNo, pdf } = await this.vouchers.pdf(actor, disbursementId, q.copy === 'true');
    return pdfFile(res, `${voucherNo}.pdf`, pdf);
  }

  /** A file kept with the payment, as given, with its SHA-256 in X-Content-SHA256. */
  @Get(':id/attachments/:attachmentId')
  async attachment(
    @CurrentActor() actor: Actor,
    @Param('id', id()) disbursementId: number,
    @Param('attachmentId', new ParseIdPipe('attachment')) attachmentId: number,
    @Res({ passthrough: true }) res: Response,
  ) {
    return attachmentFile(res, await this.vouchers.attachment(actor, disbursementId, attachmentId));
  }
}

@ApiTags('disbursements')
@ApiBearerAuth()
@Controller('api/house-projects')
export class HouseProjectsController {
  constructor(private readonly projects: HouseProjectsService) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateHouseProjectDto) {
    return this.projects.create(actor, dto);
  }

  /** "N households, X from all sources, of which Y from the fund". */
  @Get('summary')
  summary(@CurrentActor() actor: Actor, @Query() q: ProjectSummaryQuery) {
    return this.projects.summary(actor, q.fund, q.consolidated === 'true', q.from, q.to);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('house project')) projectId: number) {
    return this.projects.get(actor, projectId);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  complete(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('house project')) projectId: number,
    @Body() dto: CompleteProjectDto,
  ) {
    return this.projects.complete(actor, projectId, dto);
  }
}
