import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { AuditLogEntry, IdempotencyRecord } from './entities';
import { Fund, FundUnitName } from '../funds/fund.entity';
import { Attachment, useAttachmentContentType } from '../attachments/attachment.entity';
import { IssuedDocument } from '../documents/issued-document.entity';
import { BankDocumentsAndUnitNames1764440000000 } from './migrations/1764440000000-bank-documents-and-unit-names';
import { Session, User } from '../auth/user.entity';
import { Account, AccountBalance, Book, ChainHead, JournalEntry, JournalLine } from '../ledger/entities';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema';
import { Contributions1764310000000 } from './migrations/1764310000000-contributions';
import { Disbursements1764320000000 } from './migrations/1764320000000-disbursements';
import { Closing1764330000000 } from './migrations/1764330000000-closing';
import { BankReconciliation1764340000000 } from './migrations/1764340000000-bank-reconciliation';
import { BankStatementDuplicates1764400000000 } from './migrations/1764400000000-bank-statement-duplicates';
import { TransferReversals1764410000000 } from './migrations/1764410000000-transfer-reversals';
import { VerifyRunsAndDonorFund1764430000000 } from './migrations/1764430000000-verify-runs-and-donor-fund';
import { VerifyRun } from '../audit/verify-run.entity';
import { ManualEntryRequests1764450000000 } from './migrations/1764450000000-manual-entry-requests';
import { ManualEntryRequest } from '../ledger/manual-entry-request.entity';
import { PublicDisclosure1764460000000 } from './migrations/1764460000000-public-disclosure';
import { Cashier1764470000000 } from './migrations/1764470000000-cashier';
import { LateEntries1764480000000 } from './migrations/1764480000000-late-entries';
import { LateEntry } from '../documents/late-entry.entity';
import { PayeesAndKindsOfMoney1764490000000 } from './migrations/1764490000000-payees-and-kinds-of-money';
import { Payee } from '../payees/payee.entity';
import { BankAdvice } from '../bank-advices/bank-advice.entity';
import { CashConfirmation, RoleCombination } from '../cashier/entities';
import { DonorLink, DonorLinkRequest, PublicSigningKey } from '../disclosure/entities';
import {
  BankMatch,
  BankMatchItem,
  BankStatement,
  BankStatementDuplicate,
  BankStatementLine,
} from '../bank-reconciliation/entities';
import { FundMerger, YearClosing } from '../closing/entities';
import { Beneficiary, BeneficiaryDistinctPair, BeneficiaryMerge } from '../beneficiaries/entities';
import { BeneficiaryDistinctPairs1764500000000 } from './migrations/1764500000000-beneficiary-distinct-pairs';
import { HashChainPerFund1764520000000 } from './migrations/1764520000000-hash-chain-per-fund';
import { ReportIndices1764540000000 } from './migrations/1764540000000-report-indices';
import { PartyLookupIndices1764550000000 } from './migrations/1764550000000-party-lookup-indices';
import { CoveringBalancesIndex1764560000000 } from './migrations/1764560000000-covering-balances-index';
import { NullKeysOutOfUniqueIndexes1764570000000 } from './migrations/1764570000000-null-keys-out-of-unique-indexes';
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
  YearClosing,
  FundMerger,
  BankStatement,
  BankStatementLine,
  BankMatch,
  BankMatchItem,
  BankStatementDuplicate,
  VerifyRun,
  FundUnitName,
  Attachment,
  IssuedDocument,
  PublicSigningKey,
  DonorLink,
  DonorLinkRequest,
  ManualEntryRequest,
  RoleCombination,
  CashConfirmation,
  LateEntry,
  BeneficiaryDistinctPair,
  Payee,
  BankAdvice,
];

export const MIGRATIONS = [
  InitialSchema1764300000000,
  Contributions1764310000000,
  Disbursements1764320000000,
  Closing1764330000000,
  BankReconciliation1764340000000,
  BankStatementDuplicates1764400000000,
  TransferReversals1764410000000,
  VerifyRunsAndDonorFund1764430000000,
  BankDocumentsAndUnitNames1764440000000,
  ManualEntryRequests1764450000000,
  PublicDisclosure1764460000000,
  Cashier1764470000000,
  LateEntries1764480000000,
  PayeesAndKindsOfMoney1764490000000,
  BeneficiaryDistinctPairs1764500000000,
  HashChainPerFund1764520000000,
  ReportIndices1764540000000,
  PartyLookupIndices1764550000000,
  CoveringBalancesIndex1764560000000,
  NullKeysOutOfUniqueIndexes1764570000000,
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
  useAttachmentContentType(database.type);
  await dataSource.initialize();
  if (database.type === 'postgres') {
    // Two processes starting at once must not both apply the same migration.
    await dataSource.query('SELECT pg_advisory_lock(7202)');
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock(7202)');
    }
  } else {
    await dataSource.runMigrations({ transaction: 'each' });
  }
  return dataSource;
}

/**
 * A second, read-only connection to the same SQLite file. TypeORM shares one connection for everything on SQLite,
 * so reads made on it would see another request's unfinished (and maybe rolled back) write; in WAL mode this
 * connection sees only committed data. PostgreSQL (a pool) and in-memory databases read through the writer.
 */
export async function openReader(writer: DataSource): Promise<DataSource> {
  const options = writer.options;
  if (options.type !== 'better-sqlite3' || options.database === ':memory:') return writer;
  const reader = new DataSource({
    ...options,
    migrations: [],
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('query_only = ON');
    },
  });
  return reader.initialize();
}
