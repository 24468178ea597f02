import type { LoggerService } from '@nestjs/common';
import type { RequestHandler } from 'express';
import pino, { DestinationStream, Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Paths pino must never print: credentials and citizen IDs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.nationalId',
];

/** The service's logger: JSON lines on standard output, or on `destination` (tests). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'den-on-ledger' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * One line per request when it is answered: its id (the request id middleware's, app.factory.ts), method and URL,
 * then the answer's status, headers (a cookie redacted) and time. Never the body, which may carry passwords or
 * citizen IDs, nor the request's headers (the bearer token).
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req) => (req as { id?: string }).id ?? '',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
    },
  });
}

/** Nest's logger interface on top of pino: one JSON line per message. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string) {
    this.write('error', message, context ?? trace);
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.write('fatal', message, context);
  }

  private write(level: pino.Level, message: unknown, context?: string) {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
