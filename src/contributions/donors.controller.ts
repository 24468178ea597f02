import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { pdfFile } from '../common/pdf-response';
import { CampaignsService } from './campaigns.service';
import { DonorsService } from './donors.service';
import { CreateCampaignDto, CreateDonorDto, MergeDonorDto, SearchDonorsQuery, StatementQuery } from './dto';
import { ReceiptsService } from './receipts.service';

@ApiTags('donors')
@ApiBearerAuth()
@Controller('api/donors')
export class DonorsController {
  constructor(
    private readonly donors: DonorsService,
    private readonly receipts: ReceiptsService,
  ) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateDonorDto) {
    return this.donors.create(dto, actor);
  }

  /** Changes a donor's details (the whole record, as on creation); the kind only while it has no contribution. */
  @Patch(':id')
  @Roles('accountant', 'admin')
  update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('donor')) id: number,
    @Body() dto: CreateDonorDto,
  ) {
    return this.donors.update(actor, id, dto);
  }

  @Get()
  search(@CurrentActor() actor: Actor, @Query() q: SearchDonorsQuery) {
    return this.donors.search(actor, q);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('donor')) id: number) {
    return this.donors.get(actor, id);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  merge(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('donor')) id: number,
    @Body() dto: MergeDonorDto,
  ) {
    return this.donors.merge(actor, id, dto.intoId, dto.reason);
  }

  /** The yearly thank-you letter (thư cảm ơn) listing the donor's receipts in one fund. */
  @Get(':id/statement.pdf')
  @ApiProduces('application/pdf')
  async statement(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('donor')) id: number,
    @Query() q: StatementQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const pdf = await this.receipts.donorStatement(actor, id, q.fund, q.year);
    return pdfFile(res, `thu-cam-on-${id}-${q.year}.pdf`, pdf);
  }
}

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @Roles('accountant', 'admin')
  create(@Body() dto: CreateCampaignDto) {
    return this.campaigns.create(dto);
  }

  @Get()
  list() {
    return this.campaigns.list();
  }
}
