import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { dongSchema, IsBookDate, IsDong, IsNotBlank } from '../common/validation';

const DONG_SCHEMA = dongSchema('5000000');

export const LATE_ENTRY_KINDS = ['receipt', 'payment'] as const;
export type LateEntryKind = (typeof LATE_ENTRY_KINDS)[number];
export const LATE_ENTRY_STATUSES = ['requested', 'confirmed', 'rejected', 'used'] as const;

export class RequestLateEntryDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiProperty({ enum: LATE_ENTRY_KINDS, description: 'a receipt (contribution) or a payment (payout)' })
  @IsIn(LATE_ENTRY_KINDS)
  kind: LateEntryKind;

  @ApiProperty({ enum: ['cash', 'bank'], description: 'cash (PT/PC) or through a bank or the Treasury' })
  @IsIn(['cash', 'bank'])
  method: 'cash' | 'bank';

  @ApiProperty({ example: '2024-01-02', description: "the document's date" })
  @IsBookDate()
  date: string;

  @ApiProperty(DONG_SCHEMA)
  @IsDong()
  amount: string | number;

  @ApiProperty({ example: 'Phiếu thu lập ngày 02/01/2024, chứng từ gốc nhận muộn từ xã', maxLength: 500 })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  reason: string;
}

export class ListLateEntriesQuery {
  @ApiPropertyOptional({ enum: LATE_ENTRY_STATUSES })
  @IsOptional()
  @IsIn(LATE_ENTRY_STATUSES)
  status?: (typeof LATE_ENTRY_STATUSES)[number];
}

export class ConfirmLateEntryDto {
  @ApiPropertyOptional({ example: 'Đã đối chiếu chứng từ gốc', maxLength: 400 })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  note?: string;
}

export class RejectLateEntryDto {
  @ApiProperty({ example: 'Không có chứng từ gốc', maxLength: 400 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(400)
  reason: string;
}
