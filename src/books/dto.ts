import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsIsoDate } from '../common/validation';

export const BOOK_ANSWER_FORMATS = ['json', 'pdf', 'xlsx', 'csv'] as const;
export type BookAnswerFormat = (typeof BOOK_ANSWER_FORMATS)[number];

/** A book of one fund over a date range; JSON is paginated, the files hold the whole range. */
export class BookQuery extends PageQuery {
  @ApiProperty({ example: 'LC', description: 'Fund code' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  fund: string;

  @ApiProperty({ example: '2023-01-01', description: 'First day of the book' })
  @IsIsoDate()
  from: string;

  @ApiProperty({ example: '2023-12-31', description: 'Last day of the book (also the PDF’s date)' })
  @IsIsoDate()
  to: string;

  @ApiPropertyOptional({
    enum: BOOK_ANSWER_FORMATS,
    default: 'json',
    description: 'json (paginated with page and pageSize), or a whole-range file: pdf, xlsx, csv',
  })
  @IsOptional()
  @IsIn(BOOK_ANSWER_FORMATS)
  format?: BookAnswerFormat;
}

export class GeneralLedgerQuery extends BookQuery {
  @ApiProperty({ example: '112', description: "An account code of the fund's chart" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(16)
  account: string;
}
