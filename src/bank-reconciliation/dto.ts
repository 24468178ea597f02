import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsIsoDate } from '../common/validation';

/** Most days a statement line and a journal line may lie apart and still be matched. */
export const MAX_WINDOW_DAYS = 31;

export class MatchDto {
  @ApiPropertyOptional({
    example: '2023-07-01',
    description: 'Statement lines from this date (default: all)',
  })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2023-07-31',
    description: 'Statement lines up to this date (default: all)',
  })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_WINDOW_DAYS,
    default: 3,
    description: 'Days a journal line may lie before or after the statement line',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_WINDOW_DAYS)
  windowDays?: number;
}

export class UndoMatchDto {
  @ApiPropertyOptional({ example: 'Hai khoản khác nhau, cùng số tiền', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  reason?: string;
}

export class ReconciliationQuery {
  @ApiPropertyOptional({ example: '2023-07-01', description: 'Default: from the first line' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ example: '2023-07-31', description: "Default: today (Vietnam's date)" })
  @IsOptional()
  @IsIsoDate()
  to?: string;
}

/** The file name to record for a statement sent as the raw request body. */
export class StatementUploadQuery {
  @ApiPropertyOptional({ example: 'sao-ke-112-thang-7-2023.csv' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  fileName?: string;
}
