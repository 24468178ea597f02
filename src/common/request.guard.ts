import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { NO_IDEMPOTENCY_KEY } from './decorators';
import { InvalidRequestError } from './errors';
import { canonicalJson, redact } from './redact';
import { requestContext } from './request-context';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Records what a state-changing request is (for the audit row its write adds) and takes its `Idempotency-Key`:
 * the key and a hash of the request ride along to the UnitOfWork, which stores the answer in the same transaction
 * as the write, or throws IdempotentReplay with the stored answer (sent by AllExceptionsFilter).
 *
 * A guard that always lets the request through, after AuthGuard (auth.module.ts): guards run after every
 * middleware (the body is parsed) and before validation. It was an interceptor, whose Observable chain and bound
 * async context cost about a twentieth of a posting's CPU over HTTP (issue 13).
 */
@Injectable()
export class RequestGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const ctx = requestContext.get();
    if (!ctx || request.method === 'GET' || request.method === 'HEAD') return true;

    const path = request.originalUrl.split('?')[0];
    ctx.action = `${request.method} ${path}`;
    ctx.auditDetails = redact(request.body);

    const key = request.header('idempotency-key');
    if (key === undefined || request.method !== 'POST') return true;
    if (Reflect.getMetadata(NO_IDEMPOTENCY_KEY, context.getHandler()) === true) return true;
    if (!KEY_PATTERN.test(key)) {
      throw new InvalidRequestError('Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const statusCode =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      HttpStatus.CREATED;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    ctx.idempotency = { key, requestHash, statusCode };
    return true;
  }
}
