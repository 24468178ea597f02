import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type HandlebarsNs from 'handlebars';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Actor, Role } from '../common/actor';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { amountInWords } from '../common/number-words';
import { TEMPLATES_DIR } from '../common/paths';
import { FundsService, type FundView } from '../funds/funds.service';
import { errorsIn, groupDigits, showDate, type FormErrors } from './forms';
import { isLanguage, tFor, type Language } from './i18n';

// The Handlebars that hbs (the /verify page's engine) depends on; the admin makes its own instance (own partials).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Handlebars = require(
  require.resolve('handlebars', { paths: [path.dirname(require.resolve('hbs'))] }),
) as typeof HandlebarsNs;

export const ADMIN_DIR = path.join(TEMPLATES_DIR, 'admin');
export const SESSION_COOKIE = 'den_admin_session';
export const FUND_COOKIE = 'den_admin_fund';
export const LANG_COOKIE = 'den_admin_lang';

export type AdminRequest = Request & {
  actor?: Actor;
  sessionId?: number;
  lang?: Language;
  formToken?: string;
};

/** Who may write what: the menu shows these, and every action checks them again on the server. */
export const WRITERS: readonly Role[] = ['accountant', 'admin'];

export function canWrite(actor: Actor): boolean {
  return WRITERS.includes(actor.role);
}

export function requireActor(req: AdminRequest): Actor {
  if (!req.actor) throw new UnauthenticatedError('log in first');
  return req.actor;
}

export function requireWriter(req: AdminRequest): Actor {
  const actor = requireActor(req);
  if (!canWrite(actor)) throw new ForbiddenError(`role ${actor.role} may not do this`);
  return actor;
}

export function langOf(req: AdminRequest): Language {
  return req.lang ?? 'vi';
}

export function money(digits: string | null | undefined): string {
  if (digits === null || digits === undefined || digits === '') return '';
  return `${groupDigits(String(digits))} đ`;
}

interface NavItem {
  href: string;
  key: string;
  icon: string;
  active: boolean;
}

const NAV: { href: string; key: string; icon: string; roles?: readonly Role[] }[] = [
  { href: '/admin', key: 'nav.dashboard', icon: 'speedometer2' },
  { href: '/admin/contributions', key: 'nav.contributions', icon: 'cash-coin' },
  { href: '/admin/donors', key: 'nav.donors', icon: 'people' },
  { href: '/admin/batches/new', key: 'nav.batches', icon: 'list-ol', roles: WRITERS },
  { href: '/admin/imports', key: 'nav.imports', icon: 'upload', roles: WRITERS },
  { href: '/admin/journal', key: 'nav.journal', icon: 'journal-text' },
  { href: '/admin/beneficiaries', key: 'nav.beneficiaries', icon: 'house-heart' },
  { href: '/admin/disbursements', key: 'nav.disbursements', icon: 'wallet2' },
  { href: '/admin/projects', key: 'nav.projects', icon: 'house-gear' },
  { href: '/admin/transfers', key: 'nav.transfers', icon: 'arrow-left-right' },
  { href: '/admin/reports', key: 'nav.reports', icon: 'bar-chart' },
  { href: '/admin/closing', key: 'nav.closing', icon: 'journal-check', roles: ['approver', 'admin'] },
  { href: '/admin/audit', key: 'nav.audit', icon: 'shield-check', roles: ['auditor', 'admin'] },
  { href: '/admin/users', key: 'nav.users', icon: 'person-gear', roles: ['admin'] },
  { href: '/admin/funds', key: 'nav.funds', icon: 'diagram-3', roles: ['admin'] },
  { href: '/admin/campaigns', key: 'nav.campaigns', icon: 'megaphone', roles: WRITERS },
];

export interface ShellOptions {
  title: string;
  status?: number;
  errors?: FormErrors;
  /** A full page without the navigation (login, errors before login). */
  bare?: boolean;
}

/** Renders the admin's Handlebars pages (templates/admin) inside the shell, or a partial for htmx. */
@Injectable()
export class AdminViews {
  private readonly hb = Handlebars.create();
  private readonly templates = new Map<string, HandlebarsNs.TemplateDelegate>();

