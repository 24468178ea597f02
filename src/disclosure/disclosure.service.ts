import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs';
import { IsNull, type EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { nowIso } from '../common/clock';
import { InvalidRequestError, NotFoundError } from '../common/errors';
import { sql, sumDong } from '../database/sql';
import { ledgerHead } from '../ledger/chain-head';
import { UnitOfWork } from '../database/unit-of-work';
import { FundsService } from '../funds/funds.service';
import { ClaimsReconciliationService } from '../reports/claims-reconciliation.service';
import { readClaimsFile } from '../reports/claims';
import { DONOR_KINDS, STATEMENT_PURPOSES } from '../reports/statement-figures';
import { StatementService, StatementYear } from '../reports/statement.service';
import { PublicSigningKey } from './entities';
import { householdTable, HouseholdTable, PayoutRow, purposeTable, PurposeTable } from './public-figures';
import { generateKeyPair, KeyPair, PUBLIC_FORMAT } from './signing';
import { publicCount, PublicCount } from './suppression';

/** The public reads every fund, and only through this service's figures. */
const PUBLIC_ACTOR: Actor = { userId: null, username: 'public', role: 'auditor', fundScope: null };

/** At most this many years on one disclosure; and this many funds' results kept in the cache. */
const MAX_YEARS = 50;
const MAX_CACHED = 200;
/** Purposes that house a household: the headline "households supported with housing". */
export const HOUSING_PURPOSES = ['house_new', 'house_repair'] as const;

export interface ChainStamp {
  /** The last journal entry (null for empty books), the chain's head hash, and the number of entries. */
  entryId: number | null;
  hash: string;
  entries: number;
}

export interface DisclosureYear {
  year: number;
  receipts: string;
  byDonorKind: Record<string, string>;
  byCampaign: { campaign: string | null; amount: string }[];
  disbursements: string;
  byPurpose: PurposeTable;
  households: HouseholdTable;
  /** Cash (111) and Treasury/bank (112) together at the end of the year (or of the range). */
  closingBalance: string;
}

export interface PublicClaim {
  label: string;
  metric: string;
  expected: string;
  /** Digits (đồng or households); a household count under 5 is "< 5". */
  actual: string;
  verdict: string;
  from: string;
  to: string;
}

export interface FundDisclosure {
  format: typeof PUBLIC_FORMAT;
  fund: { code: string; name: string; unitName: string | null };
  /** Every fund whose books the figures cover (the fund and the funds below it). */
  funds: string[];
  from: string;
  to: string;
  chainHead: ChainStamp;
  totals: {
    receipts: string;
    disbursements: string;
    housingHouseholds: PublicCount;
    /** Null when the housing households are fewer than 5 (the amount would be theirs). */
    housingAmount: string | null;
    openingBalance: string;
    closingBalance: string;
  };
  years: DisclosureYear[];
  claims: PublicClaim[];
  honourRoll: { name: string; years: { year: number; amount: string }[]; total: string }[];
}

export interface SigningKeyView {
  fund: string;
  keyId: string;
  publicKey: string;
  createdAt: string;
}

/**
 * The public disclosure of a fund (issue 14): its figures, consolidated with the funds below it, by year, from the
 * same statement the staff read, with every household figure passed through small-cell suppression. Results are
 * cached per fund and range, keyed on the chain head and the last audit-log row: any write (a posting, a consent)
 * changes the key, so a public figure is never older than the request after the write.
 */
@Injectable()
export class DisclosureService {
  private readonly cache = new Map<string, { key: string; value: FundDisclosure }>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly funds: FundsService,
    private readonly statements: StatementService,
    private readonly claims: ClaimsReconciliationService,
  ) {}

  async chainStamp(manager: EntityManager = this.uow.manager): Promise<ChainStamp> {
    const head = await ledgerHead(manager);
    return { entryId: head.lastEntryId, hash: head.hash, entries: head.entryCount };
  }

  /** What the cache is keyed on: changes with every write through the unit of work. */
  private async version(): Promise<{ stamp: ChainStamp; key: string }> {
    const stamp = await this.chainStamp();
    const [audit] = await sql<{ n: number | string | null }>(
      this.uow.manager,
      'SELECT MAX(id) AS n FROM audit_log',
    );
    return { stamp, key: `${stamp.hash}:${stamp.entries}:${String(audit?.n ?? 0)}` };
  }

  /** The disclosure of `code` for fromYear..toYear (default: every year with entries). 404 for an unknown fund. */
  async disclosure(code: string, fromYear?: number, toYear?: number): Promise<FundDisclosure> {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) throw new NotFoundError(`fund ${code} does not exist`);
    const { stamp, key } = await this.version();
    const cacheKey = `${code}|${fromYear ?? ''}|${toYear ?? ''}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.key === key) return hit.value;
    const value = await this.uow.snapshot((manager) => this.compute(manager, code, stamp, fromYear, toYear));
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(cacheKey, { key, value });
    return value;
  }

  private async compute(
    manager: EntityManager,
    code: string,
    stamp: ChainStamp,
    fromYear?: number,
    toYear?: number,
  ): Promise<FundDisclosure> {
    const scope = await this.statements.scope(PUBLIC_ACTOR, code, true);
    const ids = scope.funds.map((f) => f.id);
    const marks = ids.map(() => '?').join(', ');
    const [span] = await sql<{ first: string | null; last: string | null }>(
      manager,
      `SELECT MIN(entry_date) AS first, MAX(entry_date) AS last FROM journal_entries WHERE fund_id IN (${marks})`,
      ids,
    );
    const thisYear = Number(nowIso().slice(0, 4));
    const first = fromYear ?? Number((span?.first ?? `${thisYear}`).slice(0, 4));
    const last = toYear ?? Number((span?.last ?? `${thisYear}`).slice(0, 4));
    if (last < first || last - first >= MAX_YEARS)
      throw new InvalidRequestError([`years must run forward and span at most ${MAX_YEARS}`]);
    const from = `${first}-01-01`;
    const to = `${last}-12-31`;

    const statement = await this.statements.statement(PUBLIC_ACTOR, code, from, to, true);
    const years: StatementYear[] = statement.years ?? [
      {
        year: first,
        from,
        to,
        openingBalance: statement.openingBalance,
        receipts: statement.receipts.total,
        disbursements: statement.disbursements.total,
        households: statement.disbursements.households,
        closingBalance: statement.closingBalance,
        byDonorKind: statement.receipts.byDonorKind,
        byPurpose: statement.disbursements.byPurpose,
      },
    ];
    const reader = this.statements.reader(scope, manager);
    const paid = reader.paidInRange(from, to);
    // Only an opaque id, commune and category: no name, ID, address or amount of a household is read at all.
    const payouts = (
      await sql<{
        year: string;
        purpose: string;
        hid: number | string;
        commune: string;
        ckey: string;
        category: string;
      }>(
        manager,
        `SELECT SUBSTR(d.payment_date, 1, 4) AS year, d.purpose AS purpose, d.beneficiary_id AS hid,
                b.commune AS commune, b.commune_folded AS ckey, b.category AS category
           FROM disbursements d
           JOIN beneficiaries b ON b.id = d.beneficiary_id
           LEFT JOIN journal_entries re ON re.id = d.reversal_entry_id
          WHERE ${paid.text}`,
        paid.params,
      )
    ).map((r): PayoutRow => ({
      year: Number(r.year),
      purpose: r.purpose,
      householdId: Number(r.hid),
      commune: r.commune,
      communeKey: r.ckey,
      category: r.category,
    }));
    const campaigns = await sql<{ year: string; campaign: string | null; amount: string }>(
      manager,
      `SELECT SUBSTR(c.contribution_date, 1, 4) AS year, cp.name AS campaign, ${sumDong('c.amount')} AS amount
         FROM contributions c LEFT JOIN campaigns cp ON cp.id = c.campaign_id
        WHERE c.fund_id IN (${marks}) AND c.status = 'posted' AND c.contribution_date >= ? AND c.contribution_date <= ?
        GROUP BY SUBSTR(c.contribution_date, 1, 4), cp.name`,
      [...ids, from, to],
    );

    const housing = await reader.households(from, to, HOUSING_PURPOSES);
    const housingAmount = HOUSING_PURPOSES.reduce(
      (sum, p) => sum + BigInt(statement.disbursements.byPurpose[p]?.amount ?? '0'),
      0n,
    );
    return {
      format: PUBLIC_FORMAT,
      fund: { code: scope.root.code, name: scope.root.name, unitName: scope.root.unitName },
      funds: scope.funds.map((f) => f.code),
      from,
      to,
      chainHead: stamp,
      totals: {
        receipts: statement.receipts.total,
        disbursements: statement.disbursements.total,
        housingHouseholds: publicCount(housing.all),
        housingAmount: publicCount(housing.all) === housing.all ? String(housingAmount) : null,
        openingBalance: statement.openingBalance,
        closingBalance: statement.closingBalance,
      },
      years: years.map((y) => this.year(y, payouts, campaigns)),
      claims: await this.publicClaims(scope.root.code),
      honourRoll: await this.honourRoll(manager, ids, from, to),
    };
  }

  private year(
    y: StatementYear,
    payouts: PayoutRow[],
    campaigns: { year: string; campaign: string | null; amount: string }[],
  ): DisclosureYear {
    const rows = payouts.filter((p) => p.year === y.year);
    const amounts = Object.fromEntries(STATEMENT_PURPOSES.map((p) => [p, y.byPurpose[p].amount]));
    const byCampaign = campaigns
      .filter((c) => Number(c.year) === y.year && c.campaign !== null)
      .map((c) => ({ campaign: c.campaign, amount: String(BigInt(c.amount)) }));
    // Receipts outside any campaign: the year's receipts less the campaigns' (entries that are not contributions too).
    const outside = BigInt(y.receipts) - byCampaign.reduce((s, c) => s + BigInt(c.amount), 0n);
    if (outside !== 0n) byCampaign.push({ campaign: null, amount: String(outside) });
    return {
      year: y.year,
      receipts: y.receipts,
      byDonorKind: Object.fromEntries(DONOR_KINDS.map((k) => [k, y.byDonorKind[k]])),
      byCampaign,
      disbursements: y.disbursements,
      byPurpose: purposeTable(amounts, rows),
      households: householdTable(rows),
      closingBalance: y.closingBalance,
    };
  }

  /** The published claims (data/claims/) about this fund, with their verdicts; household counts suppressed. */
  private async publicClaims(code: string): Promise<PublicClaim[]> {
    const dir = this.claims.claimsDir;
    const names = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5))
          .sort()
      : [];
    const result: PublicClaim[] = [];
    for (const name of names) {
      let file;
      try {
        file = readClaimsFile(name, dir);
      } catch {
        continue; // a broken claims file is the staff's to fix; the public page shows the good ones
      }
      if (!file.claims.some((c) => c.fund === code)) continue;
      const report = await this.claims.reconcile(PUBLIC_ACTOR, name);
      for (const c of report.claims.filter((c) => c.fund === code)) {
        const households = c.metric === 'households_supported';
        result.push({
          label: c.label,
          metric: c.metric,
          expected: c.expected,
          actual: households ? String(publicCount(Number(c.actual))) : c.actual,
          verdict: c.verdict,
          from: c.from,
          to: c.to,
        });
      }
    }
    return result;
  }

  /** Donors who consented (bảng vàng): name and yearly total of posted contributions to these funds. */
  private async honourRoll(manager: EntityManager, ids: number[], from: string, to: string) {
    const marks = ids.map(() => '?').join(', ');
    const rows = await sql<{ id: number | string; name: string; year: string; amount: string }>(
      manager,
      `SELECT d.id AS id, d.name AS name, SUBSTR(c.contribution_date, 1, 4) AS year, ${sumDong('c.amount')} AS amount
         FROM contributions c JOIN donors d ON d.id = c.donor_id
        WHERE d.public_listing = 1 AND c.status = 'posted' AND c.fund_id IN (${marks})
          AND c.contribution_date >= ? AND c.contribution_date <= ?
        GROUP BY d.id, d.name, SUBSTR(c.contribution_date, 1, 4)`,
      [...ids, from, to],
    );
    const byDonor = new Map<
      string,
      { name: string; years: { year: number; amount: string }[]; total: bigint }
    >();
    for (const r of rows) {
      const key = String(r.id);
      const entry = byDonor.get(key) ?? { name: r.name, years: [], total: 0n };
      entry.years.push({ year: Number(r.year), amount: String(BigInt(r.amount)) });
      entry.total += BigInt(r.amount);
      byDonor.set(key, entry);
    }
    return [...byDonor.values()]
      .map((d) => ({ name: d.name, years: d.years.sort((a, b) => a.year - b.year), total: String(d.total) }))
      .sort((a, b) =>
        BigInt(b.total) > BigInt(a.total)
          ? 1
          : BigInt(b.total) < BigInt(a.total)
            ? -1
            : a.name.localeCompare(b.name),
      );
  }

  /** The fund's signing key now in force (null when the admin has configured none). */
  async signingKey(code: string): Promise<KeyPair | null> {
    const fund = await this.funds.byCode(this.uow.manager, code);
    const key = await this.uow.manager.findOne(PublicSigningKey, {
      where: { fundId: fund.id, retiredAt: IsNull() },
      order: { id: 'DESC' },
    });
    return key && key.retiredAt === null
      ? { keyId: key.keyId, publicKey: key.publicKey, privateKey: key.privateKey }
      : null;
  }

  /** Every key the fund ever signed with (public halves), newest first: what a verifier may accept. */
  async publicKeys(code: string): Promise<(SigningKeyView & { retiredAt: string | null })[]> {
    const fund = await this.funds.byCode(this.uow.manager, code);
    const keys = await this.uow.manager.find(PublicSigningKey, {
      where: { fundId: fund.id },
      order: { id: 'DESC' },
    });
    return keys.map((k) => ({
      fund: code,
      keyId: k.keyId,
      publicKey: k.publicKey,
      createdAt: k.createdAt,
      retiredAt: k.retiredAt,
    }));
  }

  /** A new Ed25519 key for the fund's published files (admin); the previous key is retired, not deleted. */
  rotateSigningKey(actor: Actor, code: string): Promise<SigningKeyView> {
    return this.uow.write(async (tx) => {
      const fund = await this.funds.byCode(tx, code);
      const at = nowIso();
      await tx
        .createQueryBuilder()
        .update(PublicSigningKey)
        .set({ retiredAt: at })
        .where('fund_id = :fundId AND retired_at IS NULL', { fundId: fund.id })
        .execute();
      const pair = generateKeyPair();
      await tx.insert(PublicSigningKey, {
        fundId: fund.id,
        keyId: pair.keyId,
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
        createdBy: actor.username,
        createdAt: at,
        retiredAt: null,
      });
      // The private half never leaves the database: not in the answer, not in the audit log.
      return { fund: code, keyId: pair.keyId, publicKey: pair.publicKey, createdAt: at };
    });
  }
}
