import { ArgumentMetadata, Injectable, ParseIntPipe, PipeTransform } from '@nestjs/common';
import { NotFoundError } from './errors';

/** Ids are 32-bit database integers (`integer` on PostgreSQL and SQLite alike). */
export const MAX_ID = 2_147_483_647;

/**
 * A numeric id in a route: not a number is a 400 (as ParseIntPipe); a number no row can have is an unknown id,
 * a 404 on every database — PostgreSQL would otherwise fail the query with "out of range for type integer".
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, Promise<number>> {
  private readonly parseInt = new ParseIntPipe();

  constructor(private readonly what: string) {}

  async transform(value: string, metadata: ArgumentMetadata): Promise<number> {
    const id = await this.parseInt.transform(value, metadata);
    if (id < 1 || id > MAX_ID) throw new NotFoundError(`${this.what} ${value} does not exist`);
    return id;
  }
}
