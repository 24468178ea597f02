import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { AuditLogEntry, IdempotencyRecord } from './entities';
import { Fund } from '../funds/fund.entity';
import { Session, User } from '../auth/user.entity';
import { Account, AccountBalance, Book, ChainHead, JournalEntry, JournalLine } from '../ledger/entities';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { Contributions1764310000000 } from './migrations/1764310000000-contributions';
import { Disbursements1764320000000 } from './migrations/1764320000000-disbursements';
import { Beneficiary, BeneficiaryMerge } from '../beneficiaries/entities';
import { Disbursement, DisbursementEvent, HouseProject } from '../disbursements/entities';
import { Transfer } from '../transfers/transfer.entity';
import { DocumentSeries } from '../documents/document-series.entity';
import {
  BatchMember,
  Campaign,
  Contribution,
  ContributionBatch,
  Donor,
  DonorMerge,
  EmailDelivery,
  ImportRun,
} from '../contributions/entities';

export const ENTITIES = [
  Fund,
  User,
  Session,
  Book,
  Account,
  JournalEntry,
  JournalLine,
  AccountBalance,
  ChainHead,
  IdempotencyRecord,
  AuditLogEntry,
  DocumentSeries,
  Donor,
  Campaign,
  ContributionBatch,
  BatchMember,
  Contribution,
  EmailDelivery,
  DonorMerge,
  ImportRun,
  Beneficiary,
  BeneficiaryMerge,
  HouseProject,
  Disbursement,
  DisbursementEvent,
  Transfer,
];

export const MIGRATIONS = [
  InitialSchema1764300000000,
  Contributions1764310000000,
  Disbursements1764320000000,
];

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logging: false } as const;
  if (database.type === 'postgres') {
    return { ...common, type: 'postgres', url: database.url };
  }
  if (database.path !== ':memory:') fs.mkdirSync(path.dirname(database.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  };
}

/** Opens the database and applies pending migrations (each in its own transaction). */
export async function openDatabase(database: DatabaseConfig): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
