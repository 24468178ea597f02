import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsBookDate } from '../common/validation';

export const MIN_YEAR = 1990;
export const MAX_YEAR = 2999;

export class CloseYearDto {
  @ApiProperty({ example: 2023, minimum: MIN_YEAR, maximum: MAX_YEAR })
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year: number;

  @ApiPropertyOptional({
    example: true,
    description:
      'Close, in the same request, every earlier year that has entries and is still open (oldest first), then `year`',
  })
  @IsOptional()
  @IsBoolean()
  upTo?: boolean;
}

export class ReopenYearDto {
  @ApiProperty({ example: 2023, minimum: MIN_YEAR, maximum: MAX_YEAR })
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year: number;

  @ApiProperty({ example: 'Bổ sung chứng từ chi tháng 12 theo kết luận thanh tra', maxLength: 400 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(400)
  reason: string;
}

export class OpeningBalancesQuery {
  @ApiProperty({ example: 2024, minimum: MIN_YEAR, maximum: MAX_YEAR })
  @Type(() => Number)
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year: number;
}

export class MergeFundDto {
  @ApiProperty({ example: 'LC', description: 'Code of the successor fund that takes over the balances' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  into: string;

  @ApiProperty({
    example: '2025-06-30',
    description:
      "The predecessor's last day: its closing, handover and the successor's opening entry are dated on it",
  })
  @IsBookDate()
  cutoff: string;

  @ApiProperty({ example: 'Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  note: string;

  @ApiPropertyOptional({
    description: "Move the funds below the predecessor (e.g. a district's communes) below the successor",
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  reparentChildren?: boolean;

  @ApiPropertyOptional({
    description:
      "Only to merge outside the fund's own line (not into its parent or the parent's successor): why. The two " +
      'funds must share an ancestor, whose consolidated figures the merger leaves unchanged.',
    example: 'Quyết định 1234/QĐ-UBND điều chuyển xã về tỉnh Yên Bái',
    maxLength: 300,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  crossHierarchyReason?: string;
}