  constructor(private readonly funds: FundsService) {
    this.registerHelpers();
    const partials = path.join(ADMIN_DIR, 'partials');
    for (const file of fs.readdirSync(partials)) {
      if (file.endsWith('.hbs'))
        this.hb.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(partials, file), 'utf8'));
    }
  }

  private template(name: string): HandlebarsNs.TemplateDelegate {
    let compiled = this.templates.get(name);
    if (!compiled) {
      compiled = this.hb.compile(fs.readFileSync(path.join(ADMIN_DIR, `${name}.hbs`), 'utf8'));
      this.templates.set(name, compiled);
    }
    return compiled;
  }

  private registerHelpers(): void {
    const hb = this.hb;
    hb.registerHelper('t', function (this: unknown, key: string, options: HandlebarsNs.HelperOptions) {
      const root = (options.data as { root?: unknown } | undefined)?.root as { lang?: Language } | undefined;
      return tFor(root?.lang ?? 'vi')(key, options.hash as Record<string, unknown>);
    });
    hb.registerHelper('money', (digits: string) => money(digits));
    hb.registerHelper('digits', (value: string) => (value ? groupDigits(String(value)) : ''));
    hb.registerHelper('date', (iso: string) => showDate(iso));
    // "2026-12-02T17:58:27.442Z" → "03/12/2026 00:58" (Vietnam time, UTC+7).
    hb.registerHelper('datetime', (iso: string) => {
      const at = Date.parse(iso);
      if (Number.isNaN(at)) return iso;
      const local = new Date(at + 7 * 3600 * 1000).toISOString();
      return `${showDate(local.slice(0, 10))} ${local.slice(11, 16)}`;
    });
    hb.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
    hb.registerHelper('words', (digits: string) => {
      try {
        return digits ? amountInWords(String(digits)) : '';
      } catch {
        return '';
      }
    });
    hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
    hb.registerHelper('json', (value: unknown) => JSON.stringify(value ?? null));
    hb.registerHelper('fieldError', function (field: string, options: HandlebarsNs.HelperOptions) {
      const root = (options.data as { root?: unknown } | undefined)?.root as
        { errors?: FormErrors } | undefined;
      return root?.errors?.fields[field] ?? '';
    });
    hb.registerHelper('invalid', function (field: string, options: HandlebarsNs.HelperOptions) {
      const root = (options.data as { root?: unknown } | undefined)?.root as
        { errors?: FormErrors } | undefined;
      return root?.errors?.fields[field] ? 'is-invalid' : '';
    });
    hb.registerHelper('describedBy', function (field: string, options: HandlebarsNs.HelperOptions) {
      const root = (options.data as { root?: unknown } | undefined)?.root as
        { errors?: FormErrors } | undefined;
      return root?.errors?.fields[field] ? `${field}-error` : '';
    });
  }

  /** The funds the user may pick, and the selected one (cookie, else the first). */
  async fundChoice(req: AdminRequest): Promise<{ funds: FundView[]; selected: string | null }> {
    if (!req.actor) return { funds: [], selected: null };
    const funds = await this.funds.list(req.actor);
    const wanted: unknown = (req.cookies as Record<string, unknown> | undefined)?.[FUND_COOKIE];
    const selected = funds.find((f) => f.code === wanted)?.code ?? funds[0]?.code ?? null;
    return { funds, selected };
  }

  async page(
    req: AdminRequest,
    res: Response,
    name: string,
    model: Record<string, unknown>,
    options: ShellOptions,
  ): Promise<void> {
    const lang = langOf(req);
    const t = tFor(lang);
    const actor = req.actor;
    const { funds, selected } = await this.fundChoice(req);
    const here = req.path;
    const nav: NavItem[] = actor
      ? NAV.filter((item) => !item.roles || item.roles.includes(actor.role)).map((item) => ({
          href: item.href,
          key: item.key,
          icon: item.icon,
          active: item.href === '/admin' ? here === '/admin' : here.startsWith(item.href),
        }))
      : [];
    const data = {
      ...model,
      lang,
      otherLang: lang === 'vi' ? 'en' : 'vi',
      title: options.title,
      errors: options.errors && errorsIn(options.errors, lang),
      csrfToken: req.formToken,
      user: actor ? { username: actor.username, role: t(`roles.${actor.role}`) } : null,
      canWrite: actor ? canWrite(actor) : false,
      nav,
      funds: funds.map((f) => ({ code: f.code, name: f.name, selected: f.code === selected })),
      fund: selected,
      bare: options.bare === true || !actor,
      returnTo: req.originalUrl,
    };
    const body = this.template(`pages/${name}`)(data);
    const html = this.template('layouts/admin')({ ...data, body });
    res
      .status(options.status ?? 200)
      .type('html')
      .send(html);
  }

  /** An htmx fragment: one partial, no shell. */
  fragment(
    req: AdminRequest,
    res: Response,
    name: string,
    model: Record<string, unknown>,
    status = 200,
  ): void {
    const html = this.template(`partials/${name}`)({
      ...model,
      lang: langOf(req),
      csrfToken: req.formToken,
    });
    res.status(status).type('html').send(html);
  }
}

export function languageOfCookie(req: Request): Language {
  const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE];
  return isLanguage(value) ? value : 'vi';
}
