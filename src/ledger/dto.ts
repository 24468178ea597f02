import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { dongSchema, IsBookDate, IsDong, IsIsoDate, IsNotBlank } from '../common/validation';
import { ACCOUNT_TYPES, type AccountType } from './entities';
import { MAX_LINES_PER_ENTRY } from './ledger.types';

const DONG_SCHEMA = dongSchema('55500000000');

export class JournalLineDto {
  @ApiProperty({ example: '111' })
  @IsString()
  @IsNotBlank()
  @MaxLength(16)
  account: string;

  // Absent means the side is not used; null is not an amount (IsOptional would let it through to a 500).
  @ApiPropertyOptional({ ...DONG_SCHEMA, description: 'Whole đồng; give either debit or credit' })
  @ValidateIf((_line, value) => value !== undefined)
  @IsDong()
  debit?: string | number;

  @ApiPropertyOptional({ ...DONG_SCHEMA, description: 'Whole đồng; give either debit or credit' })
  @ValidateIf((_line, value) => value !== undefined)
  @IsDong()
  credit?: string | number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  memo?: string;
}

export class PostEntryDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiProperty({ example: '2023-07-27' })
  @IsBookDate()
  date: string;

  @ApiProperty({ example: 'Thu đóng góp Tháng 7 tri ân' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  description: string;

  @ApiProperty({ type: [JournalLineDto] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_LINES_PER_ENTRY)
  @ValidateNested({ each: true })
  @Type(() => JournalLineDto)
  lines: JournalLineDto[];
}

export class ReverseEntryDto {
  @ApiProperty({ example: '2023-08-01' })
  @IsBookDate()
  date: string;

  @ApiProperty({ example: 'Ghi nhầm số tiền' })
  @IsString()
  @IsNotBlank()
  @MaxLength(400)
  reason: string;
}

export class ListEntriesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Fund code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  fund?: string;

  @ApiPropertyOptional({ example: '2023-01-01' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ example: '2023-12-31' })
  @IsOptional()
  @IsIsoDate()
  to?: string;
}

export class AddAccountDto {
  @ApiProperty({ example: '5119' })
  @Matches(/^\d{3,8}$/, { message: 'code must be 3 to 8 digits' })
  code: string;

  @ApiProperty({ example: 'Thu tài trợ khác' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'Other sponsorship' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nameEn?: string;

  @ApiProperty({ enum: ACCOUNT_TYPES })
  @IsIn(ACCOUNT_TYPES)
  type: AccountType;
}

export class LockDto {
  @ApiProperty({ example: '2023-12-31' })
  @IsBookDate()
  through: string;
}
