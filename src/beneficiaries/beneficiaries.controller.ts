import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ImportUpload, UploadedImport, type ImportUploaded } from '../imports/upload';
import { BeneficiariesService } from './beneficiaries.service';
import { BeneficiaryImportService } from './beneficiary-import.service';
import {
  CreateBeneficiaryDto,
  DuplicatesQuery,
  MergeBeneficiaryDto,
  NotDuplicateDto,
  SearchBeneficiariesQuery,
} from './dto';
import { DuplicatesService } from './duplicates.service';

@ApiTags('beneficiaries')
@ApiBearerAuth()
@Controller('api/beneficiaries')
export class BeneficiariesController {
  constructor(
    private readonly beneficiaries: BeneficiariesService,
    private readonly duplicates: DuplicatesService,
  ) {}

  /** Registers a household; possible duplicates are flagged in the answer, never refused. */
  @Post()
  @Roles('accountant', 'admin')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateBeneficiaryDto) {
    return this.beneficiaries.create(actor, dto);
  }

  @Get()
  search(@CurrentActor() actor: Actor, @Query() q: SearchBeneficiariesQuery) {
    return this.beneficiaries.search(actor, q);
  }

  /** Every pair of records that may be one household (declared before `:id`, which would take the word). */
  @Get('duplicates')
  duplicatesReport(@CurrentActor() actor: Actor, @Query() q: DuplicatesQuery) {
    return this.duplicates.report(actor, q.page, q.pageSize);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('beneficiary')) id: number) {
    return this.beneficiaries.get(actor, id);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('accountant', 'admin')
  merge(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('beneficiary')) id: number,
    @Body() dto: MergeBeneficiaryDto,
  ) {
    return this.beneficiaries.merge(actor, id, dto.intoId, dto.reason);
  }

  /** Marks a flagged pair as two households ("not a duplicate"): the duplicates report stops listing it. */
  @Post(':id/not-duplicate')
  @Roles('accountant', 'admin')
  notDuplicate(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('beneficiary')) id: number,
    @Body() dto: NotDuplicateDto,
  ) {
    return this.duplicates.markDistinct(actor, id, dto.otherId, dto.reason);
  }
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class BeneficiaryImportsController {
  constructor(private readonly imports: BeneficiaryImportService) {}

  /** Imports households from a CSV or XLSX file: all-or-nothing unless partial=true; a re-import adds nothing. */
  @Post('beneficiaries')
  @Roles('accountant', 'admin')
  @ImportUpload('CSV (UTF-8) or XLSX, header row first', { partial: true })
  beneficiaries(@CurrentActor() actor: Actor, @UploadedImport() upload: ImportUploaded) {
    return this.imports.importBeneficiaries(actor, upload.source, upload.options);
  }
}
