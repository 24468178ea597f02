import type { VoucherKind } from '../documents/document.types';
import { RECEIPT_ACCOUNT } from './donors.service';
import type { ContributionKind, DonorKind, PaymentMethod } from './entities';

/**
 * Kinds of money in (issue 10 item 16), in one place: how each is booked and what its receipt says.
 *
 * - `money`: cash (111) or through a bank or the Treasury (112), credited to 5111–5114 by the donor's kind.
 * - `in_kind` (hiện vật): goods, booked at their valuation (debit 156 Hiện vật nhận đóng góp, credit 5111–5114 by
 *   the donor's kind, so they count as contributions); the acknowledgement names the goods, their quantity and how
 *   the value was arrived at, and has no cashier. No cash or bank account moves.
 * - `state_budget`: support from the state budget (ngân sách nhà nước), cash or bank, credited to 5116: receipts,
 *   but not contributions, so a "contributions only" claim (5111–5114) leaves it out.
 */

export const IN_KIND_ACCOUNT = '156';
export const STATE_BUDGET_ACCOUNT = '5116';

/** What a contribution's fields say about its kind (the request's or the stored row's). */
export interface KindFields {
  kind: ContributionKind;
  method: PaymentMethod | null;
  inKindDescription?: string | null;
  inKindQuantity?: string | null;
  valuationBasis?: string | null;
}

/** The request's problems with its kind: one message per field. */
export function kindProblems(f: KindFields, donorKind: DonorKind | null): string[] {
  // The usual gift (money, a method, no goods' fields) has none: answered without building the field list.
  if (
    f.kind === 'money' &&
    f.method !== null &&
    !f.inKindDescription &&
    !f.inKindQuantity &&
    !f.valuationBasis
  )
    return [];
  const problems: string[] = [];
  const inKindFields = {
    inKindDescription: f.inKindDescription,
    inKindQuantity: f.inKindQuantity,
    valuationBasis: f.valuationBasis,
  };
  if (f.kind === 'in_kind') {
    if (f.method !== null) problems.push('method is for money; an in-kind gift (kind in_kind) has none');
    for (const [key, value] of Object.entries(inKindFields))
      if (!value) problems.push(`${key} is required for an in-kind gift (kind in_kind)`);
  } else {
    if (f.method === null) problems.push('method must be cash or bank');
    for (const [key, value] of Object.entries(inKindFields))
      if (value) problems.push(`${key} is only for an in-kind gift (kind in_kind)`);
  }
  if (f.kind === 'state_budget' && donorKind !== null && donorKind !== 'agency')
    problems.push(
      'state-budget support (kind state_budget) comes from an agency: the donor must be of kind agency',
    );
  return problems;
}

/** The entry's two lines: what is debited (cash, bank or the goods) and what is credited. */
export function kindAccounts(f: KindFields, donorKind: DonorKind): { debit: string; credit: string } {
  if (f.kind === 'in_kind') return { debit: IN_KIND_ACCOUNT, credit: RECEIPT_ACCOUNT[donorKind] };
  return {
    debit: f.method === 'cash' ? '111' : '112',
    credit: f.kind === 'state_budget' ? STATE_BUDGET_ACCOUNT : RECEIPT_ACCOUNT[donorKind],
  };
}

/** The journal entry's description. */
export function kindDescription(f: KindFields, donorName: string, purpose: string | null): string {
  const what =
    f.kind === 'in_kind'
      ? `Tiếp nhận hiện vật của ${donorName}: ${f.inKindDescription ?? ''}`
      : f.kind === 'state_budget'
        ? `Tiếp nhận kinh phí hỗ trợ từ ngân sách nhà nước qua ${donorName}`
        : `Thu đóng góp của ${donorName}`;
  return `${what}${purpose ? ` — ${purpose}` : ''}`.slice(0, 500);
}

/** What the receipt prints for the kind: its form, its reason and the lines under the reason. */
export function kindReceipt(
  f: KindFields,
  purpose: string | null,
): { voucherKind: VoucherKind; reason: string; notes: string[] } {
  const tail = purpose ? ` — ${purpose}` : '';
  if (f.kind === 'in_kind') {
    return {
      voucherKind: 'in-kind-receipt',
      reason: `Đóng góp Quỹ Đền ơn đáp nghĩa bằng hiện vật${tail}`,
      notes: [
        `Hiện vật: ${f.inKindDescription ?? ''}`,
        `Số lượng: ${f.inKindQuantity ?? ''}`,
        `Căn cứ xác định giá trị: ${f.valuationBasis ?? ''}`,
      ],
    };
  }
  const bank = f.method !== 'cash';
  return {
    voucherKind: bank ? 'bank-receipt' : 'receipt',
    reason:
      f.kind === 'state_budget'
        ? `Tiếp nhận kinh phí hỗ trợ từ ngân sách nhà nước${tail}`
        : `Đóng góp Quỹ Đền ơn đáp nghĩa${tail}`,
    notes: [
      ...(f.kind === 'state_budget' ? ['Nguồn: Ngân sách nhà nước hỗ trợ'] : []),
      ...(bank ? [] : ['Hình thức: Tiền mặt']),
    ],
  };
}
