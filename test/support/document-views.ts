import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { DonorStatementView, FundHeader, VoucherView } from '../../src/documents/document.types';
import {
  JournalBookHead,
  JournalBookRow,
  LedgerBookHead,
  LedgerBookRow,
  renderJournalBook,
  renderLedgerBook,
} from '../../src/documents/books.renderer';
import { DocumentsService } from '../../src/documents/documents.service';
import { StatementDocumentView, renderStatement } from '../../src/documents/statement.renderer';

/**
 * Fixed view models of every document kind the documents module prints, and the PDFs they render to: the
 * receipt (C40-BB) as original, copy and void, with an annex, the payment voucher (C41-BB), the donor's letter
 * of thanks, the statement (consolidated over years, and one fund for one year) and each book. Every view fixes
 * its creation date, so each sample always renders to the same bytes.
 */

export const sampleHeader: FundHeader = {
  unitName: 'UBND tỉnh Lào Cai',
  fundName: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
  fundCode: 'LC',
  place: 'Lào Cai',
};

export function receiptView(overrides: Partial<VoucherView> = {}): VoucherView {
  return {
    kind: 'receipt',
    header: sampleHeader,
    bookNo: '2025',
    number: 'PT-2025-000042',
    date: '2025-03-15',
    debitAccounts: ['111'],
    creditAccounts: ['5112'],
    partyName: 'Phạm Văn Hùng',
    partyAddress: 'Số 18, đường Hoàng Liên, phường Cốc Lếu, thành phố Lào Cai',
    onBehalfOf: 'Công ty Cổ phần Khoáng sản Đường Hưng Phước',
    reason: 'Ủng hộ Quỹ Đền ơn đáp nghĩa hỗ trợ xây nhà tình nghĩa cho người có công',
    amount: '55500000000',
    attachments: { count: 2, detail: 'công văn, bảng kê 2 người' },
    bank: null,
    notes: ['Đợt cao điểm 28/6–27/7/2025', 'Hình thức: Tiền mặt'],
    verifyUrl: 'https://quy.laocai.gov.vn/verify/PT-2025-000042?fund=LC',
    mark: 'original',
    voidNote: null,
    annex: [],
    issuedAt: '2025-03-15T09:30:00Z',
    ...overrides,
  };
}

export function paymentView(overrides: Partial<VoucherView> = {}): VoucherView {
  return receiptView({
    kind: 'payment',
    number: 'PC-2025-000007',
    debitAccounts: ['6111'],
    creditAccounts: ['111'],
    partyName: 'Bà Hoàng Thị Xuân (Mẹ Việt Nam Anh hùng)',
    partyAddress: 'Thôn Nậm Củm, xã Cốc San',
    onBehalfOf: null,
    reason: 'Hỗ trợ xây mới nhà ở theo Quyết định số 123/QĐ-UBND',
    amount: '60000000',
    attachments: { count: 1, detail: 'quyết định số 123/QĐ-UBND' },
    notes: [],
    verifyUrl: null,
    ...overrides,
  });
}

/** `count` names given on behalf of, 150.000 … 300.000 đ each. */
export function annexOf(count: number): VoucherView['annex'] {
  const families = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
  const given = ['Thị Hường', 'Văn Đức', 'Thị Ngọc Ánh', 'Quốc Việt', 'Thị Thủy', 'Minh Khuê', 'Hữu Nghĩa'];
  return Array.from({ length: count }, (_, index) => ({
    name: `${families[index % families.length]} ${given[index % given.length]} ${index + 1}`,
    amount: String(150000 + (index % 7) * 25000),
    note: index % 11 === 0 ? 'Một ngày lương' : null,
  }));
}

/** A contribution through the Treasury: its acknowledgement names the Treasury's reference and date. */
export function bankReceiptView(overrides: Partial<VoucherView> = {}): VoucherView {
  return receiptView({
    kind: 'bank-receipt',
    number: 'XN-2025-000003',
    debitAccounts: ['112'],
    partyName: 'Công ty Cổ phần Khoáng sản Đường Hưng Phước',
    onBehalfOf: null,
    attachments: { count: 1, detail: 'giấy báo của ngân hàng, Kho bạc' },
    bank: {
      reference: 'KB-LC-2025-031400172',
      date: '2025-03-14',
      payerAccount: null,
      payeeAccount: null,
      payeeBank: null,
    },
    notes: ['Đợt cao điểm 28/6–27/7/2025'],
    verifyUrl: 'https://quy.laocai.gov.vn/verify/XN-2025-000003?fund=LC',
    ...overrides,
  });
}

