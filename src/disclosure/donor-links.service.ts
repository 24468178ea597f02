import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../common/actor';
import { nowIso } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors';
import { In } from 'typeorm';
import { RateLimiter } from '../common/rate-limiter';
import { requestContext } from '../common/request-context';
import { sql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { renderMailTemplate, MailService } from '../documents/mail.service';
import { ReceiptsService } from '../contributions/receipts.service';
import { Contribution, Donor } from '../contributions/entities';
import { DonorLink, DonorLinkRequest } from './entities';

/** A link works once and for at most this long; after it is opened, its cookie lets the donor download for an hour. */
export const LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 60 * 60 * 1000;
/** Link requests allowed per client address, and per e-mail or receipt asked about, each hour. */
export const LINK_REQUESTS_PER_HOUR = 5;
/** A donor sees at most this many receipts on the page (newest first). */
const MAX_RECEIPTS = 500;

/** The actor the donor portal reads and prints as: every fund, but only the donor's own documents. */
const PORTAL_ACTOR: Actor = { userId: null, username: 'donor-portal', role: 'auditor', fundScope: null };

/** The link was used already, or expired (the page answers 410 Gone; the API's family is 409). */
export class LinkGoneError extends ConflictError {}

export interface DonorReceiptLine {
  id: number;
  receiptNo: string;
  fund: string;
  fundName: string;
  date: string;
  amount: string;
  status: string;
}

export interface DonorPortalView {
  donorName: string;
  receipts: DonorReceiptLine[];
  letters: { fund: string; fundName: string; year: number }[];
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
/** The log keeps this instead of the e-mail: enough to see repeated requests, not to read the address. */
export const emailHash = (email: string) => hashOf(`den-on donor-link:${email.trim().toLowerCase()}`);

/**
 * Donor self-service (issue 14): a donor asks for a link with the e-mail on record or a receipt number; a
 * one-time link, valid 24 h, goes to the e-mail on record (never to an address the request names). Every request
 * is logged with a hash of the e-mail, and answered the same way whether or not anything was sent.
 */
@Injectable()
export class DonorLinksService {
  private readonly logger = new Logger(DonorLinksService.name);
  private readonly byClient: RateLimiter;
  private readonly bySubject: RateLimiter;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly mail: MailService,
    private readonly receipts: ReceiptsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const limit = { points: LINK_REQUESTS_PER_HOUR, windowS: 3600, what: 'link requests' };
    this.byClient = RateLimiter.memory({ name: 'donor-link-client', ...limit });
    this.bySubject = RateLimiter.memory({ name: 'donor-link-subject', ...limit });
  }

  /** Sends a link if the e-mail or receipt is on record; the caller answers the same either way. */
  async request(input: { email?: string; receiptNo?: string }, client: string): Promise<void> {
    const email = input.email?.trim().toLowerCase() || undefined;
    const receiptNo = input.receiptNo?.trim() || undefined;
    // The audit log keeps the request body: here, only the hash of the e-mail.
    const context = requestContext.get();
    if (context)
      context.auditDetails = { emailHash: email ? emailHash(email) : null, receiptNo: receiptNo ?? null };
    const log = (outcome: string) =>
      this.uow.write(async (tx) => {
        await tx.insert(DonorLinkRequest, {
          at: nowIso(),
          emailHash: email ? emailHash(email) : null,
          receiptNo: receiptNo ?? null,
          outcome,
        });
      }, 'public donor-link request');
    try {
      await this.byClient.hit(client);
      await this.bySubject.hit(email ? emailHash(email) : `receipt:${receiptNo ?? ''}`);
    } catch (error) {
      await log('limited');
      throw error;
    }
    const donors = await this.findDonors(email, receiptNo);
    if (donors.length === 0) return log('unknown');
    if (!this.mail.enabled) return log('mail_disabled');
    for (const donor of donors) {
      const token = randomBytes(32).toString('base64url');
      const created = new Date();
      const expires = new Date(created.getTime() + LINK_LIFETIME_MS);
      await this.uow.write(async (tx) => {
        await tx.insert(DonorLink, {
          donorId: donor.id,
          tokenHash: hashOf(token),
          createdAt: created.toISOString(),
          expiresAt: expires.toISOString(),
          usedAt: null,
        });
      }, 'public donor-link issue');
      const { subject, text } = renderMailTemplate('donor-link.vi', {
        donorName: donor.name,
        link: `${this.config.publicUrl}/public/donor/${token}`,
        expires: `${expires.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      });
      try {
        await this.mail.send({ to: donor.email as string, subject, text, attachments: [] });
        await log('sent');
      } catch (error) {
        this.logger.warn(`donor link mail failed: ${error instanceof Error ? error.message : String(error)}`);
        await log('mail_failed');
      }
    }
  }

  private async findDonors(email?: string, receiptNo?: string): Promise<Donor[]> {
    const manager = this.uow.manager;
    if (email) {
      const rows = await sql<{ id: number }>(
        manager,
        'SELECT id FROM donors WHERE LOWER(email) = ? AND merged_into_id IS NULL ORDER BY id LIMIT 5',
        [email],
      );
      return rows.length ? manager.findBy(Donor, { id: In(rows.map((r) => Number(r.id))) }) : [];
    }
    if (receiptNo && receiptNo.length <= 40) {
      const found = await manager
        .createQueryBuilder(Contribution, 'c')
        .innerJoinAndSelect('c.donor', 'd')
        .where('c.receipt_no = :receiptNo', { receiptNo })
        .take(5)
        .getMany();
      const donors = new Map(found.map((c) => [c.donor!.id, c.donor!]));
      return [...donors.values()].filter((d) => d.email && d.mergedIntoId === null);
    }
    return [];
  }

  /** Opens a link: once only, within 24 h. Returns the donor id; the token then works as a cookie for an hour. */
  open(token: string): Promise<number> {
    // The token is in the path: the audit row names the route, not the token.
    const context = requestContext.get();
    if (context) context.action = 'GET /public/donor/{token}';
    return this.uow.write(async (tx) => {
      const link = await tx.findOne(DonorLink, { where: { tokenHash: hashOf(token) } });
      if (!link) throw new NotFoundError('this link does not exist');
      if (link.usedAt !== null) throw new LinkGoneError('this link was already used; ask for a new one');
      if (Date.parse(link.expiresAt) <= Date.now())
        throw new LinkGoneError('this link has expired; ask for a new one');
      link.usedAt = nowIso();
      await tx.save(link);
      return link.donorId;
    }, 'public donor-link open');
  }

  /** The donor a session cookie (an opened link's token) stands for, or null when it is unknown or too old. */
  async session(token: string | undefined): Promise<number | null> {
    if (!token || token.length > 100) return null;
    const link = await this.uow.manager.findOne(DonorLink, { where: { tokenHash: hashOf(token) } });
    if (!link || link.usedAt === null) return null;
    return Date.parse(link.usedAt) + SESSION_LIFETIME_MS > Date.now() ? link.donorId : null;
  }

  async portal(donorId: number): Promise<DonorPortalView> {
    const manager = this.uow.manager;
    const donor = await manager.findOneOrFail(Donor, { where: { id: donorId } });
    const rows = await manager
      .createQueryBuilder(Contribution, 'c')
      .innerJoinAndSelect('c.fund', 'f')
      .where('c.donor_id = :donorId', { donorId })
      .orderBy('c.contribution_date', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .take(MAX_RECEIPTS)
      .getMany();
    const letters = new Map<string, { fund: string; fundName: string; year: number }>();
    for (const c of rows) {
      const year = Number(c.date.slice(0, 4));
      letters.set(`${c.fund!.code}:${year}`, { fund: c.fund!.code, fundName: c.fund!.name, year });
    }
    return {
      donorName: donor.name,
      receipts: rows.map((c) => ({
        id: c.id,
        receiptNo: c.receiptNo,
        fund: c.fund!.code,
        fundName: c.fund!.name,
        date: c.date,
        amount: c.amount,
        status: c.status,
      })),
      letters: [...letters.values()],
    };
  }

  /** A receipt PDF of this donor's (404 for anyone else's). */
  async receiptPdf(donorId: number, contributionId: number): Promise<{ receiptNo: string; pdf: Buffer }> {
    const c = await this.uow.manager.findOne(Contribution, { where: { id: contributionId } });
    if (!c || c.donorId !== donorId) throw new NotFoundError(`receipt ${contributionId} does not exist`);
    return this.receipts.pdf(null, contributionId, true);
  }

  async letterPdf(donorId: number, fundCode: string, year: number): Promise<Buffer> {
    const [given] = await sql<{ n: number | string }>(
      this.uow.manager,
      `SELECT COUNT(*) AS n FROM contributions c JOIN funds f ON f.id = c.fund_id
        WHERE c.donor_id = ? AND f.code = ? AND c.contribution_date >= ? AND c.contribution_date <= ?`,
      [donorId, fundCode, `${year}-01-01`, `${year}-12-31`],
    );
    if (Number(given.n) === 0) throw new NotFoundError(`no letter for ${fundCode} ${year}`);
    return this.receipts.donorStatement(PORTAL_ACTOR, donorId, fundCode, year);
  }
}
