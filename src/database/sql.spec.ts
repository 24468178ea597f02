import type { EntityManager } from 'typeorm';
import { AssertionError } from '../common/assert';
import { identifier, sql, sumDong } from './sql';

function manager(type: string, seen: { query?: string; params?: unknown[] }): EntityManager {
  return {
    connection: { options: { type } },
    query: (query: string, params: unknown[]) => {
      seen.query = query;
      seen.params = params;
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
}

describe('sql()', () => {
  it('numbers the placeholders for PostgreSQL and leaves them for SQLite', async () => {
    const pg: { query?: string } = {};
    await sql(manager('postgres', pg), 'SELECT * FROM t WHERE a = ? AND b IN (?, ?)', [1, 2, 3]);
    expect(pg.query).toBe('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
    const lite: { query?: string } = {};
    await sql(manager('better-sqlite3', lite), 'SELECT * FROM t WHERE a = ?', [1]);
    expect(lite.query).toBe('SELECT * FROM t WHERE a = ?');
  });

  it('refuses a literal "?" in the text, on both drivers, before anything runs', () => {
    for (const type of ['postgres', 'better-sqlite3']) {
      const seen: { query?: string } = {};
      expect(() => sql(manager(type, seen), "SELECT 'why?' WHERE a = ?", [1])).toThrow(AssertionError);
      expect(seen.query).toBeUndefined();
    }
  });
});

describe('identifiers spliced into SQL', () => {
  it('accepts names and alias.name', () => {
    expect(identifier('l.debit')).toBe('l.debit');
    expect(sumDong('debit')).toBe('CAST(COALESCE(SUM(debit), 0) AS TEXT)');
  });

  it.each(['debit) FROM x; --', "a'b", '1abc', 'a.b.c', '', 'a b'])('refuses %p', (text) => {
    expect(() => sumDong(text)).toThrow(AssertionError);
    expect(() => identifier(text)).toThrow(AssertionError);
  });
});