/** A payment through a bank: the payment order with the payee's account. */
export function paymentOrderView(overrides: Partial<VoucherView> = {}): VoucherView {
  return paymentView({
    kind: 'bank-payment',
    number: 'UNC-2025-000002',
    creditAccounts: ['112'],
    partyName: 'Công ty TNHH Xây dựng Hoàng Liên',
    partyAddress: 'Số 5, đường Trần Hưng Đạo, phường Kim Tân, thành phố Lào Cai',
    bank: {
      reference: null,
      date: null,
      payerAccount: '3761.0.9012345',
      payeeAccount: '8800123456789',
      payeeBank: 'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam — Chi nhánh Lào Cai',
    },
    ...overrides,
  });
}

export function donorStatementView(overrides: Partial<DonorStatementView> = {}): DonorStatementView {
  return {
    header: sampleHeader,
    number: 'TC-2024-000031',
    year: 2024,
    donorName: 'Nguyễn Văn Thưởng',
    donorKind: 'individual',
    donorAddress: 'Tổ 5, phường Bắc Cường, thành phố Lào Cai',
    receipts: [
      { number: 'PT-2024-000012', date: '2024-02-05', amount: '5000000', purpose: null, voided: false },
      {
        number: 'PT-2024-000318',
        date: '2024-07-01',
        amount: '10000000',
        purpose: 'Xây nhà tình nghĩa',
        voided: false,
      },
      { number: 'PT-2024-000320', date: '2024-07-02', amount: '10000000', purpose: null, voided: true },
      {
        number: 'PT-2024-000901',
        date: '2024-12-20',
        amount: '2500000',
        purpose: 'Thăm hỏi, tặng quà',
        voided: false,
      },
    ],
    total: '17500000',
    issuedAt: '2024-12-31T00:00:00.000Z',
    ...overrides,
  };
}

/** A province's fund and the funds below it over three years: every part of the statement is printed. */
export function consolidatedStatementView(): StatementDocumentView {
  return {
    header: sampleHeader,
    number: 'BC-2023-000004',
    from: '2021-01-01',
    to: '2023-12-31',
    consolidated: true,
    fundCount: 12,
    eliminated: { transfers: 3, amount: '2000000000' },
    closingAddedBack: true,
    openingBalance: '1250000000',
    receipts: {
      total: '55500000000',
      byDonorKind: {
        agency: '30000000000',
        enterprise: '20500000000',
        organization: '3000000000',
        individual: '1950000000',
        other: '50000000',
      },
      byLevel: { province: '40000000000', district: '10500000000', commune: '5000000000' },
    },
    disbursements: {
      total: '42800000000',
      households: 5800,
      byPurpose: {
        house_new: { amount: '30000000000', households: 600 },
        house_repair: { amount: '8000000000', households: 400 },
        visit_gift: { amount: '2500000000', households: 5000 },
        savings_book: { amount: '1000000000', households: 200 },
        management: { amount: '300000000', households: 0 },
        transfer: { amount: '1000000000', households: 0 },
        other: { amount: '0', households: 0 },
      },
    },
    otherMovements: '-150000000',
    closingBalance: '13800000000',
    years: [
      {
        year: 2021,
        receipts: '15000000000',
        carriedInto431: '3000000000',
        disbursements: '12000000000',
        households: 1500,
        closingBalance: '4200000000',
      },
      {
        year: 2022,
        receipts: '18500000000',
        carriedInto431: '4200000000',
        disbursements: '14300000000',
        households: 1900,
        closingBalance: '8350000000',
      },
      {
        year: 2023,
        receipts: '22000000000',
        carriedInto431: '5500000000',
        disbursements: '16500000000',
        households: 2400,
        closingBalance: '13800000000',
      },
    ],
    issuedAt: '2023-12-31',
    // Every year closed: 2020's result opens 431, each year's close carries its own into it.
    fundBalance: {
      opening: '1250000000',
      openingNotCarried: '0',
      carriedBefore: [{ year: 2020, amount: '1250000000' }],
      receipts: '55500000000',
      disbursements: '42800000000',
      otherMovements: '0',
      closing: '13950000000',
      carriedInPeriod: [
        { year: 2021, amount: '3000000000' },
        { year: 2022, amount: '4200000000' },
        { year: 2023, amount: '5500000000' },
      ],
      closingNotCarried: '0',
    },
  };
}

