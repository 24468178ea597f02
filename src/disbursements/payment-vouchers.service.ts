import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { ConflictError } from '../common/errors';
import { UnitOfWork } from '../database/unit-of-work';
import { Beneficiary } from '../beneficiaries/entities';
import type { VoucherView } from '../documents/document.types';
import { DocumentsService } from '../documents/documents.service';
import { fundHeader } from '../funds/fund-header';
import { Fund } from '../funds/fund.entity';
import { defaultChart } from '../ledger/chart';
import { DisbursementsService } from './disbursements.service';
import { HouseProject, PURPOSE_ACCOUNT } from './entities';

/** The C41-BB Phiếu chi of a paid payout; a reversed one is printed ĐÃ HỦY and keeps its number. */
@Injectable()
export class PaymentVouchersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly disbursements: DisbursementsService,
    private readonly documents: DocumentsService,
  ) {}

  async pdf(actor: Actor, id: number, copy: boolean): Promise<{ voucherNo: string; pdf: Buffer }> {
    const manager = this.uow.manager;
    const d = await this.disbursements.byId(manager, actor, id);
    if (!d.voucherNo || !d.paymentDate) {
      throw new ConflictError(
        d.stage === 'settlement'
          ? `payout ${id} settles an advance and moves no money: it has no payment voucher`
          : `payout ${id} is ${d.status}; a payment voucher exists once it is paid`,
      );
    }
    const fund = await manager.findOneOrFail(Fund, { where: { id: d.fundId } });
    const beneficiary = await manager.findOneOrFail(Beneficiary, { where: { id: d.beneficiaryId } });
    const project = d.projectId
      ? await manager.findOneOrFail(HouseProject, { where: { id: d.projectId } })
      : null;
    const account = d.stage === 'advance' ? '141' : PURPOSE_ACCOUNT[d.purpose];
    const accountName =
      defaultChart().find((a) => a.code === PURPOSE_ACCOUNT[d.purpose])?.nameVi ?? d.purpose;
    const reversed = d.status === 'reversed';
    const view: VoucherView = {
      kind: 'payment',
      header: fundHeader(fund),
      bookNo: d.paymentDate.slice(0, 4),
      number: d.voucherNo,
      date: d.paymentDate,
      debitAccounts: [account],
      creditAccounts: [d.method === 'cash' ? '111' : '112'],
      partyName: beneficiary.fullName,
      partyAddress: beneficiary.address ?? beneficiary.commune,
      reason: `${d.stage === 'advance' ? 'Tạm ứng — ' : ''}${accountName}${d.decisionNo ? ` theo Quyết định số ${d.decisionNo}` : ''}`,
      amount: d.amount,
      attachments: d.decisionNo ? '01 quyết định' : null,
      notes: [
        `Hình thức: ${d.method === 'cash' ? 'Tiền mặt' : 'Chuyển khoản'}`,
        ...(d.description ? [d.description] : []),
        ...(project ? [`Công trình nhà ở số ${project.id}: ${project.description}`] : []),
      ],
      verifyUrl: null,
      mark: reversed ? 'void' : copy ? 'copy' : 'original',
      voidNote: reversed ? 'Phiếu chi đã được hủy bằng bút toán đảo' : null,
      annex: [],
      // The payment date, not the clock: the same voucher always has the same bytes.
      issuedAt: `${d.paymentDate}T00:00:00.000Z`,
    };
    return { voucherNo: d.voucherNo, pdf: await this.documents.renderVoucher(view) };
  }
}
