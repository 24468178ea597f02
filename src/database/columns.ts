import type { ValueTransformer } from 'typeorm';

/**
 * Amounts are whole đồng in INTEGER (SQLite) / BIGINT (PostgreSQL) columns. The drivers hand them back as a
 * number (SQLite) or a string (PostgreSQL); the entities always see a digit string, so no code does float maths.
 */
export const dongColumn: ValueTransformer = {
  to: (value: string | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : String(value)),
};
