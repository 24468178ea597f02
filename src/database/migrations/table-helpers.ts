import { TableForeignKey, TableIndex } from 'typeorm';
import type { TableColumnOptions } from 'typeorm/schema-builder/options/TableColumnOptions';

// Column and constraint shorthands for migrations written with TypeORM's portable Table API.
// FROZEN, like the migrations that import it: changing one would change what an old migration builds, so
// src/database/migrations/frozen.json pins its hash. A new migration that needs other shorthands writes its own.

export const id: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};
export const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
export const int = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable,
});
export const dong = (name: string): TableColumnOptions => ({ name, type: 'bigint' });
export const fk = (name: string, column: string, table: string, refColumn = 'id') =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: [refColumn],
    onDelete: 'RESTRICT',
  });
export const index = (name: string, columnNames: string[], isUnique = false) =>
  new TableIndex({ name, columnNames, isUnique });