/** One fund, one year: no levels, no table of years, a chart of one year. */
export function ownStatementView(): StatementDocumentView {
  return {
    header: sampleHeader,
    from: '2023-01-01',
    to: '2023-12-31',
    consolidated: false,
    fundCount: 1,
    eliminated: null,
    closingAddedBack: false,
    openingBalance: '500000000',
    receipts: {
      total: '3750000000',
      byDonorKind: {
        agency: '2000000000',
        enterprise: '1500000000',
        organization: '0',
        individual: '250000000',
        other: '0',
      },
      byLevel: null,
    },
    disbursements: {
      total: '3100000000',
      households: 85,
      byPurpose: {
        house_new: { amount: '2400000000', households: 40 },
        visit_gift: { amount: '700000000', households: 45 },
      },
    },
    otherMovements: '0',
    closingBalance: '1150000000',
    years: [
      {
        year: 2023,
        receipts: '3750000000',
        disbursements: '3100000000',
        households: 85,
        closingBalance: '1150000000',
      },
    ],
    issuedAt: '2023-12-31',
    // 431 held 480.000.000 (2021 and 2022 closed); 20.000.000 of 2020 was never carried; 2023 closes inside.
    fundBalance: {
      opening: '500000000',
      openingNotCarried: '20000000',
      carriedBefore: [
        { year: 2021, amount: '300000000' },
        { year: 2022, amount: '180000000' },
      ],
      receipts: '3750000000',
      disbursements: '3100000000',
      otherMovements: '0',
      closing: '1150000000',
      carriedInPeriod: [{ year: 2023, amount: '650000000' }],
      closingNotCarried: '20000000',
    },
  };
}

export const cashBookHead: LedgerBookHead = {
  kind: 'cash',
  header: sampleHeader,
  account: '111',
  accountName: 'Tiền mặt',
  from: '2023-03-01',
  to: '2023-04-30',
};

/** `count` cash gifts over March and April, 100.000 + i đồng each, with month subtotals. */
export function* cashBookRows(count: number, opening = 5_000_000): Generator<LedgerBookRow> {
  yield { kind: 'opening', balance: String(opening) };
  let balance = BigInt(opening);
  let total = 0n;
  let month = 0n;
  for (let i = 0; i < count; i++) {
    const amount = BigInt(100_000 + i);
    if (i === Math.floor(count / 2)) {
      yield {
        kind: 'month',
        month: '2023-03',
        debit: month.toString(),
        credit: '0',
        balance: balance.toString(),
      };
      month = 0n;
    }
    balance += amount;
    total += amount;
    month += amount;
    yield {
      kind: 'line',
      date: `2023-${i < count / 2 ? '03' : '04'}-${String((i % 28) + 1).padStart(2, '0')}`,
      documentDate: `2023-${i < count / 2 ? '03' : '04'}-${String((i % 28) + 1).padStart(2, '0')}`,
      number: i + 1,
      reference: `PT-2023-${String(i + 1).padStart(6, '0')}`,
      receiptNo: `PT-2023-${String(i + 1).padStart(6, '0')}`,
      paymentNo: null,
      description:
        i % 5 === 0
          ? `Thu ủng hộ của hộ gia đình số ${i + 1} thôn Lếch Mông, xã Tả Van, huyện Sa Pa, nộp tiền mặt tại quỹ nhân dịp kỷ niệm ngày Thương binh - Liệt sĩ 27/7`
          : `Thu ủng hộ số ${i + 1}`,
      counterAccounts: ['5114'],
      debit: amount.toString(),
      credit: '0',
      balance: balance.toString(),
      periodDebit: total.toString(),
      periodCredit: '0',
    };
  }
  yield {
    kind: 'month',
    month: '2023-04',
    debit: month.toString(),
    credit: '0',
    balance: balance.toString(),
  };
  yield { kind: 'total', debit: total.toString(), credit: '0' };
  yield { kind: 'closing', balance: balance.toString() };
}

