import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '../common/validation';

export class RoleCombinationDto {
  @ApiProperty({
    description: 'Whether an accountant of this fund may also pay and confirm cash (a small unit)',
  })
  @IsBoolean()
  accountantMayPay: boolean;

  @ApiProperty({ example: 'Quỹ cấp xã một người: kế toán kiêm thủ quỹ theo quyết định số 12/QĐ-UBND' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  reason: string;
}
