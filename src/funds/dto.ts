import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsBookDate, IsIsoDate, IsNotBlank } from '../common/validation';
import { FUND_LEVELS, type FundLevel } from './fund.entity';

export class CreateFundDto {
  @ApiProperty({ example: 'LC', description: 'Letters, digits, dot, dash or underscore' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, {
    message: 'code must be 1 to 32 letters, digits, dots, dashes or underscores',
  })
  code: string;

  @ApiProperty({ example: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'UBND tỉnh Lào Cai',
    description: 'The unit that keeps the fund, printed on documents',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  unitName?: string;

  @ApiProperty({ enum: FUND_LEVELS })
  @IsIn(FUND_LEVELS)
  level: FundLevel;

  @ApiPropertyOptional({ example: 'LC' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  parentCode?: string;

  @ApiPropertyOptional({ example: '2013-01-01' })
  @IsOptional()
  @IsBookDate()
  validFrom?: string;

  @ApiPropertyOptional({ example: '2025-06-30' })
  @IsOptional()
  @IsBookDate()
  validTo?: string;
}

/** A new name of the unit that keeps a fund, in force from a date (the day a department's work passed on). */
export class AddUnitNameDto {
  @ApiProperty({ example: '2025-03-01', description: 'First day the name is in force' })
  @IsIsoDate()
  validFrom: string;

  @ApiProperty({ example: 'Sở Nội vụ tỉnh Lào Cai' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'Lào Cai',
    description: 'Where the unit is, for the "<place>, ngày …" line',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  place?: string;

  @ApiPropertyOptional({ example: 'Nghị định 173/2025/NĐ-CP: chức năng chuyển sang Sở Nội vụ' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  reason?: string;
}
