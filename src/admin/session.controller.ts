import { Body, Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { AdminErrorsFilter } from './admin-errors.filter';
import { addError, emptyErrors, serviceError, text } from './forms';
import { isLanguage, tFor } from './i18n';
import { AdminSessionMiddleware } from './session.middleware';
import {
  AdminRequest,
  AdminViews,
  FUND_COOKIE,
  LANG_COOKIE,
  langOf,
  requireActor,
  SESSION_COOKIE,
} from './views';

/** A path inside the admin to go back to: never another site. */
export function localPath(value: unknown, fallback = '/admin'): string {
  return typeof value === 'string' && /^\/admin(\/|$|\?)/.test(value) && !value.startsWith('//')
    ? value
    : fallback;
}

/** Sign-in and sign-out, the language switch and the fund switcher. */
@ApiExcludeController()
@Public()
@Controller('admin')
@UseFilters(AdminErrorsFilter)
export class AdminSessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly views: AdminViews,
    private readonly session: AdminSessionMiddleware,
  ) {}

  @Get('login')
  async loginForm(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query('next') next?: string,
  ): Promise<void> {
    if (req.actor) return res.redirect(303, localPath(next));
    await this.views.page(
      req,
      res,
      'login',
      { next: localPath(next), username: '' },
      {
        title: tFor(langOf(req))('login.title'),
        bare: true,
      },
    );
  }

  @Post('login')
  @IgnoresIdempotencyKey()
  async login(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const t = tFor(langOf(req));
    const username = text(body, 'username');
    const password = typeof body.password === 'string' ? body.password : '';
    const next = localPath(body.next);
    const errors = emptyErrors();
    if (!username) addError(errors, 'username', t('login.usernameRequired'));
    if (!password) addError(errors, 'password', t('login.passwordRequired'));
    if (errors.summary.length === 0) {
      try {
        const result = await this.auth.login(username, password, req.ip ?? 'unknown');
        res.cookie(SESSION_COOKIE, result.token, {
          ...this.session.cookieOptions(),
          expires: new Date(result.expiresAt),
        });
        return res.redirect(303, next);
      } catch (error) {
        const known = serviceError(error);
        if (!known) throw error;
        if (known.status === 429) {
          const seconds = /(\d+) s/.exec(known.messages[0] ?? '')?.[1] ?? '60';
          addError(errors, null, t('login.throttled', { seconds }));
        } else addError(errors, null, t('login.invalid'));
      }
    }
    await this.views.page(
      req,
      res,
      'login',
      { next, username },
      {
        title: t('login.title'),
        bare: true,
        errors,
        status: errors.summary.some((e) => e.field) ? 400 : 401,
      },
    );
  }

  @Post('logout')
  @IgnoresIdempotencyKey()
  async logout(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    if (req.sessionId !== undefined) await this.auth.logout(req.sessionId);
    res.clearCookie(SESSION_COOKIE, this.session.cookieOptions());
    res.redirect(303, '/admin/login');
  }

  @Get('lang/:lang')
  language(@Req() req: AdminRequest, @Res() res: Response, @Query('back') back?: string): void {
    const lang = req.params.lang;
    if (isLanguage(lang))
      res.cookie(LANG_COOKIE, lang, { ...this.session.cookieOptions(), maxAge: 365 * 86_400_000 });
    res.redirect(303, localPath(back));
  }

  @Get('fund')
  async fund(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @Query('code') code?: string,
    @Query('back') back?: string,
  ) {
    requireActor(req);
    const { funds } = await this.views.fundChoice(req);
    if (funds.some((f) => f.code === code))
      res.cookie(FUND_COOKIE, code, { ...this.session.cookieOptions(), maxAge: 365 * 86_400_000 });
    res.redirect(303, localPath(back));
  }
}
