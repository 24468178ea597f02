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
}

/** C40-BB Phiếu thu (receipt) or C41-BB Phiếu chi (payment voucher). */
export interface VoucherView {
  kind: 'receipt' | 'payment';
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
  /** Lý do nộp / Lý do chi. */
  reason: string;
  amount: string;
  /** Kèm theo … chứng từ gốc. */
  attachments: string | null;
  /** Extra lines printed under the reason, e.g. the campaign or the decision number. */
  notes: string[];
  /** The public verification address encoded in the QR code (receipts); null for no QR. */
  verifyUrl: string | null;
  mark: DocumentMark;
  /** When a voided document was voided, and why (printed with the ĐÃ HỦY stamp). */
  voidNote: string | null;
  /** Names on whose behalf a batch was given: printed as an annex page (Bảng kê kèm theo). */
  annex: { name: string; amount: string; note: string | null }[];
  /** Fixes the PDF's creation date, so the same document always has the same bytes. */
  issuedAt: string;
}

/** A donor's yearly thank-you letter (thư cảm ơn) listing each receipt of the year. */
export interface DonorStatementView {
  header: FundHeader;
  year: number;
  donorName: string;
  donorAddress: string | null;
  receipts: { number: string; date: string; amount: string; purpose: string | null; voided: boolean }[];
  /** Sum of the receipts that are not void. */
  total: string;
  issuedAt: string;
}
