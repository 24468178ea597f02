import type { Response } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { ApiFactory, idOf } from '../support/factories';
import {
  bankReceipt,
  createUser,
  expectError,
  expectNoStackTrace,
  Role,
  ROLES,
  TestUser,
} from '../support/http';

/** A fresh, valid request for a route: what a caller allowed to use it would send. */
interface Call {
  path: string;
  body?: object;
  /** Send this as a raw `text/csv` body instead of `body`. */
  csv?: string;
  /** Send a token of a new session of the same user (logout would otherwise end the role's shared session). */
  freshSession?: boolean;
}

interface RouteCase {
  /** Method and path exactly as /api/docs-json lists them. */
  route: string;
  /** Who may call it: no token needed, any authenticated user, or only these roles. */
  who: 'public' | 'everyone' | readonly Role[];
  /** The status of a successful call. */
  ok: number;
  /** When set, any of these statuses counts as success (e.g. 503 where the test app lacks a mail server). */
  okStatuses?: readonly number[];
  /** The content type of a successful answer, when it is not JSON (a PDF, an HTML page). */
  type?: string;
  call: () => Promise<Call>;
}

let t: TestApp;
const users = {} as Record<Role, TestUser>;
let revokedToken: string;
let entryId: number;
let donorId: number;
let contributionId: number;
let receiptNo: string;
let batchId: number;
/** An extra accountant who prepares the payout requests others approve, so that no caller is their preparer. */
let preparer: TestUser;
let householdId: number;
/** A paid payout and an open house project of fund P, for the read routes. */
let paidPayoutId: number;
let projectId: number;
let counter = 0;
/** Each lock moves the lock date of fund L forward, so every allowed role's call is a real, permitted change. */
let lockYear = 2000;

const postAsAdmin = async (path: string, body: object, status = 201): Promise<Response> =>
  t.http.post(path).set(bearer(t.adminToken)).send(body).expect(status);

/** Fresh rows for the route calls, numbered with `counter` (test/support/factories.ts). */
let make: ApiFactory;

/** A contribution of the shared donor to fund P, recorded by admin. */
const newContribution = async (date = '2023-06-01', amount: number | string = 1_000_000) =>
  make.contribution('P', donorId, date, amount);

/** A new household for the beneficiary routes. */
const newHousehold = () => make.household();

/** A hardship payout request of 1.000 đ (far below its cap) to the shared household, from fund P's bank. */
const newPayout = (token: string, draft = false) => make.payout('P', householdId, token, draft);

/** A new payout request taken to `status`: prepared by the extra accountant, then approved and paid by admin. */
const payoutIn = (status: 'submitted' | 'approved' | 'paid') =>
  make.payoutIn(status, 'P', householdId, preparer.token);

/** A new repair project of the shared household in fund P, with nothing paid (so nothing left to settle). */
const newProject = () => make.houseProject('P', householdId);

/** An open batch of the shared donor in fund P, expecting two names totalling 3.000 đ; with them if `filled`. */
const newBatch = (filled: boolean) => make.batch('P', donorId, filled);

