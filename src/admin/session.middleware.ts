import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import type { CookieOptions, NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { AuthService } from '../auth/auth.service';
import { DomainError } from '../common/errors';
import { requestContext } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { tFor } from './i18n';
import { AdminRequest, languageOfCookie, SESSION_COOKIE } from './views';

// A fresh secret per process (shared by every instance of the middleware): a restart only means reloading a form.
const secret = randomBytes(32).toString('hex');

/** Multipart forms (imports): the token is in the body, which only the upload interceptor parses. */
export const CSRF_CHECKED_IN_CONTROLLER = [
  '/admin/imports',
  '/admin/reports/bank/statements',
  '/admin/reports/claims/upload',
];

/**
 * Every /admin request: reads the session cookie (the same revocable token as the API's bearer token), the
 * language, and checks the CSRF token of every state-changing request (double submit, csrf-csrf). A POST
 * without a valid token is answered 403 here, before any controller can write.
 */
@Injectable()
export class AdminSessionMiddleware implements NestMiddleware {
  private readonly parseCookies = cookieParser();
  readonly secure: boolean;
  readonly csrf: ReturnType<typeof doubleCsrf>;

  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secure = config.publicUrl.startsWith('https:');
    this.csrf = doubleCsrf({
      getSecret: () => secret,
      getSessionIdentifier: (req) => {
        const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
        return typeof value === 'string' ? value : '';
      },
      cookieName: this.secure ? '__Host-den.csrf' : 'den_csrf',
      cookieOptions: { sameSite: 'lax', secure: this.secure, httpOnly: true, path: '/' },
      getCsrfTokenFromRequest: (req) => {
        const header = req.headers['x-csrf-token'];
        if (typeof header === 'string') return header;
        const body = req.body as Record<string, unknown> | undefined;
        return typeof body?._csrf === 'string' ? body._csrf : undefined;
      },
    });
  }

  cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/admin' };
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.parseCookies(req, res, () => {
      void this.handle(req as AdminRequest, res, next);
    });
  }

  private async handle(req: AdminRequest, res: Response, next: NextFunction): Promise<void> {
    req.lang = languageOfCookie(req);
    // Mounted middleware sees a req.path relative to its mount point: use the whole path.
    const where = req.originalUrl.split('?')[0];
    if (where.startsWith('/admin/assets/')) return next();
    const token: unknown = (req.cookies as Record<string, unknown>)[SESSION_COOKIE];
    if (typeof token === 'string' && token) {
      try {
        const { actor, sessionId } = await this.auth.authenticate(token);
        req.actor = actor;
        req.sessionId = sessionId;
        const ctx = requestContext.get();
        if (ctx) ctx.actor = actor;
      } catch (error) {
        if (!(error instanceof DomainError)) return next(error);
        res.clearCookie(SESSION_COOKIE, this.cookieOptions());
      }
    }
    const safe = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
    if (!safe && !CSRF_CHECKED_IN_CONTROLLER.includes(where) && !this.csrf.validateRequest(req)) {
      this.refuse(req, res);
      return;
    }
    req.formToken = this.csrf.generateCsrfToken(req, res);
    next();
  }

  /** 403 for a forged or stale form: nothing was read from it and nothing written. */
  refuse(req: AdminRequest, res: Response): void {
    const message = tFor(req.lang ?? 'vi')('errors.csrf');
    res.status(403).type('html')
      .send(`<!doctype html><html lang="${req.lang ?? 'vi'}"><head><meta charset="utf-8">
<title>403</title><link rel="stylesheet" href="/admin/assets/bootstrap.min.css"></head>
<body class="p-4"><main><h1 class="h3">403</h1><p>${message}</p><p><a href="/admin">/admin</a></p></main></body></html>`);
  }
}
