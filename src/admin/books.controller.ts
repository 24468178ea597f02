import { Controller, Get, Logger, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/actor';
import { todayInVietnam } from '../common/clock';
import { Public } from '../common/decorators';
import type { RenderedBook } from '../documents/books.renderer';
import { AdminErrorsFilter } from './admin-errors.filter';
import { pageOf, pager } from './contributions.controller';
import { addError, emptyErrors, FormErrors, hasErrors, parseDateInput, showDate } from './forms';
import { tFor } from './i18n';
import { AdminQueries } from './queries';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, requireActor } from './views';

const BOOKS = ['general', 'cash', 'bank', 'journal'] as const;
type Book = (typeof BOOKS)[number];
const FORMATS = ['pdf', 'xlsx', 'csv'] as const;
const PAGE_SIZE = 50;

interface BookForm {
  book: Book;
  fund: string;
  account: string;
  from: string;
  to: string;
  typed: { from: string; to: string };
  errors: FormErrors;
}

/** The book, fund, account and range of the query; dates as typed (dd/mm/yyyy), by default the current year. */
function formOf(query: Record<string, unknown>, fund: string, t: (key: string) => string): BookForm {
  const errors = emptyErrors();
  const year = todayInVietnam().slice(0, 4);
  const typed = {
    from: typeof query.from === 'string' ? query.from.trim() : showDate(`${year}-01-01`),
    to: typeof query.to === 'string' ? query.to.trim() : showDate(todayInVietnam()),
  };
  const from = parseDateInput(typed.from);
  const to = parseDateInput(typed.to);
  if (!from) addError(errors, 'from', t('forms.badDate'));
  if (!to) addError(errors, 'to', t('forms.badDate'));
  const account =
    typeof query.account === 'string' && /^\d{1,16}$/.test(query.account.trim())
      ? query.account.trim()
      : '111';
  return {
    book: BOOKS.find((b) => b === query.book) ?? 'cash',
    fund,
    account,
    from: from ?? `${year}-01-01`,
    to: to ?? todayInVietnam(),
    typed,
    errors,
  };
}

/**
 * The books (src/books): general ledger of an account, cash book (111), bank book (112) and the journal, for the
 * selected fund and a range, on screen page by page and as the whole-range PDF, XLSX and CSV the API gives.
 */
@ApiExcludeController()
@Public()
@Controller('admin/reports/books')
@UseFilters(AdminErrorsFilter)
export class AdminBooksController {
  private readonly logger = new Logger('AdminBooks');

  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly queries: AdminQueries,
  ) {}

  @Get()
  async show(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const form = formOf(query, selected ?? '', t);
    const page = pageOf(query.page);
    let ledger = null;
    let journal = null;
    let accounts: { code: string; name: string }[] = [];
    if (selected) {
      const en = langOf(req) === 'en';
      accounts = (await this.services.balances.accounts(this.queries.manager, selected)).map((a) => ({
        code: a.code,
        name: en ? a.nameEn || a.name : a.name,
      }));
    }
    if (selected && !hasErrors(form.errors)) {
      const range = { fund: selected, from: form.from, to: form.to };
      const paging = { page, pageSize: PAGE_SIZE };
      if (form.book === 'journal') journal = await this.services.books.journalBook(actor, range, paging);
      else
        ledger = await this.services.books.ledger(
          actor,
          form.book,
          { ...range, account: form.account },
          paging,
        );
    }
    const params = new URLSearchParams({
      book: form.book,
      from: form.from,
      to: form.to,
      ...(form.book === 'general' ? { account: form.account } : {}),
    }).toString();
    const total = ledger?.total ?? journal?.total ?? 0;
    await this.views.page(
      req,
      res,
      'books',
      {
        tab: 'books',
        form,
        books: BOOKS.map((b) => ({ key: b, selected: b === form.book })),
        accounts: accounts.map((a) => ({ ...a, selected: a.code === form.account })),
        isGeneral: form.book === 'general',
        ledger,
        journal,
        hasBook: ledger !== null || journal !== null,
        params,
        formats: FORMATS,
        pager: pager('/admin/reports/books', query, page, PAGE_SIZE, total),
      },
      {
        title: t(`books.kinds.${form.book}`),
        errors: hasErrors(form.errors) ? form.errors : undefined,
        status: hasErrors(form.errors) ? 400 : 200,
      },
    );
  }

  /** The whole range as a file, streamed as the API streams it (GET /api/books/…?format=). */
  @Get('file')
  async file(@Req() req: AdminRequest, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const actor: Actor = requireActor(req);
    const t = tFor(langOf(req));
    const { selected } = await this.views.fundChoice(req);
    const form = formOf(query, selected ?? '', t);
    const format = FORMATS.find((f) => f === query.format);
    if (!selected || !format || hasErrors(form.errors)) {
      res.status(400).type('text').send(t('forms.badDate'));
      return;
    }
    const range = { fund: selected, from: form.from, to: form.to };
    const book: RenderedBook =
      form.book === 'journal'
        ? await this.services.books.journalFile(actor, range, format)
        : await this.services.books.ledgerFile(actor, form.book, { ...range, account: form.account }, format);
    res.setHeader('Content-Type', book.contentType);
    res.setHeader('Content-Disposition', `${book.disposition}; filename="${book.fileName}"`);
    // A failure while the rows stream cannot become an error page any more: cut the download, so it is not
    // mistaken for a whole file.
    book.stream.on('error', (error: Error) => {
      this.logger.error({ err: { name: error.name, message: error.message, stack: error.stack } });
      res.destroy();
    });
    book.stream.pipe(res);
  }
}
