import { kindAccounts, kindDescription, kindProblems, kindReceipt } from './contribution-kinds';

describe('kinds of money in (issue 10 item 16)', () => {
  const inKind = {
    kind: 'in_kind' as const,
    method: null,
    inKindDescription: '300 bao gạo 25 kg',
    inKindQuantity: '300 bao',
    valuationBasis: 'Theo hóa đơn số 0001234',
  };

  it('books money by how it came and the donor kind, goods to 156, state-budget support to 5116', () => {
    expect(kindAccounts({ kind: 'money', method: 'cash' }, 'individual')).toEqual({
      debit: '111',
      credit: '5114',
    });
    expect(kindAccounts({ kind: 'money', method: 'bank' }, 'enterprise')).toEqual({
      debit: '112',
      credit: '5112',
    });
    expect(kindAccounts(inKind, 'organization')).toEqual({ debit: '156', credit: '5113' });
    expect(kindAccounts({ kind: 'state_budget', method: 'bank' }, 'agency')).toEqual({
      debit: '112',
      credit: '5116',
    });
  });

  it('wants the goods, their quantity and valuation for a gift in kind, and no method; money the opposite', () => {
    expect(kindProblems(inKind, 'enterprise')).toEqual([]);
    expect(kindProblems({ kind: 'in_kind', method: 'cash' }, 'enterprise')).toEqual([
      'method is for money; an in-kind gift (kind in_kind) has none',
      'inKindDescription is required for an in-kind gift (kind in_kind)',
      'inKindQuantity is required for an in-kind gift (kind in_kind)',
      'valuationBasis is required for an in-kind gift (kind in_kind)',
    ]);
    expect(kindProblems({ ...inKind, kind: 'money', method: 'cash' }, 'enterprise')).toEqual([
      'inKindDescription is only for an in-kind gift (kind in_kind)',
      'inKindQuantity is only for an in-kind gift (kind in_kind)',
      'valuationBasis is only for an in-kind gift (kind in_kind)',
    ]);
    expect(kindProblems({ kind: 'money', method: null }, 'enterprise')).toEqual([
      'method must be cash or bank',
    ]);
  });

  it('takes state-budget support from an agency only', () => {
    expect(kindProblems({ kind: 'state_budget', method: 'bank' }, 'agency')).toEqual([]);
    expect(kindProblems({ kind: 'state_budget', method: 'bank' }, 'individual')).toEqual([
      'state-budget support (kind state_budget) comes from an agency: the donor must be of kind agency',
    ]);
  });

  it('prints what each kind is: goods on an acknowledgement of their own, the state budget named as the source', () => {
    expect(kindReceipt(inKind, null)).toEqual({
      voucherKind: 'in-kind-receipt',
      reason: 'Đóng góp Quỹ Đền ơn đáp nghĩa bằng hiện vật',
      notes: [
        'Hiện vật: 300 bao gạo 25 kg',
        'Số lượng: 300 bao',
        'Căn cứ xác định giá trị: Theo hóa đơn số 0001234',
      ],
    });
    expect(kindReceipt({ kind: 'state_budget', method: 'cash' }, 'Xây nhà')).toEqual({
      voucherKind: 'receipt',
      reason: 'Tiếp nhận kinh phí hỗ trợ từ ngân sách nhà nước — Xây nhà',
      notes: ['Nguồn: Ngân sách nhà nước hỗ trợ', 'Hình thức: Tiền mặt'],
    });
    expect(kindReceipt({ kind: 'money', method: 'bank' }, null).voucherKind).toBe('bank-receipt');
    expect(kindDescription(inKind, 'Công ty A', null)).toBe(
      'Tiếp nhận hiện vật của Công ty A: 300 bao gạo 25 kg',
    );
  });
});
