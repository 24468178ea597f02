import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { BusinessRuleError } from '../common/errors';
import { errorBody } from '../common/exception.filter';
import type { BadRow } from '../imports/import-run';

/** 422: lines of the statement are bad, so nothing of it was imported. Carries every bad line's number. */
export class StatementRejectedError extends BusinessRuleError {
  constructor(
    readonly rowsTotal: number,
    readonly badRowCount: number,
    readonly badRows: BadRow[],
  ) {
    const lines = badRows.map((row) => `line ${row.line}: ${row.errors.join('; ')}`);
    if (badRowCount > badRows.length) lines.push(`… and ${badRowCount - badRows.length} more bad lines`);
    lines.push(`${badRowCount} of ${rowsTotal} statement lines are bad; nothing was imported`);
    super(lines);
  }
}

/** The contract's error body plus `badRows: [{ line, errors }]` and the counts, as the other imports answer. */
@Catch(StatementRejectedError)
export class StatementRejectedFilter implements ExceptionFilter {
  catch(error: StatementRejectedError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(error.status)
      .json({
        ...errorBody(error),
        rowsTotal: error.rowsTotal,
        badRowCount: error.badRowCount,
        badRows: error.badRows,
      });
  }
}