export const generalLedgerHead: LedgerBookHead = {
  kind: 'general',
  header: sampleHeader,
  account: '5111',
  accountName: 'Thu đóng góp của cơ quan, đơn vị',
  from: '2023-01-01',
  to: '2023-01-31',
};

/** A gift and the reversal of part of it: a credit balance, shown under Số dư Có. */
export function* generalLedgerRows(): Generator<LedgerBookRow> {
  yield { kind: 'opening', balance: '0' };
  yield {
    kind: 'line',
    date: '2023-01-05',
    documentDate: '2023-01-05',
    number: 1,
    reference: 'PT-2023-000001',
    receiptNo: 'PT-2023-000001',
    paymentNo: null,
    description: 'Sở Tài chính ủng hộ Quỹ',
    counterAccounts: ['111'],
    debit: '0',
    credit: '55500000000',
    balance: '-55500000000',
    periodDebit: '0',
    periodCredit: '55500000000',
  };
  yield {
    kind: 'line',
    date: '2023-01-20',
    documentDate: '2023-01-05',
    number: 2,
    reference: 'PT-2023-000001',
    receiptNo: 'PT-2023-000001',
    paymentNo: null,
    description: 'Đảo bút toán số 1: ghi trùng',
    counterAccounts: ['111'],
    debit: '500000000',
    credit: '0',
    balance: '-55000000000',
    periodDebit: '500000000',
    periodCredit: '55500000000',
  };
  yield { kind: 'total', debit: '500000000', credit: '55500000000' };
  yield { kind: 'closing', balance: '-55000000000' };
}

export const bankBookHead: LedgerBookHead = {
  kind: 'bank',
  header: sampleHeader,
  account: '112',
  accountName: 'Tiền gửi ngân hàng, kho bạc',
  from: '2023-07-01',
  to: '2023-07-31',
};

export function* bankBookRows(): Generator<LedgerBookRow> {
  yield { kind: 'opening', balance: '2000000000' };
  yield {
    kind: 'line',
    date: '2023-07-03',
    documentDate: '2023-07-03',
    number: 14,
    reference: 'PT-2023-000120',
    receiptNo: 'TK-2023-000120',
    paymentNo: null,
    description: 'Công ty Cổ phần Khoáng sản Đường Hưng Phước ủng hộ qua Kho bạc',
    counterAccounts: ['5112'],
    debit: '1500000000',
    credit: '0',
    balance: '3500000000',
    periodDebit: '1500000000',
    periodCredit: '0',
  };
  yield {
    kind: 'line',
    date: '2023-07-20',
    documentDate: '2023-07-20',
    number: 15,
    reference: 'PC-2023-000031',
    receiptNo: null,
    paymentNo: 'PC-2023-000031',
    description: 'Chi hỗ trợ xây mới nhà ở cho bà Hoàng Thị Xuân, thôn Nậm Củm, xã Cốc San',
    counterAccounts: ['6111'],
    debit: '0',
    credit: '60000000',
    balance: '3440000000',
    periodDebit: '1500000000',
    periodCredit: '60000000',
  };
  yield { kind: 'month', month: '2023-07', debit: '1500000000', credit: '60000000', balance: '3440000000' };
  yield { kind: 'total', debit: '1500000000', credit: '60000000' };
  yield { kind: 'closing', balance: '3440000000' };
}

export const journalHead: JournalBookHead = { header: sampleHeader, from: '2023-01-01', to: '2023-12-31' };

