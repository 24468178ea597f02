import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { CurrentActor, IgnoresIdempotencyKey, Roles } from '../common/decorators';
import { pdfFile } from '../common/pdf-response';
import { attachmentFile } from '../attachments/attachments.service';
import { ContributionsService } from './contributions.service';
import {
  CreateContributionDto,
  EmailReceiptDto,
  ListContributionsQuery,
  ReceiptQuery,
  VoidContributionDto,
} from './dto';
import { ReceiptsService } from './receipts.service';

@ApiTags('contributions')
@ApiBearerAuth()
@Controller('api/contributions')
export class ContributionsController {
  constructor(
    private readonly contributions: ContributionsService,
    private readonly receipts: ReceiptsService,
  ) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateContributionDto) {
    return this.contributions.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListContributionsQuery) {
    return this.contributions.list(actor, q);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('contribution')) id: number) {
    return this.contributions.get(actor, id);
  }

  @Get(':id/receipt.pdf')
  @ApiProduces('application/pdf')
  async receipt(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('contribution')) id: number,
    @Query() q: ReceiptQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { receiptNo, pdf } = await this.receipts.pdf(actor, id, q.copy === 'true');
    return pdfFile(res, `${receiptNo}.pdf`, pdf);
  }

  /** A file kept with the contribution, as given, with its SHA-256 in X-Content-SHA256. */
  @Get(':id/attachments/:attachmentId')
  async attachment(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('contribution')) id: number,
    @Param('attachmentId', new ParseIdPipe('attachment')) attachmentId: number,
    @Res({ passthrough: true }) res: Response,
  ) {
    return attachmentFile(res, await this.receipts.attachment(actor, id, attachmentId));
  }

  @Post(':id/void')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  void(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('contribution')) id: number,
    @Body() dto: VoidContributionDto,
  ) {
    return this.contributions.void(actor, id, dto);
  }

  /** Each call is a new delivery attempt, recorded whatever its outcome; a retry key would hide a failed one. */
  @Post(':id/email')
  @HttpCode(200)
  @IgnoresIdempotencyKey()
  @Roles('accountant', 'admin')
  email(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('contribution')) id: number,
    @Body() dto: EmailReceiptDto,
  ) {
    return this.receipts.email(actor, id, dto.to);
  }

  @Get(':id/deliveries')
  deliveries(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('contribution')) id: number) {
    return this.receipts.deliveries(actor, id);
  }
}
