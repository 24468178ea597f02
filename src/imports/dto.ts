import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** The form fields sent with a multipart upload of a file that can be imported in part. */
export class ImportFormDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Import the good rows and report the bad ones (default: all-or-nothing)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  partial?: 'true' | 'false';
}

/** The file name to record for a file sent as the raw request body. */
export class UploadQueryDto {
  @ApiPropertyOptional({
    example: 'dong-gop-2013-2023.csv',
    description: 'Name to record for a raw body upload',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  fileName?: string;
}

/** The query of an upload that can be imported in part: the file name, and `partial` as in the form. */
export class ImportQueryDto extends UploadQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'As the form field partial' })
  @IsOptional()
  @IsIn(['true', 'false'])
  partial?: 'true' | 'false';
}

/** An all-or-nothing upload takes no form field besides the file. */
export class UploadFormDto {}
