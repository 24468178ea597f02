import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  Max,
  ValidateNested,
} from 'class-validator';
import { AttachmentDto } from '../attachments/dto';
import { PageQuery } from '../common/pagination';
import { MAX_ID } from '../common/parse-id.pipe';
import { dongSchema, IsBookDate, IsDong, IsIsoDate, IsNotBlank } from '../common/validation';
import {
  DISBURSEMENT_STATUSES,
  PURPOSES,
  type DisbursementStatus,
  type Purpose,
  type Stage,
} from './entities';

const DONG_SCHEMA = dongSchema('60000000');
const METHODS = ['cash', 'bank'] as const;

export class CreateDisbursementDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiPropertyOptional({ example: 1, description: 'The household paid; give this or payeeId' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  beneficiaryId?: number;

  @ApiPropertyOptional({
    example: 3,
    description:
      'The organisation paid (POST /api/payees), for memorial and management payouts; not a household',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  payeeId?: number;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty(DONG_SCHEMA)
  @IsDong()
  amount: string | number;

  @ApiProperty({ example: '2023-07-20', description: 'Date of the request (its decision)' })
  @IsBookDate()
  date: string;

  @ApiProperty({ enum: METHODS })
  @IsIn(METHODS)
  method: 'cash' | 'bank';

  @ApiPropertyOptional({ example: '125/QĐ-UBND', description: 'Số quyết định' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  decisionNo?: string;

  @ApiPropertyOptional({ example: 'Hỗ trợ xây nhà tình nghĩa cho gia đình liệt sĩ' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  description?: string;

  @ApiPropertyOptional({ description: 'Keep as a draft instead of submitting it for approval' })
  @IsOptional()
  @IsBoolean()
  draft?: boolean;

  @ApiPropertyOptional({ description: 'A house project this payment belongs to' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  projectId?: number;

  @ApiPropertyOptional({ enum: ['full', 'advance', 'settlement'], default: 'full' })
  @IsOptional()
  @IsIn(['full', 'advance', 'settlement'])
  stage?: Stage;

  @ApiPropertyOptional({
    description:
      'Why an overridable policy rule should not apply; the approver then decides on it when approving',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(400)
  overrideReason?: string;
}

export class ListDisbursementsQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  fund?: string;

  @ApiPropertyOptional({ enum: DISBURSEMENT_STATUSES })
  @IsOptional()
  @IsIn(DISBURSEMENT_STATUSES)
  status?: DisbursementStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  beneficiaryId?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  payeeId?: number;

  @ApiPropertyOptional({ enum: PURPOSES })
  @IsOptional()
  @IsIn(PURPOSES)
  purpose?: Purpose;
}

export class ApproveDto {
  @ApiPropertyOptional({
    description: 'Required when the request asks to override a policy rule: the reason for allowing it',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(400)
  note?: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @IsNotBlank()
  @MaxLength(400)
  reason: string;
}

export class PayDto {
  @ApiProperty({ example: '2023-07-25' })
  @IsBookDate()
  date: string;

  @ApiPropertyOptional({
    example: 'FT23206000123',
    description: "Bank payment: the bank's or Treasury's reference",
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  bankRef?: string;

  @ApiPropertyOptional({ example: '8800123456789', description: "Bank payment: the payee's account number" })
  @IsOptional()
  @Matches(/^[0-9][0-9 .-]{2,38}[0-9]$/, {
    message: 'payeeAccount must be an account number (digits, dots, spaces)',
  })
  payeeAccount?: string;

  @ApiPropertyOptional({ example: 'BIDV — Chi nhánh Lào Cai', description: "Bank payment: the payee's bank" })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  payeeBank?: string;

  @ApiPropertyOptional({
    example: '3761.0.9012345',
    description: "Bank payment: the fund's account it debits",
  })
  @IsOptional()
  @Matches(/^[0-9][0-9 .-]{2,38}[0-9]$/, {
    message: 'payerAccount must be an account number (digits, dots, spaces)',
  })
  payerAccount?: string;

  @ApiPropertyOptional({
    example: 'Lò Văn Sáng',
    description: 'Cash: who received it for the payee, when not the payee',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  receivedBy?: string;

  @ApiPropertyOptional({
    type: [AttachmentDto],
    description: 'Files kept with the payment (payment order, advice)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];

  @ApiPropertyOptional({
    example: 4,
    description:
      'A late entry (ghi bổ sung, paid on a date before the latest voucher of its series): the approver-confirmed ' +
      'request of POST /api/late-entries for this fund, series, date and amount',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  lateEntryId?: number;
}

export class ReverseDisbursementDto extends ReasonDto {
  @ApiPropertyOptional({
    example: '2023-08-01',
    description: 'Date of the reversal; today (Vietnam) by default',
  })
  @IsOptional()
  @IsBookDate()
  date?: string;
}

export class VoucherQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Print as a copy (BẢN SAO)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  copy?: 'true' | 'false';
}

export class CreateHouseProjectDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  beneficiaryId: number;

  @ApiProperty({ enum: ['new', 'repair'] })
  @IsIn(['new', 'repair'])
  kind: 'new' | 'repair';

  @ApiProperty({ example: 'Xây nhà tình nghĩa cho hộ bà Nguyễn Thị Hoa' })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  description: string;

  @ApiProperty({ ...DONG_SCHEMA, description: 'What the fund will pay' })
  @IsDong()
  budget: string | number;

  @ApiProperty({ example: '2023-03-01' })
  @IsBookDate()
  startedOn: string;

  @ApiPropertyOptional({ ...DONG_SCHEMA, description: 'Memo: central budget for the same house' })
  @IsOptional()
  @IsDong({ allowZero: true })
  centralBudget?: string | number;

  @ApiPropertyOptional({ ...DONG_SCHEMA, description: 'Memo: local budget' })
  @IsOptional()
  @IsDong({ allowZero: true })
  localBudget?: string | number;

  @ApiPropertyOptional({ ...DONG_SCHEMA, description: 'Memo: social sources (businesses, the community)' })
  @IsOptional()
  @IsDong({ allowZero: true })
  socialSources?: string | number;
}

export class CompleteProjectDto {
  @ApiProperty({ example: '2023-10-30' })
  @IsBookDate()
  date: string;
}

export class ProjectSummaryQuery {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fund: string;

  @ApiPropertyOptional({ example: '2013-01-01' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ example: '2023-12-31' })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  consolidated?: 'true' | 'false';
}
