import { Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ContributionImportService } from './contribution-import.service';
import { ImportUpload, UploadedImport, type ImportUploaded } from './upload';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class ImportsController {
  constructor(private readonly imports: ContributionImportService) {}

  /** Imports contributions from a CSV or XLSX file: all-or-nothing unless partial=true; a re-import adds nothing. */
  @Post('contributions')
  @Roles('accountant', 'admin')
  @ImportUpload('CSV (UTF-8) or XLSX, header row first', { partial: true })
  contributions(@CurrentActor() actor: Actor, @UploadedImport() upload: ImportUploaded) {
    return this.imports.importContributions(actor, upload.source, upload.options);
  }
}
