import { HttpException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { createHash } from 'node:crypto';
import { DomainError } from '../common/errors';
import type { Language } from '../common/i18n';
import { renderMessage } from '../common/messages';
import { canonicalJson } from '../common/redact';
import { requestContext } from '../common/request-context';
import { IdempotentReplay } from '../database/unit-of-work';

/** What a refused form shows: one message per field, and every message in the summary at the top. */
export interface FormErrors {
  /** field → its first message */
  fields: Record<string, string>;
  /** Every message, with the field it belongs to (for the GOV.UK-style summary linking to the field). */
  summary: { field: string | null; message: string }[];
}

export class FormRefused extends Error {
  constructor(
    readonly errors: FormErrors,
    readonly status = 400,
  ) {
    super(errors.summary.map((s) => s.message).join('; '));
  }
}

/**
 * The errors in the page's language: a service refusal or a validator default arrives as English text (the form
 * matched it to its field by its English name) and is rendered from the message catalogue; a text the page wrote
 * itself is kept as it is.
 */
export function errorsIn(errors: FormErrors, lang: Language): FormErrors {
  const say = (message: string) => renderMessage(message, lang);
  return {
    fields: Object.fromEntries(
      Object.entries(errors.fields).map(([field, message]) => [field, say(message)]),
    ),
    summary: errors.summary.map((s) => ({ field: s.field, message: say(s.message) })),
  };
}

export function emptyErrors(): FormErrors {
  return { fields: {}, summary: [] };
}

export function addError(errors: FormErrors, field: string | null, message: string): void {
  if (field !== null && errors.fields[field] === undefined) errors.fields[field] = message;
  errors.summary.push({ field, message });
}

export function hasErrors(errors: FormErrors): boolean {
  return errors.summary.length > 0;
}

/** A text field of a form body (urlencoded: strings, or arrays of strings for repeated names). */
export function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value === 'string') return value.trim();
  return '';
}

export function list(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim() : ''));
  if (typeof value === 'string') return [value.trim()];
  return [];
}

const GROUPED_DOTS = /^\d{1,3}(\.\d{3})+$/;
const GROUPED_SPACES = /^\d{1,3}( \d{3})+$/;

/**
 * An amount as people type it: "55.500.000.000", "55500000000" or "55 500 000 000" → "55500000000".
 * Returns null for anything else (a comma is a decimal separator in Vietnamese, so it is never ignored).
 */
export function parseAmountInput(raw: string): string | null {
  const value = raw.replace(/[\u00a0\u202f]/g, ' ').trim();
  if (/^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, '');
  if (GROUPED_DOTS.test(value) || GROUPED_SPACES.test(value)) return value.replace(/[. ]/g, '');
  return null;
}

/** "55500000000" → "55.500.000.000" */
export function groupDigits(digits: string): string {
  const negative = digits.startsWith('-');
  const plain = negative ? digits.slice(1) : digits;
  const grouped = plain.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return negative ? `-${grouped}` : grouped;
}

/** "15/03/2025" (or "2025-03-15") → "2025-03-15"; null when it is not a real date. */
export function parseDateInput(raw: string): string | null {
  const value = raw.trim();
  let iso: string;
  const vi = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (vi) iso = `${vi[3]}-${vi[2].padStart(2, '0')}-${vi[1].padStart(2, '0')}`;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) iso = value;
  else return null;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return null;
  return iso;
}

/** "2025-03-15" → "15/03/2025" */
export function showDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** Checks a DTO the way the API's ValidationPipe does, so the web form and the API refuse the same input. */
export async function checkDto<T extends object>(
  cls: new () => T,
  plain: Record<string, unknown>,
  errors: FormErrors,
): Promise<T> {
  const dto = plainToInstance(cls, plain);
  const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  for (const problem of flatten(problems)) addError(errors, problem.field, problem.message);
  return dto;
}

function flatten(problems: ValidationError[], prefix = ''): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const p of problems) {
    const field = prefix ? `${prefix}.${p.property}` : p.property;
    for (const message of Object.values(p.constraints ?? {})) out.push({ field, message });
    if (p.children?.length) out.push(...flatten(p.children, field));
  }
  return out;
}

/** The status and messages of a service error (DomainError or HttpException); null for anything else. */
export function serviceError(error: unknown): { status: number; messages: string[] } | null {
  if (error instanceof DomainError) return { status: error.status, messages: error.messages };
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const raw =
      typeof response === 'object' && response !== null
        ? (response as { message?: unknown }).message
        : response;
    const messages = Array.isArray(raw) ? raw.map(String) : [typeof raw === 'string' ? raw : error.message];
    return { status: error.getStatus(), messages };
  }
  return null;
}

/**
 * Turns a service refusal (400/409/422) into form errors: a message that starts with a field's name
 * ("amount must …", "line 3: …") goes beside that field as well as into the summary.
 */
export function refusal(error: unknown, fields: readonly string[]): FormRefused | null {
  const known = serviceError(error);
  if (!known || ![400, 403, 404, 409, 422, 429, 502, 503].includes(known.status)) return null;
  const errors = emptyErrors();
  for (const message of known.messages) {
    const first = /^([A-Za-z]+)/.exec(message)?.[1];
    addError(errors, first && fields.includes(first) ? first : null, message);
  }
  return new FormRefused(errors, known.status);
}

/**
 * Runs one creating write under the form's Idempotency-Key (generated when the form was rendered): a double
 * submit replays the first answer instead of writing again, exactly as the API's `Idempotency-Key` does.
 */
export async function onceFor<T>(
  key: string,
  what: string,
  request: unknown,
  write: () => Promise<T>,
): Promise<T> {
  return (await once(key, what, request, write)).result;
}

/** As onceFor, also saying whether the answer is a replay of an earlier submit. */
export async function once<T>(
  key: string,
  what: string,
  request: unknown,
  write: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const context = requestContext.get();
  if (!context || !/^[\x21-\x7e]{1,100}$/.test(key)) return { result: await write(), replayed: false };
  const requestHash = createHash('sha256')
    .update(`admin ${what}\n${canonicalJson(request ?? null)}`)
    .digest('hex');
  context.idempotency = { key: `admin:${key}`, requestHash, statusCode: 201 };
  try {
    return { result: await write(), replayed: false };
  } catch (error) {
    if (error instanceof IdempotentReplay) return { result: error.body as T, replayed: true };
    throw error;
  } finally {
    context.idempotency = undefined;
  }
}
