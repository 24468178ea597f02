import { plainToInstance } from 'class-transformer';
import { addressWithCommune, partyProblems } from './disbursements.service';
import { CreateDisbursementDto } from './dto';

const dto = (body: Record<string, unknown>) =>
  plainToInstance(CreateDisbursementDto, {
    fundCode: 'LC',
    amount: '1000000',
    date: '2023-08-01',
    method: 'bank',
    ...body,
  });

describe('who a payout pays (issue 10 item 4)', () => {
  it('pays a household, or an organisation (payee) for memorial and management costs only', () => {
    expect(partyProblems(dto({ beneficiaryId: 1, purpose: 'visit_gift' }))).toEqual([]);
    expect(partyProblems(dto({ payeeId: 2, purpose: 'memorial' }))).toEqual([]);
    expect(partyProblems(dto({ payeeId: 2, purpose: 'management' }))).toEqual([]);
    for (const purpose of ['house_new', 'house_repair', 'visit_gift', 'hardship', 'savings_book'])
      expect(partyProblems(dto({ payeeId: 2, purpose }))).toEqual([
        `purpose ${purpose} supports a household: it needs beneficiaryId, not payeeId`,
      ]);
  });

  it('needs exactly one party, and no house project for a payee', () => {
    expect(partyProblems(dto({ purpose: 'memorial' }))).toEqual([
      'a payout needs beneficiaryId (a household) or payeeId (an organisation)',
    ]);
    expect(partyProblems(dto({ beneficiaryId: 1, payeeId: 2, purpose: 'memorial' }))).toEqual([
      'give beneficiaryId (a household) or payeeId (an organisation), not both',
    ]);
    expect(partyProblems(dto({ payeeId: 2, purpose: 'memorial', projectId: 3 }))).toEqual([
      'a house project belongs to a household: a payee payout takes no projectId',
    ]);
  });

  it("prints a household's address with its commune, once", () => {
    expect(addressWithCommune('Thôn Nậm Củm', 'xã Cốc San')).toBe('Thôn Nậm Củm, xã Cốc San');
    expect(addressWithCommune('Thôn Nậm Củm, Xã Cốc San', 'xã Cốc San')).toBe('Thôn Nậm Củm, Xã Cốc San');
    expect(addressWithCommune(null, 'xã Cốc San')).toBe('xã Cốc San');
  });
});
