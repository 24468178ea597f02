import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsIsoDate } from '../common/validation';
import { MAX_CLAIMS } from './claims';

export class TrialBalanceQuery {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  fund: string;

  @ApiProperty({ example: '2023-12-31' })
  @IsIsoDate()
  asOf: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Include every fund below this one, less the transfers between them',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  consolidated?: 'true' | 'false';
}

export const STATEMENT_FORMATS = ['json', 'pdf', 'xlsx', 'csv'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export class StatementQuery {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  fund: string;

  @ApiProperty({ example: '2013-01-01', description: 'First day of the period' })
  @IsIsoDate()
  from: string;

  @ApiProperty({ example: '2023-12-31', description: 'Last day of the period (on or after from)' })
  @IsIsoDate()
  to: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Include every fund below this one, less the transfers between them',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  consolidated?: 'true' | 'false';

  @ApiPropertyOptional({ enum: STATEMENT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(STATEMENT_FORMATS)
  format?: StatementFormat;
}

export class ReconciliationQuery {
  @ApiProperty({
    example: 'lao-cai-2013-2023',
    description: 'Name of a claims file data/claims/<name>.json (lower-case letters, digits and hyphens)',
  })
  @Matches(/^[a-z0-9-]{1,100}$/, {
    message: 'claims must be the name of a claims file: 1 to 100 lower-case letters, digits and hyphens',
  })
  claims: string;
}

export class ReconciliationEntriesQuery extends PageQuery {
  @ApiProperty({ example: 'lao-cai-2013-2023' })
  @Matches(/^[a-z0-9-]{1,100}$/, {
    message: 'claims must be the name of a claims file: 1 to 100 lower-case letters, digits and hyphens',
  })
  claims: string;

  @ApiProperty({ example: 0, description: 'Position of the claim in its file, from 0' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_CLAIMS - 1)
  index: number;
}

export class AccountBalancesQuery {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  fund: string;

  @ApiProperty({ example: '2023-01-01', description: 'First day of the period' })
  @IsIsoDate()
  from: string;

  @ApiProperty({ example: '2023-12-31', description: 'Last day of the period (on or after from)' })
  @IsIsoDate()
  to: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Include every fund below this one, less the transfers between them',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  consolidated?: 'true' | 'false';

  @ApiPropertyOptional({ enum: STATEMENT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(STATEMENT_FORMATS)
  format?: StatementFormat;
}
