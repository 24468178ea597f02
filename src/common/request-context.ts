import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from './actor';

/** What a write must know about the request that caused it: who, which request, and its idempotency key. */
export interface RequestContext {
  requestId: string;
  actor?: Actor;
  /** "POST /api/journal-entries" */
  action?: string;
  idempotency?: { key: string; requestHash: string; statusCode: number };
  /** Request body with secrets removed, for the audit log. */
  auditDetails?: unknown;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
};
