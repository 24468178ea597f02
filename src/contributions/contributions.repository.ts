import type { EntityManager } from 'typeorm';
import { present } from '../common/assert';
import { prepared } from '../database/prepared';
import { insertEachSqlite, insertOne, RowsOfEntries } from '../ledger/posting.repository';
import type { Campaign, Contribution, Donor } from './entities';
import type { Fund } from '../funds/fund.entity';

/**
 * The statements ContributionsService.record and recordMany run for every gift, prepared once (database/
 * prepared.ts) instead of built by TypeORM each time (issue 13). A chunk of an import reads its funds, donors and
 * campaigns in one statement each and writes its rows in one (PostgreSQL: over arrays; SQLite: the one-row
 * INSERT in a synchronous loop, insertEachSqlite). The rules stay in the service.
 */

/** A contribution row as written, before it has an id. */
export type NewContribution = Omit<
  Contribution,
  'id' | 'fund' | 'donor' | 'campaign' | 'batch' | 'entry' | 'voidEntry'
>;

export type ContributionFund = Pick<Fund, 'id' | 'code' | 'status'>;
export type ContributionDonor = Pick<Donor, 'id' | 'name' | 'kind' | 'mergedIntoId'>;
export type ContributionCampaign = Pick<Campaign, 'id' | 'code'>;

const isPostgres = (tx: EntityManager) => tx.connection.options.type === 'postgres';

/**
 * `column` is one of `values`: one statement text whatever their number (a JSON array on SQLite, an array on pg).
 * On SQLite one value (a gift over HTTP) is compared as itself: json_each cost three times the read (17 µs, 6).
 */
function oneOf(tx: EntityManager, column: string, type: 'int' | 'text', values: readonly unknown[]) {
  if (isPostgres(tx)) return { where: `${column} = ANY(?::${type}[])`, param: values };
  if (values.length === 1) return { where: `${column} = ?`, param: values[0] };
  return { where: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(values) };
}

/** A fund as read, by SELECT id, code, status (fundsByCode) or as a JSON array of them (fundsAndDonorsPg). */
const fundOf = (id: number, code: string, status: ContributionFund['status']): ContributionFund => ({
  id: Number(id),
  code,
  status,
});

/** A donor as read, by SELECT id, name, kind, merged_into_id (donorsById) or as a JSON array (fundsAndDonorsPg). */
const donorOf = (
  id: number,
  name: string,
  kind: Donor['kind'],
  mergedIntoId: number | null,
): ContributionDonor => ({
  id: Number(id),
  name,
  kind,
  mergedIntoId: mergedIntoId === null ? null : Number(mergedIntoId),
});

