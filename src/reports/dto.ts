import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsIsoDate } from '../common/validation';

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