/** An entry of 81 lines (a batch, longer than a page) and a short one. */
export function* journalRows(): Generator<JournalBookRow> {
  const lines = (count: number, amount: number) => [
    ...Array.from({ length: count }, (_, i) => ({
      account: '5114',
      memo: `Nguyễn Văn ${i + 1}`,
      debit: '0',
      credit: String(amount),
    })),
    { account: '111', memo: null, debit: String(amount * count), credit: '0' },
  ];
  yield {
    kind: 'entry',
    date: '2023-07-15',
    documentDate: '2023-07-15',
    number: 1,
    reference: 'PT-2023-000001',
    description: 'Thu ủng hộ một ngày lương (bảng kê)',
    lines: [...lines(80, 300_000)].reverse(),
    periodDebit: '0',
    periodCredit: '0',
  };
  yield {
    kind: 'entry',
    date: '2023-07-16',
    documentDate: '2023-07-16',
    number: 2,
    reference: 'PC-2023-000001',
    description: 'Chi thăm hỏi',
    lines: [
      { account: '6113', memo: null, debit: '500000', credit: '0' },
      { account: '111', memo: null, debit: '0', credit: '500000' },
    ],
    periodDebit: '24000000',
    periodCredit: '24000000',
  };
  yield { kind: 'total', debit: '24500000', credit: '24500000', entries: 2 };
}

/** Rows as the books feature hands them over: an async stream. */
export async function* streamOf<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

export async function bytesOf(readable: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export interface DocumentSample {
  name: string;
  render: () => Promise<Buffer>;
}

/** One sample of every document kind, rendered from the views above. */
export function documentSamples(): DocumentSample[] {
  const documents = new DocumentsService();
  const voucher = (view: VoucherView) => () => documents.renderVoucher(view);
  const ledger = (head: LedgerBookHead, rows: () => Iterable<LedgerBookRow>) => () =>
    bytesOf(renderLedgerBook(head, streamOf(rows()), 'pdf').stream);
  return [
    { name: 'receipt', render: voucher(receiptView()) },
    {
      name: 'receipt-2023',
      render: voucher(receiptView({ number: 'PT-2023-000013', date: '2023-07-20', bookNo: '2023' })),
    },
    { name: 'receipt-copy', render: voucher(receiptView({ mark: 'copy' })) },
    {
      name: 'receipt-void',
      render: voucher(
        receiptView({
          mark: 'void',
          voidNote: 'Hủy ngày 20/03/2025: ghi nhầm số tiền (người hủy: Trần Thị Lan)',
        }),
      ),
    },
    { name: 'receipt-annex', render: voucher(receiptView({ annex: annexOf(40), amount: '8875000' })) },
    { name: 'payment-voucher', render: voucher(paymentView()) },
    {
      name: 'payment-voucher-void',
      render: voucher(paymentView({ mark: 'void', voidNote: 'Hủy ngày 12/03/2025: chi trùng hồ sơ' })),
    },
    { name: 'bank-acknowledgement', render: voucher(bankReceiptView()) },
    { name: 'payment-order', render: voucher(paymentOrderView()) },
    { name: 'donor-letter', render: () => documents.renderDonorStatement(donorStatementView()) },
    {
      name: 'donor-letter-agency',
      render: () =>
        documents.renderDonorStatement(
          donorStatementView({
            donorName: 'Sở Tài chính tỉnh Lào Cai',
            donorKind: 'agency',
            donorAddress: null,
            number: 'TC-2024-000032',
          }),
        ),
    },
    { name: 'statement-consolidated', render: () => renderStatement(consolidatedStatementView()) },
    { name: 'statement-own', render: () => renderStatement(ownStatementView()) },
    { name: 'book-cash', render: ledger(cashBookHead, () => cashBookRows(120)) },
    { name: 'book-general', render: ledger(generalLedgerHead, generalLedgerRows) },
    { name: 'book-bank', render: ledger(bankBookHead, bankBookRows) },
    {
      name: 'book-journal',
      render: () => bytesOf(renderJournalBook(journalHead, streamOf(journalRows()), 'pdf').stream),
    },
  ];
}

/** Keeps the PDF in DOCS_SAMPLES_DIR, when set, to look at (DOCS_SAMPLES_DIR=/tmp/docs npx jest … documents). */
export function keepSample(pdf: Buffer, name: string): Buffer {
  const dir = process.env.DOCS_SAMPLES_DIR;
  if (dir !== undefined) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.pdf`), pdf);
  }
  return pdf;
}
