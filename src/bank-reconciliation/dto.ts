import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsIsoDate, IsNotBlank } from '../common/validation';

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

/** What to do with a statement line that repeats an earlier line of its file. */
export class DecideDuplicateDto {
  @ApiProperty({
    enum: ['keep', 'drop'],
    description: 'keep: a real repeat (it counts and may be matched); drop: listed twice by the bank',
  })
  @IsIn(['keep', 'drop'])
  action: 'keep' | 'drop';

  @ApiProperty({ example: 'Ngân hàng xác nhận giao dịch chỉ có một lần', minLength: 1, maxLength: 300 })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  reason: string;
}
