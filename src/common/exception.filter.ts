import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IdempotentReplay } from '../database/unit-of-work';
import { DomainError, TooManyRequestsError } from './errors';
import { type Language, languageFromHeader } from './i18n';
import { renderMessage } from './messages';
import { requestContext } from './request-context';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string[];
}

function statusName(status: number): string {
  const name = HttpStatus[status];
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function toMessages(raw: unknown, fallback: string): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string' && raw) return [raw];
  return [fallback];
}

/**
 * Maps any error to `{ statusCode, error, message[] }` with its messages in `lang` (Vietnamese unless the request
 * asked for English); never lets a stack trace reach the client.
 */
export function errorBody(exception: unknown, lang: Language = 'vi'): ErrorBody {
  const body = englishBody(exception);
  if (exception instanceof DomainError) return { ...body, message: exception.localized(lang) };
  return { ...body, message: body.message.map((m) => renderMessage(m, lang)) };
}

function englishBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    return { statusCode: exception.status, error: statusName(exception.status), message: exception.messages };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw =
      typeof response === 'object' && response !== null
        ? (response as { message?: unknown }).message
        : response;
    return { statusCode: status, error: statusName(status), message: toMessages(raw, exception.message) };
  }
  // body-parser's errors (malformed JSON, body too large) carry their own status.
  const parserError = exception as { type?: string; status?: number; message?: string };
  if (typeof parserError?.type === 'string' && parserError.status && parserError.status < 500) {
    const message =
      parserError.type === 'entity.parse.failed' ? 'body must be valid JSON' : String(parserError.message);
    return { statusCode: parserError.status, error: statusName(parserError.status), message: [message] };
  }
  if ((exception as { code?: string })?.code === 'SQLITE_BUSY') {
    // Another process held the database's write lock for longer than busy_timeout.
    return {
      statusCode: 503,
      error: 'Service Unavailable',
      message: ['the database is busy; try again in a moment'],
    };
  }
  return {
    statusCode: 500,
    error: 'Internal Server Error',
    message: ['internal error; the request wrote nothing'],
  };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof IdempotentReplay) {
      // The stored answer of the request that first used this Idempotency-Key (UnitOfWork), exactly as it was sent.
      response.status(exception.statusCode).setHeader('Idempotent-Replayed', 'true');
      if (exception.body === null) response.send();
      else response.json(exception.body);
      return;
    }
    const request = host.switchToHttp().getRequest<Request>();
    const body = errorBody(exception, languageFromHeader(request?.headers?.['accept-language']));
    if (body.statusCode >= 500) {
      const requestId = requestContext.get()?.requestId;
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error({ requestId, err: { name: err.name, message: err.message, stack: err.stack } });
    }
    if (response.headersSent) return;
    if (exception instanceof TooManyRequestsError)
      response.setHeader('Retry-After', String(exception.retryAfterS));
    response.status(body.statusCode).json(body);
  }
}
