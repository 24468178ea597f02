import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** The form fields sent with a multipart upload. */
export class ImportFormDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Import the good rows and report the bad ones (default: all-or-nothing)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  partial?: 'true' | 'false';
}

/** The same option as a query parameter, and the file name, for a file sent as the raw request body. */
export class ImportQueryDto extends ImportFormDto {
  @ApiPropertyOptional({
    example: 'dong-gop-2013-2023.csv',
    description: 'Name to record for a raw body upload',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  fileName?: string;
}
