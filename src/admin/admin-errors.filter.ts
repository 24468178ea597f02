import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { errorBody } from '../common/exception.filter';
import { tFor } from './i18n';
import { AdminRequest, AdminViews, langOf } from './views';

/**
 * Errors of the admin pages as pages, not JSON: not logged in → the login page; 403/404 → a page in the user's
 * language saying so; anything else → a short page with the service's message (never a stack trace).
 */
@Injectable()
@Catch()
export class AdminErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Admin');

  constructor(private readonly views: AdminViews) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<AdminRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const body = errorBody(exception, langOf(req));
    if (body.statusCode === 401) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      if (req.headers['hx-request']) {
        res.setHeader('HX-Redirect', '/admin/login');
        res.status(401).end();
        return;
      }
      res.redirect(303, `/admin/login${next}`);
      return;
    }
    if (body.statusCode >= 500) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error({ err: { name: err.name, message: err.message, stack: err.stack } });
    }
    const t = tFor(langOf(req));
    const heading =
      body.statusCode === 403
        ? t('errors.forbidden')
        : body.statusCode === 404
          ? t('errors.notFound')
          : t('errors.generic');
    this.views
      .page(
        req,
        res,
        'error',
        { statusCode: body.statusCode, heading, messages: body.message },
        { title: heading, status: body.statusCode },
      )
      .catch((error: unknown) => {
        this.logger.error(error);
        if (!res.headersSent) res.status(body.statusCode).type('text').send(body.message.join('\n'));
      });
  }
}
