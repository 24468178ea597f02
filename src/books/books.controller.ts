import { Controller, Get, Logger, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, RequestLanguage } from '../common/decorators';
import type { Language } from '../common/i18n';
import type { RenderedBook } from '../documents/books.renderer';
import { BookReportsService } from './books.service';
import { BookQuery, GeneralLedgerQuery } from './dto';

const PRODUCES = [
  'application/json',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
];

/**
 * The books of a fund over a date range, for every signed-in user within their fund scope. A spreadsheet's header
 * row follows Accept-Language (Vietnamese by default); the printed books are Vietnamese forms.
 */
@ApiTags('books')
@ApiBearerAuth()
@Controller('api/books')
export class BooksController {
  private readonly logger = new Logger('Books');

  constructor(private readonly books: BookReportsService) {}

  @Get('general-ledger')
  @ApiProduces(...PRODUCES)
  async generalLedger(
    @CurrentActor() actor: Actor,
    @Query() q: GeneralLedgerQuery,
    @RequestLanguage() lang: Language,
  ) {
    const range = { fund: q.fund, account: q.account, from: q.from, to: q.to };
    if (q.format === undefined || q.format === 'json') return this.books.ledger(actor, 'general', range, q);
    return this.file(await this.books.ledgerFile(actor, 'general', range, q.format, lang));
  }

  @Get('cash')
  @ApiProduces(...PRODUCES)
  async cash(@CurrentActor() actor: Actor, @Query() q: BookQuery, @RequestLanguage() lang: Language) {
    const range = { fund: q.fund, from: q.from, to: q.to };
    if (q.format === undefined || q.format === 'json') return this.books.ledger(actor, 'cash', range, q);
    return this.file(await this.books.ledgerFile(actor, 'cash', range, q.format, lang));
  }

  @Get('bank')
  @ApiProduces(...PRODUCES)
  async bank(@CurrentActor() actor: Actor, @Query() q: BookQuery, @RequestLanguage() lang: Language) {
    const range = { fund: q.fund, from: q.from, to: q.to };
    if (q.format === undefined || q.format === 'json') return this.books.ledger(actor, 'bank', range, q);
    return this.file(await this.books.ledgerFile(actor, 'bank', range, q.format, lang));
  }

  @Get('journal')
  @ApiProduces(...PRODUCES)
  async journal(@CurrentActor() actor: Actor, @Query() q: BookQuery, @RequestLanguage() lang: Language) {
    const range = { fund: q.fund, from: q.from, to: q.to };
    if (q.format === undefined || q.format === 'json') return this.books.journalBook(actor, range, q);
    return this.file(await this.books.journalFile(actor, range, q.format, lang));
  }

  private file(book: RenderedBook): StreamableFile {
    const file = new StreamableFile(book.stream, {
      type: book.contentType,
      disposition: `${book.disposition}; filename="${book.fileName}"`,
    });
    // A failure while the rows stream (the database gone, say) cannot become an error answer any more: the
    // connection is cut, so the client sees a broken download rather than a short file that looks whole.
    return file.setErrorHandler((error, response) => {
      if (response.destroyed) return;
      this.logger.error({ err: { name: error.name, message: error.message, stack: error.stack } });
      if (response.destroy) response.destroy();
      else response.end();
    });
  }
}
