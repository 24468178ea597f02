import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsBookDate, IsDong, IsIsoDate, IsNotBlank } from '../common/validation';

export const TRANSFER_METHODS = ['cash', 'bank'] as const;
export type TransferMethod = (typeof TRANSFER_METHODS)[number];

/** The transfers table's description column holds 300 characters. */
export const MAX_TRANSFER_DESCRIPTION = 300;

export class CreateTransferDto {
  @ApiProperty({ example: 'LC', description: 'Code of the fund the money leaves' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fromFund: string;

  @ApiProperty({ example: 'LC-SP-01', description: 'Code of the fund the money goes to' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  toFund: string;

  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }], example: '50000000' })
  @IsDong()
  amount: string | number;

  @ApiProperty({ example: '2023-08-15' })
  @IsBookDate()
  date: string;

  @ApiProperty({
    enum: TRANSFER_METHODS,
    description: 'cash moves 111 in both funds, bank moves 112 in both funds',
  })
  @IsIn(TRANSFER_METHODS)
  method: TransferMethod;

  @ApiPropertyOptional({ example: 'Hỗ trợ xây nhà tình nghĩa năm 2023' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_TRANSFER_DESCRIPTION)
  description?: string;
}

export class ReverseTransferDto {
  @ApiProperty({
    example: '2023-08-20',
    description: 'Date of both reversal entries; not before the transfer',
  })
  @IsIsoDate()
  date: string;

  @ApiProperty({ example: 'Chuyển nhầm quỹ nhận', maxLength: 300 })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  reason: string;
}

export class ListTransfersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Transfers out of or into this fund' })
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
