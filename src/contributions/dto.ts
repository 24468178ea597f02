import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AttachmentDto } from '../attachments/dto';
import { PageQuery } from '../common/pagination';
import { MAX_ID } from '../common/parse-id.pipe';
import { dongSchema, IsBookDate, IsDong, IsIsoDate, IsNotBlank } from '../common/validation';
import {
  CONTRIBUTION_KINDS,
  DONOR_KINDS,
  PAYMENT_METHODS,
  type ContributionKind,
  type DonorKind,
  type PaymentMethod,
} from './entities';

const DONG_SCHEMA = dongSchema('5000000');
/** As many names as a receipt's annex prints (src/documents/view-format.ts). */
export const MAX_BATCH_MEMBERS = 5_000;

export class CreateDonorDto {
  @ApiProperty({ example: 'Công ty CP Apatit Việt Nam' })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  name: string;

  @ApiProperty({ enum: DONOR_KINDS })
  @IsIn(DONOR_KINDS)
  kind: DonorKind;

  @ApiPropertyOptional({ example: 'Phường Pom Hán, TP Lào Cai' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiPropertyOptional({ example: 'ketoan@apatit.vn' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional({
    example: '5300100123',
    description: 'Mã số thuế: 10 digits, or 10 + "-" + 3 for a branch',
  })
  @IsOptional()
  @Matches(/^\d{10}(-\d{3})?$/, { message: 'taxCode must be 10 digits, or 10 digits, a dash and 3 digits' })
  taxCode?: string;

  @ApiPropertyOptional({ example: '010090001234', description: 'CCCD (12 digits) or legacy CMND (9 digits)' })
  @IsOptional()
  @Matches(/^(\d{12}|\d{9})$/, { message: 'nationalId must be a 12-digit CCCD or a 9-digit CMND' })
  nationalId?: string;

  @ApiPropertyOptional({ default: true, description: 'Whether the donor is inside the province' })
  @IsOptional()
  @IsBoolean()
  inProvince?: boolean;
}

export class SearchDonorsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name, with or without diacritics' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: DONOR_KINDS })
  @IsOptional()
  @IsIn(DONOR_KINDS)
  kind?: DonorKind;
}

export class MergeDonorDto {
  @ApiProperty({ description: 'The donor that stays' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  intoId: number;

  @ApiProperty({ example: 'Trùng tên, cùng mã số thuế' })
  @IsString()
  @IsNotBlank()
  @MaxLength(400)
  reason: string;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'T7-2023' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, {
    message: 'code must be 1 to 32 letters, digits, dots, dashes or underscores',
  })
  code: string;

  @ApiProperty({ example: 'Tháng 7 tri ân 2023' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '2023-06-28' })
  @IsBookDate()
  startsOn: string;

  @ApiProperty({ example: '2023-07-27' })
  @IsBookDate()
  endsOn: string;
}

export class CreateContributionDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  donorId: number;

  @ApiProperty({ example: '2023-07-20' })
  @IsBookDate()
  date: string;

  @ApiProperty(DONG_SCHEMA)
  @IsDong()
  amount: string | number;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS, description: 'Required, except for an in-kind gift' })
  @ValidateIf((o: CreateContributionDto) => o.kind !== 'in_kind' || o.method !== undefined)
  @IsIn(PAYMENT_METHODS)
  method?: PaymentMethod;

  @ApiPropertyOptional({
    enum: CONTRIBUTION_KINDS,
    default: 'money',
    description:
      'money; in_kind: goods at their valuation (amount); state_budget: support from the state budget',
  })
  @IsOptional()
  @IsIn(CONTRIBUTION_KINDS)
  kind?: ContributionKind;

  @ApiPropertyOptional({ example: '200 thùng mì, 100 bao gạo 25 kg', description: 'kind in_kind: the goods' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  inKindDescription?: string;

  @ApiPropertyOptional({ example: '300 đơn vị', description: 'kind in_kind: how much of them' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  inKindQuantity?: string;

  @ApiPropertyOptional({
    example: 'Theo hóa đơn GTGT số 0001234 ngày 15/7/2023',
    description: 'kind in_kind: how the value in đồng (amount) was arrived at',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  valuationBasis?: string;

  @ApiPropertyOptional({ example: 'Xây nhà tình nghĩa', description: 'A purpose the gift is restricted to' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  purpose?: string;

  @ApiPropertyOptional({ example: 'T7-2023', description: 'Campaign code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  campaign?: string;

  @ApiPropertyOptional({
    example: 'FT23201123456',
    description: "method bank: the bank's or the Treasury's transaction reference (its credit advice)",
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  bankRef?: string;

  @ApiPropertyOptional({
    example: '2023-07-19',
    description: 'method bank: the day the bank credited the money',
  })
  @IsOptional()
  @IsBookDate()
  bankDate?: string;

  @ApiPropertyOptional({
    example: 'Nguyễn Văn Hùng',
    description: 'Cash from an organisation: the person who hands the money over (người nộp tiền)',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  handedOverBy?: string;

  @ApiPropertyOptional({
    type: [AttachmentDto],
    description: 'Files kept with the receipt (bank advice, letter)',
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
      'A late entry (ghi bổ sung, dated before the latest receipt of its series): the approver-confirmed ' +
      'request of POST /api/late-entries for this fund, series, date and amount',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  lateEntryId?: number;
}

export class ListContributionsQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  fund?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  donorId?: number;

  @ApiPropertyOptional({ description: 'Campaign code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  campaign?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIsoDate()
  to?: string;
}

export class VoidContributionDto {
  @ApiProperty({ example: 'Ghi sai tên người nộp' })
  @IsString()
  @IsNotBlank()
  @MaxLength(400)
  reason: string;

  @ApiPropertyOptional({
    example: '2023-07-21',
    description: 'Date of the reversal; today (Vietnam) by default',
  })
  @IsOptional()
  @IsBookDate()
  date?: string;
}

export class ReceiptQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Print as a copy (BẢN SAO)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  copy?: 'true' | 'false';
}

export class EmailReceiptDto {
  @ApiPropertyOptional({ description: "Send here instead of the donor's address" })
  @IsOptional()
  @IsEmail({}, { message: 'to must be an e-mail address' })
  @MaxLength(200)
  to?: string;
}

export class StatementQuery {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fund: string;

  @ApiProperty({ example: 2023 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;
}

export class CreateBatchDto {
  @ApiProperty({ example: 'LC' })
  @IsString()
  @IsNotBlank()
  @MaxLength(32)
  fundCode: string;

  @ApiProperty({ description: 'The agency or unit that hands the list in' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  donorId: number;

  @ApiProperty({ example: '2023-07-15' })
  @IsBookDate()
  date: string;

  @ApiProperty({ enum: PAYMENT_METHODS })
  @IsIn(PAYMENT_METHODS)
  method: PaymentMethod;

  @ApiProperty({ example: 'Ủng hộ một ngày lương tháng 7/2023' })
  @IsString()
  @IsNotBlank()
  @MaxLength(300)
  description: string;

  @ApiProperty({ example: 120, description: 'How many names the list has' })
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_MEMBERS)
  expectedCount: number;

  @ApiProperty({ ...DONG_SCHEMA, description: 'The list total' })
  @IsDong()
  expectedTotal: string | number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  purpose?: string;

  @ApiPropertyOptional({ description: 'Campaign code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  campaign?: string;
}

export class BatchMemberDto {
  @ApiProperty({ example: 'Trần Thị Bình' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name: string;

  @ApiProperty(DONG_SCHEMA)
  @IsDong()
  amount: string | number;

  @ApiPropertyOptional({ example: 'Phòng Kế hoạch' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class AddBatchMembersDto {
  @ApiProperty({ type: [BatchMemberDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BatchMemberDto)
  members: BatchMemberDto[];
}

/** PATCH /api/donors/:id/public-listing: the donor's consent to the public honour roll (bảng vàng), and its date. */
export class PublicListingDto {
  @ApiProperty({ description: 'true: the donor agreed to be named with yearly totals; false: withdrawn' })
  @IsBoolean()
  publicListing: boolean;

  @ApiProperty({ example: '2024-06-28', description: 'the day the donor gave (or withdrew) consent' })
  @IsIsoDate()
  consentDate: string;
}
