import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../common/actor';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'ketoan.laocai' })
  @Matches(/^[a-z0-9][a-z0-9._-]{1,63}$/, {
    message: 'username must be 2 to 64 lower-case letters, digits, dots, dashes or underscores',
  })
  username: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ description: 'Limit the user to this fund and the funds below it' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  fundCode?: string;
}
