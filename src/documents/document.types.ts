/**
 * View models the documents module renders. It knows no feature: contributions, payouts and reports build these
 * and hand them over. Amounts are digit strings of whole đồng; dates are YYYY-MM-DD.
 */

/** How a printed document is marked. */
export type DocumentMark = 'original' | 'copy' | 'void';

export interface FundHeader {
  /** Đơn vị: the unit that keeps the fund, e.g. "UBND tỉnh Lào Cai". */
  unitName: string;
  /** The fund, e.g. "Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai". */
  fundName: string;
  fundCode: string;
  /** Where the unit is, for the "<place>, ngày … tháng … năm …" line of a letter; null leaves the place out. */
  place?: string | null;
}

/**
 * The kinds of money document: cash (C40-BB Phiếu thu, C41-BB Phiếu chi), through a bank or the Treasury, or the
 * acknowledgement of goods given in kind (at their valuation).
 */
export type VoucherKind = 'receipt' | 'payment' | 'bank-receipt' | 'bank-payment' | 'in-kind-receipt';

/** What a bank or the Treasury recorded of a transfer, printed on bank documents. */
export interface BankDetails {
  /** The bank's or the Treasury's transaction reference (on its credit or debit advice). */
  reference: string | null;
  /** The day the bank or the Treasury moved the money. */
  date: string | null;
  /** The fund's account the money left (payment order). */
  payerAccount: string | null;
  /** The payee's account and bank (payment order). */
  payeeAccount: string | null;
  payeeBank: string | null;
}

/**
 * C40-BB Phiếu thu (receipt), C41-BB Phiếu chi (payment voucher), the acknowledgement of a contribution received
 * through a bank or the Treasury (Giấy xác nhận đóng góp) or a payment order (Ủy nhiệm chi).
 */
export interface VoucherView {
  kind: VoucherKind;
  header: FundHeader;
  /** Quyển số: the book, e.g. "2023". */
  bookNo: string;
  /** Số: e.g. "PT-2023-000042". */
  number: string;
  date: string;
  /** Nợ / Có account codes. */
  debitAccounts: string[];
  creditAccounts: string[];
  /** Người nộp tiền (receipt) or người nhận tiền (payment). */
  partyName: string;
  partyAddress: string | null;
  /** The organisation the party hands money over (or receives it) for; null when the party is the donor itself. */
  onBehalfOf: string | null;
  /** Lý do nộp / Lý do chi. */
  reason: string;
  amount: string;
  /** Kèm theo: how many original documents, and which ("Quyết định số 12/QĐ-UBND"). */
  attachments: { count: number; detail: string | null } | null;
  /** Bank documents: the bank's reference and date, and the accounts of a payment order. */
  bank: BankDetails | null;
  /** Extra lines printed under the reason, e.g. the campaign or the decision number. */
  notes: string[];
  /** The public verification address encoded in the QR code (receipts); null for no QR. */
  verifyUrl: string | null;
  mark: DocumentMark;
  /** When a voided document was voided (the date of its reversal in the books), and why (with the ĐÃ HỦY stamp). */
  voidNote: string | null;
  /**
   * A late entry (ghi bổ sung, dated before the latest document of its series): why, and who confirmed it when.
   * Printed under the date and beside the reason; absent or null for a document in date order.
   */
  lateNote?: string | null;
  /** Names on whose behalf a batch was given: printed as an annex page (Bảng kê kèm theo). */
  annex: { name: string; amount: string; note: string | null }[];
  /** Fixes the PDF's creation date, so the same document always has the same bytes. */
  issuedAt: string;
}

/** A donor's yearly thank-you letter (thư cảm ơn) listing each receipt of the year. */
export interface DonorStatementView {
  header: FundHeader;
  /** Số: the letter's number, e.g. "TC-2023-000012"; null prints none. */
  number: string | null;
  year: number;
  donorName: string;
  /** An individual is addressed as Ông/Bà; an agency by its name, without wishes of health. */
  donorKind: 'agency' | 'enterprise' | 'organization' | 'individual';
  donorAddress: string | null;
  receipts: { number: string; date: string; amount: string; purpose: string | null; voided: boolean }[];
  /** Sum of the receipts that are not void. */
  total: string;
  issuedAt: string;
}
