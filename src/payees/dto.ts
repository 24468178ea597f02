import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsNotBlank } from '../common/validation';
import { PAYEE_KINDS, type PayeeKind } from './payee.entity';

export class CreatePayeeDto {
  @ApiProperty({ example: 'Ban quản lý Nghĩa trang liệt sĩ tỉnh Lào Cai' })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  name: string;

  @ApiPropertyOptional({ enum: PAYEE_KINDS, default: 'organization' })
  @IsOptional()
  @IsIn(PAYEE_KINDS)
  kind?: PayeeKind;

  @ApiPropertyOptional({ example: '5300234567', description: 'Mã số thuế: 10 digits, or 10 + "-" + 3' })
  @IsOptional()
  @Matches(/^\d{10}(-\d{3})?$/, { message: 'taxCode must be 10 digits, or 10 digits, a dash and 3 digits' })
  taxCode?: string;

  @ApiPropertyOptional({ example: 'Phường Bắc Cường, TP Lào Cai' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiPropertyOptional({ example: '8800123456789', description: 'The account payment orders pay into' })
  @IsOptional()
  @Matches(/^[0-9][0-9 .-]{2,38}[0-9]$/, {
    message: 'bankAccount must be an account number (digits, dots, spaces)',
  })
  bankAccount?: string;

  @ApiPropertyOptional({ example: 'Kho bạc Nhà nước tỉnh Lào Cai' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  bankName?: string;
}

export class SearchPayeesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name, with or without diacritics' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
