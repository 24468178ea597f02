import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { languageFromHeader } from '../common/i18n';
import { errorBody } from '../common/exception.filter';
import { ImportRejectedError } from './import-run';

/**
 * A rejected import answers the contract's error body (`message` holds one "line N: …" string per bad row) plus
 * the same rows as data, `badRows: [{ line, errors }]`, and the counts, for programs that fix files.
 */
@Catch(ImportRejectedError)
export class ImportRejectedFilter implements ExceptionFilter {
  catch(error: ImportRejectedError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    response.status(error.status).json({
      ...errorBody(error, languageFromHeader(request.headers['accept-language'])),
      rowsTotal: error.rowsTotal,
      badRowCount: error.badRowCount,
      badRows: error.badRows,
    });
  }
}
