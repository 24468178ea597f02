import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { dongSchema, IsBookDate, IsDong, IsNotBlank } from '../common/validation';
import { BANK_ADVICE_KINDS, type BankAdviceKind } from './bank-advice.entity';

export class CreateBankAdviceDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiProperty({
    enum: BANK_ADVICE_KINDS,
    description: 'interest: credited (112 / 5115); fee: charged (6117 / 112)',
  })
  @IsIn(BANK_ADVICE_KINDS)
  kind: BankAdviceKind;

  @ApiProperty({ example: '2023-12-25', description: 'The day the bank or the Treasury moved the money' })
  @IsBookDate()
  date: string;

  @ApiProperty(dongSchema('125000'))
  @IsDong()
  amount: string | number;

  @ApiProperty({ example: 'GBC-2023-12-0042', description: "The advice's reference; once per fund" })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  bankRef: string;

  @ApiPropertyOptional({ example: 'Lãi tiền gửi tháng 12/2023' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  description?: string;
}

export class ListBankAdvicesQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'LC' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  fund?: string;
}
