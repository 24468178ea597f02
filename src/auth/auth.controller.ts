import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { present } from '../common/assert';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../common/actor';
import {
  AuthenticatedRequest,
  CurrentActor,
  IgnoresIdempotencyKey,
  Public,
  Roles,
} from '../common/decorators';
import { AuthService } from './auth.service';
import { CreateUserDto, LoginDto } from './dto';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @IgnoresIdempotencyKey()
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() dto: LoginDto, @Req() request: Request) {
    return this.auth.login(dto.username, dto.password, request.ip ?? 'unknown');
  }

  @ApiBearerAuth()
  @IgnoresIdempotencyKey()
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Req() request: AuthenticatedRequest): Promise<void> {
    await this.auth.logout(present(request.sessionId, 'session of a signed-in request'));
  }

  @ApiBearerAuth()
  @Get('auth/me')
  me(@CurrentActor() actor: Actor) {
    return {
      username: actor.username,
      role: actor.role,
      funds: actor.fundScope === null ? null : [...actor.fundScope],
    };
  }

  @ApiBearerAuth()
  @Post('users')
  @Roles('admin')
  createUser(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return this.auth.createUser(actor, dto);
  }

  @ApiBearerAuth()
  @Get('users')
  @Roles('admin')
  listUsers(@CurrentActor() actor: Actor) {
    return this.auth.listUsers(actor);
  }
}
