import { tFor } from './i18n';
import { basisText } from './bank.controller';

// The matcher writes each proposal's basis in English (bank-reconciliation/matcher.ts); the page shows it in the
// reader's language, part by part, and shows a part it does not know as written.
describe('basisText', () => {
  it.each([
    ['same reference XN-2023-000001; same day', 'cùng số tham chiếu XN-2023-000001; cùng ngày'],
    ['reference FT123 in the entry; 1 day apart', 'số tham chiếu FT123 có trong bút toán; cách 1 ngày'],
    [
      "PT-2023-000004 in the bank's description; 3 days apart",
      'PT-2023-000004 có trong diễn giải của ngân hàng; cách 3 ngày',
    ],
    ['same amount; 2 days apart', 'cùng số tiền; cách 2 ngày'],
    ['sum of 3 book lines; at most 1 day apart', 'tổng của 3 dòng sổ; cách nhau tối đa 1 ngày'],
    ['something new; same day', 'something new; cùng ngày'],
  ])('%s → %s', (basis, vietnamese) => {
    expect(basisText(basis, tFor('vi'))).toBe(vietnamese);
  });

  it('reads back as the matcher wrote it in English', () => {
    const basis = 'sum of 2 book lines; same day';
    expect(basisText(basis, tFor('en'))).toBe(basis);
  });
});
