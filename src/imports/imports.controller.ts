import { Body, Controller, Post, Query, UploadedFile, UseFilters, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ContributionImportService } from './contribution-import.service';
import { ImportFormDto, ImportQueryDto } from './dto';
import { ImportRejectedFilter } from './import-rejected.filter';
import { MULTIPART_OPTIONS, UploadInterceptor, uploadedSource, type UploadedDiskFile } from './upload';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
@UseFilters(ImportRejectedFilter)
export class ImportsController {
  constructor(private readonly imports: ContributionImportService) {}

  /** Imports contributions from a CSV or XLSX file: all-or-nothing unless partial=true; a re-import adds nothing. */
  @Post('contributions')
  @Roles('accountant', 'admin')
  @UseInterceptors(FileInterceptor('file', MULTIPART_OPTIONS), UploadInterceptor)
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'CSV (UTF-8) or XLSX, header row first' },
        partial: { type: 'string', enum: ['true', 'false'] },
      },
    },
  })
  contributions(
    @CurrentActor() actor: Actor,
    @UploadedFile() file: UploadedDiskFile | undefined,
    @Body() form: ImportFormDto,
    @Query() query: ImportQueryDto,
  ) {
    const partial = form.partial === 'true' || query.partial === 'true';
    return this.imports.importContributions(actor, uploadedSource(file), { partial });
  }
}
