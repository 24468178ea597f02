import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../common/actor';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from '../common/decorators';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { requestContext } from '../common/request-context';
import { AuthService } from './auth.service';

/** Global guard: every route needs a valid bearer token unless marked @Public(), and a listed role if @Roles(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match)
      throw new UnauthenticatedError(
        'missing bearer token: send Authorization: Bearer <token> from POST /api/auth/login',
      );
    const { actor, sessionId } = await this.auth.authenticate(match[1]);
    request.actor = actor;
    request.sessionId = sessionId;
    const ctx = requestContext.get();
    if (ctx) ctx.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new ForbiddenError(`role ${actor.role} may not do this; it needs ${roles.join(' or ')}`);
    }
    return true;
  }
}