// The whole API surface, one row per route. CONTRACT.md and DESIGN.md §9: admin runs users and funds (and may
// also post, reverse and lock); accountants record; approvers lock periods; auditors read, verify and read the
// audit log. Every read is open to every role except the user list and the audit routes.
const ROUTES: RouteCase[] = [
  { route: 'GET /api/health', who: 'public', ok: 200, call: () => Promise.resolve({ path: '/api/health' }) },
  {
    route: 'POST /api/auth/login',
    who: 'public',
    ok: 200,
    call: () =>
      Promise.resolve({
        path: '/api/auth/login',
        body: { username: users.auditor.username, password: users.auditor.password },
      }),
  },
  {
    route: 'POST /api/auth/logout',
    who: 'everyone',
    ok: 204,
    call: () => Promise.resolve({ path: '/api/auth/logout', freshSession: true }),
  },
  {
    route: 'GET /api/auth/me',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/auth/me' }),
  },
  {
    route: 'POST /api/users',
    who: ['admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/users',
        body: { username: `matrix-user-${++counter}`, password: 'long-enough-password', role: 'auditor' },
      }),
  },
  { route: 'GET /api/users', who: ['admin'], ok: 200, call: () => Promise.resolve({ path: '/api/users' }) },
  {
    route: 'POST /api/auth/password',
    who: 'everyone',
    // The row cannot know each caller's password: a wrong current one is the 400 every role gets past the guard
    // (and it ends no session). test/e2e/security.e2e-spec.ts changes passwords for real.
    ok: 400,
    call: () =>
      Promise.resolve({
        path: '/api/auth/password',
        body: { currentPassword: 'not-the-password', newPassword: 'a-brand-new-phrase-42' },
      }),
  },
  ...(['disable', 'enable', 'password', 'revoke-sessions'] as const).map((action): RouteCase => ({
    route: `POST /api/users/{id}/${action}`,
    who: ['admin'],
    ok: 200,
    call: async () => ({
      path: `/api/users/${await newMatrixUser()}/${action}`,
      body: action === 'password' ? { newPassword: 'a-brand-new-phrase-42' } : {},
    }),
  })),
  {
    route: 'POST /api/users/{id}/role',
    who: ['admin'],
    ok: 200,
    call: async () => ({ path: `/api/users/${await newMatrixUser()}/role`, body: { role: 'auditor' } }),
  },
  {
    route: 'POST /api/funds',
    who: ['admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/funds',
        body: { code: `M${++counter}`, name: 'Quỹ thử', level: 'province' },
      }),
  },
  { route: 'GET /api/funds', who: 'everyone', ok: 200, call: () => Promise.resolve({ path: '/api/funds' }) },
  {
    route: 'GET /api/funds/{code}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/P' }),
  },
  {
    route: 'GET /api/funds/{code}/accounts',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/P/accounts' }),
  },
  {
    route: 'POST /api/funds/{code}/accounts',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/funds/P/accounts',
        body: { code: String(51190 + ++counter), name: 'Thu tài trợ khác', type: 'receipts' },
      }),
  },
  {
    route: 'GET /api/funds/{code}/unit-names',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/P/unit-names' }),
  },
  {
    route: 'POST /api/funds/{code}/unit-names',
    who: ['admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/funds/P/unit-names',
        body: { validFrom: `${2030 + ++counter}-01-01`, name: `Sở Nội vụ ${counter}` },
      }),
  },
  {
    route: 'POST /api/funds/{code}/lock',
    who: ['approver', 'admin'],
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/L/lock', body: { through: `${++lockYear}-12-31` } }),
  },
  {
    route: 'POST /api/journal-entries',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () => Promise.resolve({ path: '/api/journal-entries', body: bankReceipt('P', '2023-03-01', 1000) }),
  },
  {
    route: 'GET /api/journal-entries',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/journal-entries?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/journal-entries/{id}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/journal-entries/${entryId}` }),
  },
  {
    route: 'POST /api/journal-entries/{id}/reverse',
    who: ['accountant', 'admin'],
    ok: 201,
    // A new entry each time, so that a refusal can only be the role's, never "already reversed".
    call: async () => {
      const posted = await postAsAdmin('/api/journal-entries', bankReceipt('P', '2023-04-01', 700));
      const id = (posted.body as { id: number }).id;
      return { path: `/api/journal-entries/${id}/reverse`, body: { date: '2023-04-02', reason: 'Ghi nhầm' } };
    },
  },
  {
    route: 'GET /api/reports/trial-balance',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/reports/trial-balance?fund=P&asOf=2023-12-31' }),
  },
  {
    route: 'GET /api/audit/verify',
    who: ['auditor', 'admin'],
    ok: 200,
    call: () => Promise.resolve({ path: '/api/audit/verify' }),
  },
  {
    route: 'GET /api/audit/log',
    who: ['auditor', 'admin'],
    ok: 200,
    call: () => Promise.resolve({ path: '/api/audit/log' }),
  },
  {
    route: 'POST /api/donors',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({ path: '/api/donors', body: { name: `Người góp ${++counter}`, kind: 'individual' } }),
  },
  {
    route: 'POST /api/payees',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({ path: '/api/payees', body: { name: `Ban quản lý nghĩa trang ${++counter}` } }),
  },
  {
    route: 'GET /api/payees',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/payees?q=nghia' }),
  },
  {
    route: 'GET /api/payees/{id}',
    who: 'everyone',
    ok: 200,
    call: async () => {
      const payee = await postAsAdmin('/api/payees', { name: `Đơn vị nhận ${++counter}` });
      return { path: `/api/payees/${idOf(payee)}` };
    },
  },
  {
    route: 'POST /api/bank-advices',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/bank-advices',
        body: {
          fundCode: 'P',
          kind: 'interest',
          date: '2023-12-25',
          amount: 1_000,
          bankRef: `GBC-${++counter}`,
        },
      }),
  },
  {
    route: 'GET /api/bank-advices',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/bank-advices?fund=P' }),
  },
  {
    route: 'GET /api/donors',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/donors?q=matrix' }),
  },
  {
    route: 'GET /api/donors/{id}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/donors/${donorId}` }),
  },
  {
    route: 'PATCH /api/donors/{id}',
    who: ['accountant', 'admin'],
    ok: 200,
    call: () =>
      Promise.resolve({
        path: `/api/donors/${donorId}`,
        body: { name: 'Công ty Matrix', kind: 'enterprise', email: 'ketoan@matrix.example.com' },
      }),
  },
  {
    route: 'POST /api/donors/{id}/merge',
    who: ['accountant', 'admin'],
    ok: 200,
    // Two new donors of one kind each time: a donor can be merged away only once.
    call: async () => {
      const from = idOf(await postAsAdmin('/api/donors', { name: `Trùng ${++counter}`, kind: 'individual' }));
      const into = idOf(await postAsAdmin('/api/donors', { name: `Gốc ${counter}`, kind: 'individual' }));
      return { path: `/api/donors/${from}/merge`, body: { intoId: into, reason: 'Trùng tên' } };
    },
  },
  {
    route: 'GET /api/donors/{id}/statement.pdf',
    who: 'everyone',
    ok: 200,
    type: 'application/pdf',
    call: () => Promise.resolve({ path: `/api/donors/${donorId}/statement.pdf?fund=P&year=2023` }),
  },
  {
    route: 'PATCH /api/donors/{id}/public-listing',
    who: ['accountant', 'admin'],
    ok: 200,
    call: () =>
      Promise.resolve({
        path: `/api/donors/${donorId}/public-listing`,
        body: { publicListing: false, consentDate: '2024-01-15' },
      }),
  },
  {
    route: 'POST /api/public/funds/{code}/signing-key',
    who: ['admin'],
    ok: 201,
    call: () => Promise.resolve({ path: '/api/public/funds/P/signing-key', body: {} }),
  },
  {
    route: 'GET /api/public/funds/{code}/signing-keys',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/public/funds/P/signing-keys' }),
  },
  {
    route: 'POST /api/campaigns',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/campaigns',
        body: { code: `K${++counter}`, name: 'Tháng 7 tri ân', startsOn: '2023-06-28', endsOn: '2023-07-27' },
      }),
  },
  {
    route: 'GET /api/campaigns',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/campaigns' }),
  },
  {
    route: 'POST /api/contributions',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/contributions',
        body: {
          fundCode: 'P',
          donorId,
          date: '2023-07-01',
          amount: 5000,
          method: 'cash',
          campaign: 'T7-2023',
        },
      }),
  },
  {
    route: 'GET /api/contributions',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/contributions?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/contributions/{id}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/contributions/${contributionId}` }),
  },
  {
    route: 'GET /api/contributions/{id}/receipt.pdf',
    who: 'everyone',
    ok: 200,
    type: 'application/pdf',
    call: () => Promise.resolve({ path: `/api/contributions/${contributionId}/receipt.pdf` }),
  },
  {
    route: 'POST /api/contributions/{id}/void',
    who: ['accountant', 'admin'],
    ok: 200,
    // A new contribution each time: voiding twice is a conflict, never the role's refusal.
    call: async () => {
      const id = idOf(await newContribution('2023-06-05', 700));
      return { path: `/api/contributions/${id}/void`, body: { reason: 'Ghi nhầm', date: '2023-06-06' } };
    },
  },
  {
    route: 'POST /api/contributions/{id}/confirm-cash',
    // As paying: the cashier, or an accountant only where the admin combined the roles (not in fund P).
    who: ['cashier', 'admin'],
    ok: 200,
    // A new cash receipt each time: confirming twice is a conflict, never the role's refusal.
    call: async () => {
      // Dated as the cash receipts of the rows before it: an earlier date would be a late entry (409).
      const res = await postAsAdmin('/api/contributions', {
        fundCode: 'P',
        donorId,
        date: '2023-07-01',
        amount: 500,
        method: 'cash',
      });
      return { path: `/api/contributions/${idOf(res)}/confirm-cash` };
    },
  },
  {
    route: 'GET /api/funds/{code}/role-combination',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/Q/role-combination' }),
  },
  {
    route: 'POST /api/funds/{code}/role-combination',
    who: ['admin'],
    ok: 200,
    call: () =>
      Promise.resolve({
        path: '/api/funds/Q/role-combination',
        body: { accountantMayPay: false, reason: 'Đơn vị đủ người: kế toán và thủ quỹ tách riêng' },
      }),
  },
  {
    route: 'POST /api/contributions/{id}/email',
    who: ['accountant', 'admin'],
    ok: 200,
    // The test app has no SMTP_URL: an allowed role gets past the guard to 503 "e-mail is disabled".
    okStatuses: [200, 503],
    call: () =>
      Promise.resolve({
        path: `/api/contributions/${contributionId}/email`,
        body: { to: 'nha-tai-tro@example.com' },
      }),
  },
  {
    // No file is kept in this table's books: reaching the contribution and finding no such file is the answer.
    route: 'GET /api/contributions/{id}/attachments/{attachmentId}',
    who: 'everyone',
    ok: 404,
    call: () => Promise.resolve({ path: `/api/contributions/${contributionId}/attachments/999999` }),
  },
  {
    route: 'GET /api/contributions/{id}/deliveries',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/contributions/${contributionId}/deliveries` }),
  },
  {
    route: 'POST /api/contribution-batches',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/contribution-batches',
        body: {
          fundCode: 'P',
          donorId,
          date: '2023-07-02',
          method: 'cash',
          description: 'Ủng hộ một ngày lương',
          expectedCount: 3,
          expectedTotal: '4500',
        },
      }),
  },
  {
    route: 'GET /api/contribution-batches/{id}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/contribution-batches/${batchId}` }),
  },
  {
    route: 'POST /api/contribution-batches/{id}/members',
    who: ['accountant', 'admin'],
    ok: 200,
    call: () =>
      Promise.resolve({
        path: `/api/contribution-batches/${batchId}/members`,
        body: { members: [{ name: `Nguyễn Văn ${++counter}`, amount: 1500, note: 'Phòng Kế hoạch' }] },
      }),
  },
  {
    route: 'POST /api/contribution-batches/{id}/close',
    who: ['accountant', 'admin'],
    ok: 200,
    // A new batch each time, its names matching its controls: a batch closes once.
    call: async () => ({ path: `/api/contribution-batches/${await newBatch(true)}/close` }),
  },
  {
    route: 'POST /api/contribution-batches/{id}/cancel',
    who: ['accountant', 'admin'],
    ok: 200,
    call: async () => ({ path: `/api/contribution-batches/${await newBatch(false)}/cancel` }),
  },
  {
    route: 'POST /api/imports/contributions',
    who: ['accountant', 'admin'],
    ok: 201,
    // A new donor name each time, so the row's import key is new and the row really is imported.
    call: () =>
      Promise.resolve({
        path: '/api/imports/contributions?fileName=matrix.csv',
        csv: `fund_code,date,donor_name,donor_kind,amount,method\nP,2023-06-01,Người ${++counter},individual,1000,bank\n`,
      }),
  },
  {
    route: 'POST /api/beneficiaries',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () => Promise.resolve({ path: '/api/beneficiaries', body: newHousehold() }),
  },
  {
    route: 'GET /api/beneficiaries',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/beneficiaries?q=nguyen%20van&commune=ta%20van' }),
  },
  {
    route: 'GET /api/beneficiaries/duplicates',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/beneficiaries/duplicates' }),
  },
  {
    route: 'GET /api/beneficiaries/{id}',
    who: 'everyone',
    ok: 200,
    call: async () => ({
      path: `/api/beneficiaries/${idOf(await postAsAdmin('/api/beneficiaries', newHousehold()))}`,
    }),
  },
  {
    route: 'POST /api/beneficiaries/{id}/merge',
    who: ['accountant', 'admin'],
    ok: 200,
    // Two new households each time: a record can be merged away only once.
    call: async () => {
      const from = idOf(await postAsAdmin('/api/beneficiaries', newHousehold()));
      const into = idOf(await postAsAdmin('/api/beneficiaries', newHousehold()));
      return { path: `/api/beneficiaries/${from}/merge`, body: { intoId: into, reason: 'Trùng hồ sơ' } };
    },
  },
  {
    route: 'POST /api/beneficiaries/{id}/not-duplicate',
    who: ['accountant', 'admin'],
    ok: 201,
    // A new flagged pair each time (same name, birth year and commune): a pair is marked once.
    call: async () => {
      const twin = newHousehold();
      const a = idOf(await postAsAdmin('/api/beneficiaries', twin));
      const b = idOf(await postAsAdmin('/api/beneficiaries', twin));
      return {
        path: `/api/beneficiaries/${a}/not-duplicate`,
        body: { otherId: b, reason: 'Hai hộ khác nhau' },
      };
    },
  },
  {
    route: 'POST /api/imports/beneficiaries',
    who: ['accountant', 'admin'],
    ok: 201,
    // A new name each time, so the row's import key is new and the row really is imported.
    call: () =>
      Promise.resolve({
        path: '/api/imports/beneficiaries?fileName=matrix.csv',
        csv: `full_name,category,commune,birth_year\nHộ nhập ${++counter},war_invalid,Tả Van,1950\n`,
      }),
  },
  {
    route: 'GET /verify/{receiptNo}',
    who: 'public',
    ok: 200,
    type: 'text/html',
    call: () => Promise.resolve({ path: `/verify/${receiptNo}` }),
  },
  {
    route: 'POST /api/transfers',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/transfers',
        body: { fromFund: 'P', toFund: 'Q', amount: 10, date: '2023-08-01', method: 'bank' },
      }),
  },
  {
    route: 'GET /api/transfers',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/transfers?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/transfers/{id}',
    who: 'everyone',
    ok: 200,
    call: async () => {
      const body = { fromFund: 'P', toFund: 'Q', amount: 10, date: '2023-08-02', method: 'bank' };
      return { path: `/api/transfers/${idOf(await postAsAdmin('/api/transfers', body))}` };
    },
  },
  {
    route: 'POST /api/transfers/{id}/reverse',
    who: ['accountant', 'admin'],
    ok: 201,
    // A new transfer each time: a transfer is reversed once.
    call: async () => {
      const body = { fromFund: 'P', toFund: 'Q', amount: 10, date: '2023-08-03', method: 'bank' };
      const id = idOf(await postAsAdmin('/api/transfers', body));
      return {
        path: `/api/transfers/${id}/reverse`,
        body: { date: '2023-08-20', reason: 'Chuyển nhầm quỹ' },
      };
    },
  },
  {
    route: 'GET /api/manual-entry-requests',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/manual-entry-requests?status=submitted' }),
  },
  {
    route: 'GET /api/manual-entry-requests/{id}',
    who: 'everyone',
    ok: 200,
    call: async () => ({ path: `/api/manual-entry-requests/${await newManualEntryRequest()}` }),
  },
  {
    route: 'POST /api/manual-entry-requests/{id}/approve',
    who: ['approver', 'admin'],
    ok: 200,
    // A new request each time, prepared by the extra accountant (its preparer may not approve it).
    call: async () => ({
      path: `/api/manual-entry-requests/${await newManualEntryRequest()}/approve`,
      body: { note: 'Đã kiểm tra chứng từ' },
    }),
  },
  {
    route: 'POST /api/manual-entry-requests/{id}/reject',
    who: ['approver', 'admin'],
    ok: 200,
    call: async () => ({
      path: `/api/manual-entry-requests/${await newManualEntryRequest()}/reject`,
      body: { reason: 'Thiếu chứng từ gốc' },
    }),
  },
  {
    route: 'POST /api/late-entries',
    who: ['accountant', 'cashier', 'admin'],
    ok: 201,
    call: () => Promise.resolve({ path: '/api/late-entries', body: lateEntryBody() }),
  },
  {
    route: 'GET /api/late-entries',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/late-entries?status=requested' }),
  },
  {
    route: 'GET /api/late-entries/{id}',
    who: 'everyone',
    ok: 200,
    call: async () => ({ path: `/api/late-entries/${await newLateEntry()}` }),
  },
  {
    route: 'POST /api/late-entries/{id}/confirm',
    who: ['approver', 'admin'],
    ok: 200,
    // A new request each time, asked by the extra accountant (whoever asked may not confirm it).
    call: async () => ({
      path: `/api/late-entries/${await newLateEntry()}/confirm`,
      body: { note: 'Đã đối chiếu chứng từ gốc' },
    }),
  },
  {
    route: 'POST /api/late-entries/{id}/reject',
    who: ['approver', 'admin'],
    ok: 200,
    call: async () => ({
      path: `/api/late-entries/${await newLateEntry()}/reject`,
      body: { reason: 'Không có chứng từ gốc' },
    }),
  },
  {
    route: 'POST /api/disbursements',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/disbursements',
        body: {
          fundCode: 'P',
          beneficiaryId: householdId,
          purpose: 'hardship',
          amount: 1000,
          date: '2023-09-01',
          method: 'bank',
          description: `Trợ cấp khó khăn ${++counter}`,
        },
      }),
  },
  {
    route: 'GET /api/disbursements',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/disbursements?fund=P&status=paid' }),
  },
  {
    route: 'GET /api/disbursements/{id}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/disbursements/${paidPayoutId}` }),
  },
  {
    route: 'POST /api/disbursements/{id}/submit',
    who: ['accountant', 'admin'],
    ok: 200,
    // A new draft each time: only a draft can be submitted.
    call: async () => ({ path: `/api/disbursements/${await newPayout(t.adminToken, true)}/submit` }),
  },
  {
    route: 'POST /api/disbursements/{id}/approve',
    // The guard also lets accountants in, so that approving one's own request answers 422 (maker–checker); an
    // accountant approving another's request is then refused by the service with 403, writing nothing.
    who: ['approver', 'admin'],
    ok: 200,
    // A new request each time, prepared by the extra accountant: never by the caller, so the check is the role's.
    call: async () => ({ path: `/api/disbursements/${await payoutIn('submitted')}/approve`, body: {} }),
  },
  {
    route: 'POST /api/disbursements/{id}/reject',
    who: ['approver', 'admin'],
    ok: 200,
    call: async () => ({
      path: `/api/disbursements/${await payoutIn('submitted')}/reject`,
      body: { reason: 'Không đủ hồ sơ' },
    }),
  },
  {
    route: 'POST /api/disbursements/{id}/cancel',
    who: ['accountant', 'approver', 'admin'],
    ok: 200,
    // Prepared by the role's accountant: besides approvers and admins, only the preparer may cancel.
    call: async () => ({
      path: `/api/disbursements/${await newPayout(users.accountant.token)}/cancel`,
      body: { reason: 'Trùng hồ sơ' },
    }),
  },
  {
    route: 'POST /api/disbursements/{id}/pay',
    // The cashier pays. The guard lets accountants in for the funds where the admin let one person hold both roles
    // (test/e2e/cashier.e2e-spec.ts); in fund P it did not, so the service refuses an accountant with 403.
    who: ['cashier', 'admin'],
    ok: 200,
    // A new approved request each time; the fund's bank holds enough for every call (see beforeAll).
    call: async () => ({
      path: `/api/disbursements/${await payoutIn('approved')}/pay`,
      body: { date: '2023-09-02' },
    }),
  },
  {
    route: 'POST /api/disbursements/{id}/reverse',
    who: ['accountant', 'admin'],
    ok: 200,
    call: async () => ({
      path: `/api/disbursements/${await payoutIn('paid')}/reverse`,
      body: { reason: 'Trả nhầm hộ', date: '2023-09-03' },
    }),
  },
  {
    route: 'GET /api/disbursements/{id}/attachments/{attachmentId}',
    who: 'everyone',
    ok: 404,
    call: () => Promise.resolve({ path: `/api/disbursements/${paidPayoutId}/attachments/999999` }),
  },
  {
    route: 'GET /api/disbursements/{id}/voucher.pdf',
    who: 'everyone',
    ok: 200,
    type: 'application/pdf',
    call: () => Promise.resolve({ path: `/api/disbursements/${paidPayoutId}/voucher.pdf` }),
  },
  {
    route: 'POST /api/house-projects',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () =>
      Promise.resolve({
        path: '/api/house-projects',
        body: {
          fundCode: 'P',
          beneficiaryId: householdId,
          kind: 'repair',
          description: `Sửa nhà tình nghĩa ${++counter}`,
          budget: 1000,
          startedOn: '2023-03-01',
          localBudget: 500,
        },
      }),
  },
  {
    route: 'GET /api/house-projects/summary',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/house-projects/summary?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/house-projects/{id}',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: `/api/house-projects/${projectId}` }),
  },
  {
    route: 'POST /api/house-projects/{id}/complete',
    who: ['accountant', 'admin'],
    ok: 200,
    // A new project each time: a project completes once.
    call: async () => ({
      path: `/api/house-projects/${await newProject()}/complete`,
      body: { date: '2023-10-31' },
    }),
  },
  {
    route: 'POST /api/funds/{code}/bank-statements',
    who: ['accountant', 'admin'],
    ok: 201,
    // A new reference each time, so that the line is new and really imported.
    call: () =>
      Promise.resolve({
        path: '/api/funds/P/bank-statements?fileName=matrix.csv',
        csv: `date,amount,direction,reference\n2023-05-02,1000,in,MX-${++counter}\n`,
      }),
  },
  {
    route: 'POST /api/funds/{code}/bank-reconciliation/match',
    who: ['accountant', 'admin'],
    ok: 201,
    call: () => Promise.resolve({ path: '/api/funds/P/bank-reconciliation/match', body: {} }),
  },
  {
    route: 'GET /api/funds/{code}/bank-reconciliation',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/P/bank-reconciliation?from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'POST /api/bank-reconciliation/matches/{id}/confirm',
    who: ['accountant', 'admin'],
    ok: 200,
    // A new proposal each time: a match is confirmed once.
    call: async () => ({ path: `/api/bank-reconciliation/matches/${await newBankMatch()}/confirm` }),
  },
  {
    route: 'POST /api/bank-reconciliation/matches/{id}/undo',
    who: ['accountant', 'admin'],
    ok: 200,
    call: async () => ({ path: `/api/bank-reconciliation/matches/${await newBankMatch()}/undo`, body: {} }),
  },
  {
    route: 'GET /api/bank-statements/{id}/duplicates',
    who: 'everyone',
    ok: 200,
    call: async () => ({ path: `/api/bank-statements/${(await newRepeatedLine()).statementId}/duplicates` }),
  },
  {
    route: 'POST /api/bank-statements/{id}/duplicates/{lineId}',
    who: ['accountant', 'admin'],
    ok: 200,
    // A new repeated line each time: a repeat is decided once.
    call: async () => {
      const { statementId, lineId } = await newRepeatedLine();
      return {
        path: `/api/bank-statements/${statementId}/duplicates/${lineId}`,
        body: { action: 'keep', reason: 'Hai giao dịch thật' },
      };
    },
  },
  {
    route: 'POST /api/funds/{code}/close-year',
    who: ['approver', 'admin'],
    ok: 201,
    // A new fund each time: a year closes once. A year without entries closes without a closing entry.
    call: async () => ({ path: `/api/funds/${await newClosingFund()}/close-year`, body: { year: 2020 } }),
  },
  {
    route: 'POST /api/funds/{code}/reopen-year',
    who: ['admin'],
    ok: 200,
    call: async () => {
      const code = await newClosingFund();
      await postAsAdmin(`/api/funds/${code}/close-year`, { year: 2020 });
      return { path: `/api/funds/${code}/reopen-year`, body: { year: 2020, reason: 'Kiểm tra quyền' } };
    },
  },
  {
    route: 'GET /api/funds/{code}/opening-balances',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/P/opening-balances?year=2024' }),
  },
  {
    route: 'GET /api/funds/{code}/closings',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/funds/P/closings' }),
  },
  {
    route: 'POST /api/funds/{code}/merge',
    who: ['admin'],
    ok: 201,
    // A new commune and its new province each time: a fund is merged once, never into a closed one, and (without
    // a reason to go outside its line) only into its parent or the parent's successor.
    call: async () => {
      const parent = await newClosingFund();
      return {
        path: `/api/funds/${await newCommuneBelow(parent)}/merge`,
        body: { into: parent, cutoff: '2025-06-30', note: 'Kiểm tra quyền' },
      };
    },
  },
  {
    route: 'GET /api/reports/account-balances',
    who: 'everyone',
    ok: 200,
    call: () =>
      Promise.resolve({ path: '/api/reports/account-balances?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/reports/statement',
    who: 'everyone',
    ok: 200,
    call: () =>
      Promise.resolve({
        path: '/api/reports/statement?fund=P&from=2023-01-01&to=2023-12-31&consolidated=true',
      }),
  },
  {
    route: 'GET /api/reports/reconciliation',
    who: 'everyone',
    ok: 200,
    call: async () => ({ path: `/api/reports/reconciliation?claims=${await testClaims()}` }),
  },
  {
    route: 'GET /api/reports/reconciliation/entries',
    who: 'everyone',
    ok: 200,
    call: async () => ({ path: `/api/reports/reconciliation/entries?claims=${await testClaims()}&index=0` }),
  },
  {
    route: 'GET /api/exports/journal',
    who: 'everyone',
    ok: 200,
    type: 'text/csv',
    call: () => Promise.resolve({ path: '/api/exports/journal?fund=P&format=csv&consolidated=true' }),
  },
  {
    route: 'GET /api/exports/bundle',
    who: ['auditor', 'admin'],
    ok: 200,
    type: 'application/zip',
    call: () => Promise.resolve({ path: '/api/exports/bundle?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/books/general-ledger',
    who: 'everyone',
    ok: 200,
    call: () =>
      Promise.resolve({ path: '/api/books/general-ledger?fund=P&account=112&from=2023-01-01&to=2023-12-31' }),
  },
  {
    route: 'GET /api/books/cash',
    who: 'everyone',
    ok: 200,
    type: 'application/pdf',
    call: () => Promise.resolve({ path: '/api/books/cash?fund=P&from=2023-01-01&to=2023-12-31&format=pdf' }),
  },
  {
    route: 'GET /api/books/bank',
    who: 'everyone',
    ok: 200,
    type: 'text/csv',
    call: () => Promise.resolve({ path: '/api/books/bank?fund=P&from=2023-01-01&to=2023-12-31&format=csv' }),
  },
  {
    route: 'GET /api/books/journal',
    who: 'everyone',
    ok: 200,
    call: () => Promise.resolve({ path: '/api/books/journal?fund=P&from=2023-01-01&to=2023-12-31' }),
  },
];

/** A new auditor for the user administration routes, which disable it, reset its password or end its sessions. */
async function newMatrixUser(): Promise<number> {
  const body = { username: `matrix-user-${++counter}`, password: 'long-enough-password', role: 'auditor' };
  return idOf(await postAsAdmin('/api/users', body));
}

/** data/claims/test-fixture.json, whose claims name fund TST (test/e2e/statement.e2e-spec.ts): an empty TST will do. */
async function testClaims(): Promise<string> {
  const fund = await t.http.get('/api/funds/TST').set(bearer(t.adminToken));
  if (fund.status === 404) await t.newFund('TST', 'province');
  return 'test-fixture';
}

/** A new, empty province fund for the closing routes. */
const newClosingFund = () => make.provinceFund('Y');

/** A new commune fund below `parentCode`; returns its code. */
async function newCommuneBelow(parentCode: string): Promise<string> {
  const code = `${parentCode}-X${++counter}`;
  await postAsAdmin('/api/funds', { code, name: `Quỹ ${code}`, level: 'commune', parentCode });
  return code;
}

/**
 * A new manual entry that takes 1 đ out of fund P's bank, prepared by the extra accountant: POST
 * /api/journal-entries answers 202 and the entry waits for an approver. Returns the request's id.
 */
/** A late entry of fund P (a bank receipt dated before the latest, 01/06/2023, of its series XN-2023). */
function lateEntryBody() {
  return {
    fundCode: 'P',
    kind: 'receipt',
    method: 'bank',
    date: '2023-01-02',
    amount: 1000,
    reason: `Chứng từ gốc nộp muộn ${++counter}`,
  };
}

/** A new late entry request of fund P, asked by the extra accountant. */
async function newLateEntry(): Promise<number> {
  const res = await t.http
    .post('/api/late-entries')
    .set(bearer(preparer.token))
    .send(lateEntryBody())
    .expect(201);
  return idOf(res);
}

async function newManualEntryRequest(): Promise<number> {
  const body = {
    fundCode: 'P',
    date: '2023-09-05',
    description: `Hoàn trả khoản thu nhầm ${++counter}`,
    lines: [
      { account: '5118', debit: 1 },
      { account: '112', credit: 1 },
    ],
  };
  const res = await t.http.post('/api/journal-entries').set(bearer(preparer.token)).send(body).expect(202);
  return (res.body as { requestId: number }).requestId;
}

/** A new proposed bank match in fund Q: a receipt to 112, the statement line of it, and a matching run. */
const newBankMatch = () => make.bankMatch('Q');

/** A new statement of fund Q whose file lists one movement twice: its id, and the id of the pending repeat. */
async function newRepeatedLine(): Promise<{ statementId: number; lineId: number }> {
  const line = `2023-10-03,3000,in,MR-${++counter}`;
  const res = await t.http
    .post(`/api/funds/Q/bank-statements?fileName=repeat-${counter}.csv`)
    .set(bearer(t.adminToken))
    .set('Content-Type', 'text/csv')
    .send(`date,amount,direction,reference\n${line}\n${line}\n`)
    .expect(201);
  const body = res.body as { statementId: number; duplicates: { pendingLineIds: number[] }[] };
  return { statementId: body.statementId, lineId: body.duplicates[0].pendingLineIds[0] };
}

const methodOf = (route: RouteCase) => route.route.split(' ')[0] as 'GET' | 'POST' | 'PATCH';
const mayCall = (route: RouteCase, role: Role) =>
  route.who === 'public' || route.who === 'everyone' || route.who.includes(role);
const okStatuses = (route: RouteCase) => route.okStatuses ?? [route.ok];

async function send(route: RouteCase, call: Call, authorization?: string): Promise<Response> {
  // A binary answer (PDF) lands in res.body as a Buffer; res.text is then undefined.
  const request =
    methodOf(route) === 'GET'
      ? t.http.get(call.path).buffer(true)
      : call.csv !== undefined
        ? t.http.post(call.path).set('Content-Type', 'text/csv').send(call.csv)
        : methodOf(route) === 'PATCH'
          ? t.http.patch(call.path).send(call.body ?? {})
          : t.http.post(call.path).send(call.body ?? {});
  return authorization === undefined ? request : request.set('Authorization', authorization);
}

/** Asserts a successful answer; on failure the message shows the status and body. */
function expectOk(route: RouteCase, res: Response): void {
  const shown = typeof res.text === 'string' ? res.text : `<${res.type}>`;
  const expected = okStatuses(route).includes(res.status) ? res.status : okStatuses(route).join(' or ');
  expect([res.status, shown]).toEqual([expected, expect.any(String)]);
  if (route.type !== undefined && res.status === route.ok) expect(res.type).toBe(route.type);
}

describe(`access control (${DB_LABEL})`, () => {
  beforeAll(async () => {
    t = await startTestApp();
    make = new ApiFactory(t, () => ++counter);
    await t.newFund('P', 'province');
    await t.newFund('P-C1', 'commune', 'P');
    await t.newFund('P-C2', 'commune', 'P');
    await t.newFund('Q', 'province');
    await t.newFund('L', 'province');
    for (const role of ROLES) users[role] = await createUser(t, role);

    const posted = await postAsAdmin('/api/journal-entries', bankReceipt('P', '2023-02-01', 5000));
    entryId = (posted.body as { id: number }).id;

    const donor = { name: 'Công ty Matrix', kind: 'enterprise', email: 'ketoan@matrix.example.com' };
    donorId = idOf(await postAsAdmin('/api/donors', donor));
    await postAsAdmin('/api/campaigns', {
      code: 'T7-2023',
      name: 'Tháng 7 tri ân 2023',
      startsOn: '2023-06-28',
      endsOn: '2023-07-27',
    });
    const contribution = await newContribution();
    contributionId = idOf(contribution);
    receiptNo = (contribution.body as { receiptNo: string }).receiptNo;
    batchId = await newBatch(true);

    // Money in fund P's bank for every payout the rows pay (1.000 đ each), and one paid payout to read.
    await postAsAdmin('/api/journal-entries', bankReceipt('P', '2023-01-15', 10_000_000));
    preparer = await createUser(t, 'accountant');
    householdId = idOf(await postAsAdmin('/api/beneficiaries', newHousehold()));
    paidPayoutId = await payoutIn('paid');
    projectId = await newProject();

    const revoked = await createUser(t, 'auditor');
    revokedToken = revoked.token;
    await t.http.post('/api/auth/logout').set(bearer(revokedToken)).expect(204);
  }, 120_000);
  afterAll(() => t.close());

  it('has a row for exactly the routes /api/docs-json lists, so a new route without a test fails here', async () => {
    const docs = await t.http.get('/api/docs-json').expect(200);
    const paths = (docs.body as { paths: Record<string, Record<string, unknown>> }).paths;
    const documented = Object.entries(paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented.length).toBeGreaterThan(0);
    expect(ROUTES.map((r) => r.route).sort()).toEqual(documented);
  });

  it('opens every read to every role except the user list and the audit routes', () => {
    for (const route of ROUTES.filter((r) => methodOf(r) === 'GET' && r.who !== 'public')) {
      const restricted = /^GET \/api\/(users|audit\/|exports\/bundle)/.test(route.route);
      const actual = route.who === 'everyone' ? 'everyone' : 'some roles';
      expect(`${route.route}: ${actual}`).toBe(`${route.route}: ${restricted ? 'some roles' : 'everyone'}`);
    }
  });

  describe.each(ROUTES)('$route', (route) => {
    if (route.who === 'public') {
      it('needs no token, and ignores a bad one', async () => {
        const call = await route.call();
        expectOk(route, await send(route, call));
        expectOk(route, await send(route, call, 'Bearer not-a-real-token'));
      });
      return;
    }

    it.each([
      ['no Authorization header', undefined],
      ['an unknown token', 'Bearer 5bXn1B0yUqkz9f7ZQmM2xk3nYpWq0cS8vJt6rLhDeGA'],
      ['a revoked token', 'revoked'],
      ['a token without the Bearer scheme', 'raw'],
      ['an empty bearer', 'Bearer '],
    ])('answers 401 with %s, and writes nothing', async (_label, authorization) => {
      const call = await route.call();
      const header =
        authorization === 'revoked'
          ? `Bearer ${revokedToken}`
          : authorization === 'raw'
            ? users.admin.token
            : authorization;
      const before = await t.counts();
      const messages = expectError(await send(route, call, header), 401);
      expect(messages.join(' ')).toMatch(/token/);
      expect(await t.counts()).toEqual(before);
    });

    it.each(
      ROLES.map(
        (role) =>
          [
            role,
            mayCall(route, role) ? okStatuses(route).join(' or ') : '403',
            mayCall(route, role),
          ] as const,
      ),
    )('as %s → %s', async (role, _expected, allowed) => {
      const call = await route.call();
      let token = users[role].token;
      if (call.freshSession) token = await t.login(users[role].username, users[role].password);
      const before = await t.counts();
      const res = await send(route, call, `Bearer ${token}`);
      if (allowed) {
        expectOk(route, res);
      } else {
        expectError(res, 403);
        expect(await t.counts()).toEqual(before);
      }
    });
  });

  describe('a user scoped to one fund', () => {
    let commune: TestUser;
    let communeApprover: TestUser;
    let province: TestUser;
    let own: number;
    let other: number;

    beforeAll(async () => {
      commune = await createUser(t, 'accountant', 'P-C1');
      communeApprover = await createUser(t, 'approver', 'P-C1');
      province = await createUser(t, 'auditor', 'P');
      own = (await postAsAdmin('/api/journal-entries', bankReceipt('P-C1', '2023-05-01', 300))).body
        .id as number;
      other = (await postAsAdmin('/api/journal-entries', bankReceipt('P-C2', '2023-05-01', 400))).body
        .id as number;
    });

    const get = (user: TestUser, path: string) => t.http.get(path).set(bearer(user.token));

    it('sees only its own fund (and those below it) in GET /api/funds', async () => {
      const mine = await get(commune, '/api/funds').expect(200);
      expect((mine.body as { code: string }[]).map((f) => f.code)).toEqual(['P-C1']);
      const below = await get(province, '/api/funds').expect(200);
      expect((below.body as { code: string }[]).map((f) => f.code)).toEqual(['P', 'P-C1', 'P-C2']);
      await get(commune, '/api/funds/P-C1').expect(200);
      expectError(await get(commune, '/api/funds/P-C2'), 403);
      expectError(await get(province, '/api/funds/Q'), 403);
    });

    it("gets 403 on another fund's accounts, its parent's included", async () => {
      await get(commune, '/api/funds/P-C1/accounts').expect(200);
      for (const code of ['P-C2', 'P', 'Q'])
        expectError(await get(commune, `/api/funds/${code}/accounts`), 403);
      await get(province, '/api/funds/P-C2/accounts').expect(200);
    });

    it("gets 404 on another fund's entry (as on every :id route), 403 on its list, and lists only its own", async () => {
      const mine = await get(commune, `/api/journal-entries/${own}`).expect(200);
      expect(mine.body).toMatchObject({ id: own, fundCode: 'P-C1' });
      expectError(await get(commune, `/api/journal-entries/${other}`), 404);
      expectError(await get(commune, `/api/journal-entries/${entryId}`), 404);
      expectError(await get(commune, '/api/journal-entries?fund=P-C2'), 403);
      expectError(await get(commune, '/api/journal-entries?fund=P'), 403);

      const list = await get(commune, '/api/journal-entries').expect(200);
      const page = list.body as { items: { id: number; fundCode: string }[]; total: number };
      expect(page.items.map((e) => e.fundCode)).toEqual(['P-C1']);
      expect(page.total).toBe(1);
      const filtered = await get(commune, '/api/journal-entries?fund=P-C1').expect(200);
      expect((filtered.body as { total: number }).total).toBe(1);
    });

    it("gets 403 on another fund's trial balance, consolidated or not", async () => {
      await get(commune, '/api/reports/trial-balance?fund=P-C1&asOf=2023-12-31').expect(200);
      expectError(await get(commune, '/api/reports/trial-balance?fund=P-C2&asOf=2023-12-31'), 403);
      expectError(
        await get(commune, '/api/reports/trial-balance?fund=P&asOf=2023-12-31&consolidated=true'),
        403,
      );
      const all = await get(province, '/api/reports/trial-balance?fund=P&asOf=2023-12-31&consolidated=true');
      expect(all.status).toBe(200);
      expect((all.body as { funds: string[] }).funds.sort()).toEqual(['P', 'P-C1', 'P-C2']);
    });

    it("may not write to another fund's books, and writes nothing trying", async () => {
      const before = await t.counts();
      const attempts = [
        t.http
          .post('/api/journal-entries')
          .set(bearer(commune.token))
          .send(bankReceipt('P-C2', '2023-06-01', 1)),
        t.http
          .post('/api/funds/P-C2/accounts')
          .set(bearer(commune.token))
          .send({ code: '5119', name: 'Khác', type: 'receipts' }),
        t.http
          .post('/api/funds/P-C2/lock')
          .set(bearer(communeApprover.token))
          .send({ through: '2023-01-31' }),
      ];
      for (const attempt of attempts) expectError(await attempt, 403);
      // Another fund's entry is unknown to this user: reversing it is a 404, as reading it is.
      expectError(
        await t.http
          .post(`/api/journal-entries/${other}/reverse`)
          .set(bearer(commune.token))
          .send({ date: '2023-06-01', reason: 'x' }),
        404,
      );
      expect(await t.counts()).toEqual(before);

      await t.http
        .post('/api/journal-entries')
        .set(bearer(commune.token))
        .send(bankReceipt('P-C1', '2023-06-01', 1))
        .expect(201);
    });
  });

  describe('login and sessions', () => {
    it('answers { token, user: { username, role } } on good credentials', async () => {
      const res = await t.http
        .post('/api/auth/login')
        .send({ username: users.accountant.username, password: users.accountant.password })
        .expect(200);
      expect(res.body).toMatchObject({
        token: expect.any(String),
        user: { username: users.accountant.username, role: 'accountant' },
      });
      const token = (res.body as { token: string }).token;
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(JSON.stringify(res.body)).not.toContain(users.accountant.password);
      const me = await t.http.get('/api/auth/me').set(bearer(token)).expect(200);
      expect(me.body).toMatchObject({ username: users.accountant.username, role: 'accountant' });
    });

    it.each([
      ['a wrong password', () => ({ username: users.approver.username, password: 'wrong-password' })],
      ['an unknown user', () => ({ username: 'nobody-here', password: 'whatever-password' })],
      [
        'the password of another user',
        () => ({ username: users.approver.username, password: users.auditor.password }),
      ],
    ])('answers 401 to %s, without saying which part was wrong', async (_label, body) => {
      const messages = expectError(await t.http.post('/api/auth/login').send(body()), 401);
      expect(messages).toEqual(['invalid username or password']);
    });

    it('answers 400 to a login without a password', async () => {
      expectError(await t.http.post('/api/auth/login').send({ username: 'admin' }), 400);
    });

    it('ends the session on logout: the token answers 401 after, other sessions live on', async () => {
      const first = await t.login(users.approver.username, users.approver.password);
      const second = await t.login(users.approver.username, users.approver.password);
      await t.http.get('/api/auth/me').set(bearer(first)).expect(200);
      const out = await t.http.post('/api/auth/logout').set(bearer(first)).expect(204);
      expect(out.text).toBe('');
      expectError(await t.http.get('/api/auth/me').set(bearer(first)), 401);
      expectError(await t.http.get('/api/funds').set(bearer(first)), 401);
      expectError(await t.http.post('/api/auth/logout').set(bearer(first)), 401);
      await t.http.get('/api/auth/me').set(bearer(second)).expect(200);
    });
  });

  describe('HTTP hygiene', () => {
    it('sets helmet security headers on every answer', async () => {
      const answers = [
        await t.http.get('/api/health'),
        await t.http.get('/api/funds').set(bearer(users.auditor.token)),
        await t.http.get('/api/funds'),
        await t.http.get('/api/no-such-route').set(bearer(users.auditor.token)),
      ];
      for (const res of answers) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('gives every answer an X-Request-Id, keeping a well-formed one the client sent', async () => {
      const a = await t.http.get('/api/health');
      const b = await t.http.get('/api/funds');
      expect(a.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(b.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);

      const kept = await t.http.get('/api/health').set('X-Request-Id', 'client-trace.42');
      expect(kept.headers['x-request-id']).toBe('client-trace.42');
      const replaced = await t.http.get('/api/health').set('X-Request-Id', 'bad id <script>');
      expect(replaced.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(replaced.headers['x-request-id']).not.toContain('script');
    });

    it('never puts a stack trace or internals in an error body', async () => {
      const admin = bearer(t.adminToken);
      const errors: [Response, number][] = [
        [await t.http.get('/api/funds'), 401],
        [await t.http.get('/api/users').set(bearer(users.auditor.token)), 403],
        [await t.http.get('/api/no-such-route').set(admin), 404],
        [await t.http.get('/api/journal-entries/999999').set(admin), 404],
        [await t.http.get('/api/journal-entries/99999999999').set(admin), 404],
        [await t.http.get('/api/journal-entries/abc').set(admin), 400],
        [await t.http.get('/api/journal-entries?page=100000000000000000000').set(admin), 400],
        [await t.http.get('/api/funds/NOPE/accounts').set(admin), 404],
        [
          await t.http
            .post('/api/journal-entries')
            .set(admin)
            .set('Content-Type', 'application/json')
            .send('{"fundCode": "P", '),
          400,
        ],
        [await t.http.post('/api/journal-entries').set(admin).send({ lines: 'x' }), 400],
        [
          await t.http.post('/api/funds').set(admin).send({ code: 'P', name: 'again', level: 'province' }),
          409,
        ],
      ];
      for (const [res, status] of errors) {
        expectError(res, status);
        expectNoStackTrace(res.text);
        expect(res.headers['x-request-id']).toBeDefined();
      }
    });
  });
});

describe(`login throttling (${DB_LABEL})`, () => {
  let throttled: TestApp;
  beforeAll(async () => {
    throttled = await startTestApp({ loginAttemptsPerMinute: 3 });
  });
  afterAll(() => throttled.close());

  const login = (username: string, password: string) =>
    throttled.http.post('/api/auth/login').send({ username, password });

  it('answers 429 after too many failures, even to the right password, and only for that username', async () => {
    for (let i = 0; i < 3; i++) expectError(await login('admin', `wrong-${i}`), 401);
    const messages = expectError(await login('admin', 'wrong-again'), 429);
    expect(messages.join(' ')).toMatch(/too many failed logins/);
    expectError(await login('admin', 'admin-password-1'), 429);

    // Another username from the same address is not locked out by admin's failures.
    const other = await createUser(throttled, 'auditor');
    expect((await login(other.username, other.password)).status).toBe(200);
  });
});
