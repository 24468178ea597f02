import { formatDateVi } from '../common/clock';

/**
 * Lines the features print on their documents, worded once: "Kèm theo: 02 chứng từ gốc (quyết định số …, giấy
 * báo của ngân hàng)" and the void note "Hủy ngày 12/03/2024: <reason>", dated from the reversal in the books.
 */

/** Kèm theo: as many original documents as `details` names; null when none. */
export function attachmentsLine(details: string[]): { count: number; detail: string | null } | null {
  return details.length === 0 ? null : { count: details.length, detail: details.join(', ') };
}

/** "Hủy ngày <the reversal's date>: <reason>"; the date is the reversal entry's, never the clock's. */
export function voidNoteText(reversalDate: string, reason: string | null): string {
  return `Hủy ngày ${formatDateVi(reversalDate)}${reason ? `: ${reason}` : ''}`;
}