export const contributionsRepository = {
  async fundsByCode(tx: EntityManager, codes: readonly string[]): Promise<Map<string, ContributionFund>> {
    const { where, param } = oneOf(tx, 'code', 'text', codes);
    const rows = await prepared<ContributionFund>(tx, `SELECT id, code, status FROM funds WHERE ${where}`, [
      param,
    ]);
    return new Map(rows.map((r) => [r.code, fundOf(r.id, r.code, r.status)]));
  },

  async donorsById(tx: EntityManager, ids: readonly number[]): Promise<Map<number, ContributionDonor>> {
    const { where, param } = oneOf(tx, 'id', 'int', ids);
    const rows = await prepared<{
      id: number;
      name: string;
      kind: Donor['kind'];
      merged_into_id: number | null;
    }>(tx, `SELECT id, name, kind, merged_into_id FROM donors WHERE ${where}`, [param]);
    return new Map(rows.map((r) => [Number(r.id), donorOf(r.id, r.name, r.kind, r.merged_into_id)]));
  },

  /**
   * PostgreSQL: fundsByCode and donorsById in one round trip (a gift over HTTP reads both before its fund is held;
   * issue 13).
   */
  async fundsAndDonorsPg(
    tx: EntityManager,
    codes: readonly string[],
    ids: readonly number[],
  ): Promise<{ funds: Map<string, ContributionFund>; donors: Map<number, ContributionDonor> }> {
    const [row] = await prepared<{
      funds: [number, string, ContributionFund['status']][] | null;
      donors: [number, string, Donor['kind'], number | null][] | null;
    }>(
      tx,
      `SELECT (SELECT json_agg(json_build_array(id, code, status)) FROM funds WHERE code = ANY(?::text[])) AS funds,
              (SELECT json_agg(json_build_array(id, name, kind, merged_into_id)) FROM donors WHERE id = ANY(?::int[]))
                AS donors`,
      [codes, ids],
    );
    return {
      funds: new Map((row.funds ?? []).map((fund) => [fund[1], fundOf(...fund)])),
      donors: new Map((row.donors ?? []).map((donor) => [Number(donor[0]), donorOf(...donor)])),
    };
  },

  async campaignsByCode(
    tx: EntityManager,
    codes: readonly string[],
  ): Promise<Map<string, ContributionCampaign>> {
    if (codes.length === 0) return new Map();
    const { where, param } = oneOf(tx, 'code', 'text', codes);
    const rows = await prepared<ContributionCampaign>(tx, `SELECT id, code FROM campaigns WHERE ${where}`, [
      param,
    ]);
    return new Map(rows.map((r) => [r.code, { id: Number(r.id), code: r.code }]));
  },

  /** Which of these import keys are taken already. */
  async importedKeys(tx: EntityManager, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { where, param } = oneOf(tx, 'import_key', 'text', keys);
    const rows = await prepared<{ import_key: string }>(
      tx,
      `SELECT import_key FROM contributions WHERE ${where}`,
      [param],
    );
    return new Set(rows.map((r) => r.import_key));
  },

  /**
   * PostgreSQL: contribution rows written in posting's own statement, each given its entry's id there
   * (PostingService.postManyWith; issue 13). `rows` is called once, when the entries are about to be written; their
   * `entryId` is not read.
   */
  withEntries(rows: () => NewContribution[]): RowsOfEntries {
    return {
      table: 'contributions',
      columns: COLUMNS_BUT_ENTRY,
      types: COLUMNS_BUT_ENTRY.map((c) => PG_TYPES[c] ?? 'text'),
      rows: () => rows().map((row) => columnsOf(row).filter((_, i) => i !== ENTRY_ID_INDEX)),
    };
  },

  /** Inserts contribution rows and answers their ids, in order. */
  async insert(tx: EntityManager, rows: NewContribution[]): Promise<number[]> {
    const columns = rows.map(columnsOf);
    if (rows.length === 1) return [await insertOne(tx, INSERT_ROW, columns[0])];
    if (!isPostgres(tx)) return insertEachSqlite(tx, INSERT_ROW, columns);
    const inserted = await prepared<{ id: number; entry_id: number }>(
      tx,
      INSERT_ARRAYS,
      COLUMNS.map((_, i) => columns.map((values) => values[i])),
    );
    // An entry belongs to one contribution: the entry id tells which row got which id.
    const ids = new Map(inserted.map((r) => [Number(r.entry_id), Number(r.id)]));
    return rows.map((row) => present(ids.get(row.entryId), `contribution of entry ${row.entryId}`));
  },
};

const COLUMNS = [
  'fund_id',
  'donor_id',
  'campaign_id',
  'batch_id',
  'contribution_date',
  'amount',
  'method',
  'kind',
  'in_kind_description',
  'in_kind_quantity',
  'valuation_basis',
  'purpose',
  'receipt_no',
  'entry_id',
  'status',
  'void_entry_id',
  'void_reason',
  'voided_at',
  'external_ref',
  'original_no',
  'bank_ref',
  'bank_date',
  'handed_over_by',
  'import_key',
  'created_by',
  'created_at',
] as const;

const ENTRY_ID_INDEX = COLUMNS.indexOf('entry_id');
const COLUMNS_BUT_ENTRY = COLUMNS.filter((c) => c !== 'entry_id');

/** One row: the amount goes in as digit text, cast so that it is stored as an INTEGER. SQLite runs it per row. */
const INSERT_ROW = `INSERT INTO contributions (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((c) => (c === 'amount' ? 'CAST(? AS BIGINT)' : '?')).join(', ')})`;

const PG_TYPES: Partial<Record<(typeof COLUMNS)[number], string>> = {
  fund_id: 'int',
  donor_id: 'int',
  campaign_id: 'int',
  batch_id: 'int',
  amount: 'bigint',
  entry_id: 'int',
  void_entry_id: 'int',
};

/** Many rows in one statement over arrays (PostgreSQL). */
const INSERT_ARRAYS = `INSERT INTO contributions (${COLUMNS.join(', ')})
  SELECT * FROM unnest(${COLUMNS.map((c) => `?::${PG_TYPES[c] ?? 'text'}[]`).join(', ')})
  RETURNING id, entry_id`;

function columnsOf(c: NewContribution): unknown[] {
  return [
    c.fundId,
    c.donorId,
    c.campaignId,
    c.batchId,
    c.date,
    c.amount,
    c.method,
    c.kind,
    c.inKindDescription,
    c.inKindQuantity,
    c.valuationBasis,
    c.purpose,
    c.receiptNo,
    c.entryId,
    c.status,
    c.voidEntryId,
    c.voidReason,
    c.voidedAt,
    c.externalRef,
    c.originalNo,
    c.bankRef,
    c.bankDate,
    c.handedOverBy,
    c.importKey,
    c.createdBy,
    c.createdAt,
  ];
}
