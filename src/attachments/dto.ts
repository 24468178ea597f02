import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsNotBlank } from '../common/validation';

/** A file given with a contribution or a payment, its bytes in base64 (at most 8 MB once decoded). */
export class AttachmentDto {
  @ApiProperty({ example: 'giay-bao-co-FT23201.pdf' })
  @IsString()
  @IsNotBlank()
  @MaxLength(255)
  @Matches(/^[^/\\\p{Cc}]+$/u, { message: 'fileName must be a file name, without folders' })
  fileName: string;

  @ApiProperty({ example: 'bank_advice', description: 'A kind of data/attachment-kinds.json' })
  @IsString()
  @MaxLength(40)
  kind: string;

  @ApiPropertyOptional({ example: 'application/pdf' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mediaType must look like application/pdf' })
  mediaType?: string;

  @ApiProperty({ description: 'The file, base64' })
  @IsString()
  @MaxLength(11_200_000)
  @Matches(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'content must be base64' })
  content: string;

  @ApiPropertyOptional({ description: 'SHA-256 of the file, hex; checked against the content when given' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256?: string;
}
