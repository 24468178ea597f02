import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsIsoDate } from '../common/validation';
import { EXPORT_FORMATS, type ExportFormat, type ExportParameters } from './export.types';

export class BundleExportQuery {
  @ApiPropertyOptional({ example: 'LC', description: 'The fund; every fund you can see when absent' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  fund?: string;

  @ApiPropertyOptional({
    example: '2023-01-01',
    description: 'First entry date; from the start of the books when absent (then no opening transaction)',
  })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2023-12-31',
    description: "Last entry date; the last entry's date when absent",
  })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include every fund below `fund`' })
  @IsOptional()
  @IsIn(['true', 'false'])
  consolidated?: 'true' | 'false';
}

export class JournalExportQuery extends BundleExportQuery {
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;
}

export function exportParameters(q: BundleExportQuery): ExportParameters {
  return {
    fund: q.fund ?? null,
    from: q.from ?? null,
    to: q.to ?? null,
    consolidated: q.consolidated === 'true',
  };
}
