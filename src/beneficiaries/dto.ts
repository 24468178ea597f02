import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { MAX_ID } from '../common/parse-id.pipe';
import { categoryCodes } from './categories';
import { birthYearProblem, MIN_BIRTH_YEAR, nationalIdProblem } from './identity';

const CATEGORY_CODES = categoryCodes();
const NOT_BLANK = /\S/;

/** A CCCD (12 digits, starting with a province code) or a legacy CMND (9 digits), as a string. */
function IsNationalId(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isNationalId',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && nationalIdProblem(value) === null,
        // The value itself is never repeated: a message may end up in a log.
        defaultMessage: (args: ValidationArguments) =>
          typeof args.value === 'string'
            ? `${args.property} ${nationalIdProblem(args.value) ?? 'is not valid'}`
            : `${args.property} must be a string of digits (a 12-digit CCCD or a legacy 9-digit CMND)`,
      },
    });
  };
}

/** A birth year from MIN_BIRTH_YEAR to this year (checked when the request comes, not when the server started). */
function IsBirthYear(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) => {
    registerDecorator({
      name: 'isBirthYear',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'number' && birthYearProblem(value) === null,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${typeof args.value === 'number' ? birthYearProblem(args.value) : 'must be a whole year'}`,
      },
    });
  };
}

export class CreateBeneficiaryDto {
  @ApiProperty({ example: 'Nguyễn Văn An', description: 'Head of household (chủ hộ)' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'fullName must not be blank' })
  @MaxLength(200)
  fullName: string;

  @ApiProperty({ enum: CATEGORY_CODES, description: 'data/beneficiary-categories.json' })
  @IsIn(CATEGORY_CODES, { message: `category must be one of ${CATEGORY_CODES.join(', ')}` })
  category: string;

  @ApiProperty({ example: 'Tả Van', description: 'Xã / phường; "Xã Tả Van" and "Tả Van" are one commune' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'commune must not be blank' })
  @MaxLength(200)
  commune: string;

  @ApiPropertyOptional({
    example: '010050001234',
    description:
      'CCCD: 12 digits, the first 3 a province code 001–096 (010 Lào Cai); or a legacy 9-digit CMND',
  })
  @IsOptional()
  @IsNationalId()
  nationalId?: string;

  @ApiPropertyOptional({ example: 1950, minimum: MIN_BIRTH_YEAR })
  @IsOptional()
  @IsBirthYear()
  birthYear?: number;

  @ApiPropertyOptional({ example: 'Thôn Lao Chải, xã Tả Van, thị xã Sa Pa' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiPropertyOptional({ example: 'LC-TB-01234', description: 'Số hồ sơ: the file number of the record' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  recordNo?: string;

  @ApiPropertyOptional({ example: 'Nhà tạm, dột nát' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  housingCondition?: string;
}

export class SearchBeneficiariesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name, with or without diacritics: "nguyen van a"' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: CATEGORY_CODES })
  @IsOptional()
  @IsIn(CATEGORY_CODES, { message: `category must be one of ${CATEGORY_CODES.join(', ')}` })
  category?: string;

  @ApiPropertyOptional({ description: 'The commune, with or without diacritics or "xã"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  commune?: string;
}

export class DuplicatesQuery extends PageQuery {}

export class MergeBeneficiaryDto {
  @ApiProperty({ description: 'The record that stays' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  intoId: number;

  @ApiProperty({ example: 'Cùng CCCD, ghi hai lần ở hai chương trình' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(400)
  reason: string;
}

/** "Not a duplicate": the two households are two; the duplicates report stops listing the pair. */
export class NotDuplicateDto {
  @ApiProperty({ description: 'The other household of the flagged pair' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  otherId: number;

  @ApiProperty({ example: 'Hai anh em sinh đôi, cùng tên gọi ở nhà; đã xác minh tại xã', maxLength: 400 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @MaxLength(400)
  reason: string;
}
