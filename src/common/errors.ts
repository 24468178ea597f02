import type { Language } from './i18n';
import { type Message, renderMessage } from './messages';

/**
 * Named domain errors. The one exception filter (common/exception.filter.ts) maps each family to the
 * contract's status code; services throw these and never an HTTP exception.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 502 | 503;
  /** One human-readable line per problem, in English (logs, the command line). */
  readonly messages: string[];
  /** The problems as thrown: catalogue keys with parameters (`msg(...)`), or English text. */
  readonly parts: Message[];

  constructor(messages: Message | Message[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    const english = list.map((m) => (typeof m === 'string' ? m : renderMessage(m, 'en')));
    super(english.join('; '));
    this.name = new.target.name;
    this.parts = list;
    this.messages = english;
  }

  /** The problems in `lang` (templates/i18n/messages.{vi,en}.json). */
  localized(lang: Language): string[] {
    return this.parts.map((m) => renderMessage(m, lang));
  }
}

/** 400: the request is well-formed JSON but breaks a rule of its own shape (unbalanced lines, unknown account). */
export class InvalidRequestError extends DomainError {
  readonly status = 400;
}

export class UnauthenticatedError extends DomainError {
  readonly status = 401;
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
}

export class NotFoundError extends DomainError {
  readonly status = 404;
}

/** 409: the request conflicts with the state of the books. */
export class ConflictError extends DomainError {
  readonly status = 409;
}

export class PeriodLockedError extends ConflictError {}
export class AlreadyReversedError extends ConflictError {}
export class IdempotencyConflictError extends ConflictError {}

/** 422: a business rule refuses the request. */
export class BusinessRuleError extends DomainError {
  readonly status = 422;
}

export class InsufficientFundsError extends BusinessRuleError {}

/** 429: too many requests; `retryAfterS` goes out as the `Retry-After` header. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;

  constructor(
    messages: Message | Message[],
    readonly retryAfterS: number,
  ) {
    super(messages);
  }
}

/** 502: a service we depend on (the mail server) refused or failed. */
export class UpstreamError extends DomainError {
  readonly status = 502;
}

/** 503: the feature is switched off by configuration (e.g. e-mail without SMTP_URL). */
export class FeatureDisabledError extends DomainError {
  readonly status = 503;
}
