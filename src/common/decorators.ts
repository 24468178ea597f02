import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, Role } from './actor';
import { type Language, languageFromHeader } from './i18n';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const NO_IDEMPOTENCY_KEY = 'idempotency:ignored';

/** The route needs no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route (every authenticated role when absent). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * The route ignores `Idempotency-Key`: it creates no business record, and its incidental writes (a session on
 * login, a revocation on logout) must neither store a replayable answer (a plaintext token) nor be replayed.
 */
export const IgnoresIdempotencyKey = () => SetMetadata(NO_IDEMPOTENCY_KEY, true);

export type AuthenticatedRequest = Request & { actor?: Actor; sessionId?: number };

/** The authenticated actor of the request (set by the auth guard). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new Error('CurrentActor used on a public route');
  return request.actor;
});

/** The language the request asks for in Accept-Language: Vietnamese by default, English on request. */
export const RequestLanguage = createParamDecorator((_data: unknown, ctx: ExecutionContext): Language =>
  languageFromHeader(ctx.switchToHttp().getRequest<Request>().headers['accept-language']),
);
