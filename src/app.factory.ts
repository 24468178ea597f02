import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/exception.filter';
import { ApiValidationPipe } from './common/validation-pipe';
import { requireUtf8 } from './common/utf8-body';
import { createLogger, PinoNestLogger, requestLogger } from './common/logger';
import { TEMPLATES_DIR } from './common/paths';
import { requestContext } from './common/request-context';
import { AppConfig, DEFAULT_HOST } from './config/app-config';
import { openDatabase } from './database/data-source';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the whole HTTP application: used by `npm start`, the demo and the e2e tests alike. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const logger = createLogger(config.logLevel);
  const dataSource = await openDatabase(config.database);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, dataSource), {
    logger: new PinoNestLogger(logger),
  });

  // Behind a reverse proxy (TRUST_PROXY), req.ip is the client from X-Forwarded-For, so the per-address login
  // and verification limiters count clients, not the proxy; by default the header is ignored (anyone can write it).
  app.set('trust proxy', config.trustProxy ?? false);
  // Every answer is `Cache-Control: no-store` (BodyGuardMiddleware): no client keeps one to revalidate, so an ETag
  // (a SHA-1 of each body) would be computed for nothing.
  app.set('etag', false);
  app.use(helmet());
  // Each request's id (a client's X-Request-Id if well-formed) on the request, the answer and the request context.
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    requestContext.run({ requestId: id }, next);
  });
  // One line per request, unless LOG_LEVEL=silent (then pino-http's logger per request would write nothing).
  if (logger.level !== 'silent') app.use(requestLogger(logger));
  // After the request id, so that a body refused by the parser (bad JSON, bad UTF-8) is answered with its id too.
  // Nest's own JSON parser (same limit), refusing bodies that are not valid UTF-8 with a 400.
  // Contributions and payments may carry their attachments (base64, up to 8 MB a file): a larger limit there only.
  app.use(['/api/contributions', '/api/disbursements'], json({ limit: '12mb', verify: requireUtf8 }));
  app.use(json({ verify: requireUtf8 }));
  app.setBaseViewsDir(path.join(TEMPLATES_DIR, 'views'));
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/public' });
  app.useGlobalPipes(new ApiValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  // Built on the first request for it, not at start (about a tenth of the start's CPU, and memory kept idle).
  SwaggerModule.setup('api/docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
  return app;
}

/** Listens on PORT at HOST (default 127.0.0.1: this machine only; 0.0.0.0 to be reached from a proxy or another host). */
export async function listen(app: INestApplication, config: AppConfig): Promise<void> {
  await app.listen(config.port, config.host ?? DEFAULT_HOST);
}

/** The OpenAPI document served at /api/docs, and the source of docs/api.md (`npm run docs:api`). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Quỹ Đền ơn đáp nghĩa — ledger API')
      .setDescription(
        'Double-entry books of the Repaying Gratitude Fund. Amounts are whole đồng, sent as JSON integers or digit strings and always returned as digit strings.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
}
