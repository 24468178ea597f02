import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
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
import { ParseIdPipe } from '../common/parse-id.pipe';
import { AuthService } from './auth.service';
import { ChangeOwnPasswordDto, ChangeUserRoleDto, CreateUserDto, LoginDto, ResetPasswordDto } from './dto';

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

  /** Changes the caller's own password; every session of theirs ends, this one too. */
  @ApiBearerAuth()
  @Post('auth/password')
  @HttpCode(200)
  changeOwnPassword(
    @CurrentActor() actor: Actor,
    @Body() dto: ChangeOwnPasswordDto,
    @Req() request: Request,
  ) {
    return this.auth.changeOwnPassword(actor, dto, request.ip ?? 'unknown');
  }

  @ApiBearerAuth()
  @Post('users/:id/disable')
  @HttpCode(200)
  @Roles('admin')
  disableUser(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('user')) id: number) {
    return this.auth.disableUser(actor, id);
  }

  @ApiBearerAuth()
  @Post('users/:id/enable')
  @HttpCode(200)
  @Roles('admin')
  enableUser(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('user')) id: number) {
    return this.auth.enableUser(actor, id);
  }

  /** Sets another user's password; their sessions end at once. */
  @ApiBearerAuth()
  @Post('users/:id/password')
  @HttpCode(200)
  @Roles('admin')
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('user')) id: number,
    @Body() dto: ResetPasswordDto,
  ) {
    return this.auth.resetPassword(actor, id, dto.newPassword);
  }

  /** Another role or fund scope for a user (fundCode null or absent: every fund); from their next request on. */
  @ApiBearerAuth()
  @Post('users/:id/role')
  @HttpCode(200)
  @Roles('admin')
  changeRole(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('user')) id: number,
    @Body() dto: ChangeUserRoleDto,
  ) {
    return this.auth.changeRole(actor, id, dto);
  }

  @ApiBearerAuth()
  @Post('users/:id/revoke-sessions')
  @HttpCode(200)
  @Roles('admin')
  revokeSessions(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('user')) id: number) {
    return this.auth.revokeAllSessions(actor, id);
  }
}
