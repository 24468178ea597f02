import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { ConflictError } from '../common/errors';
import { UnitOfWork } from '../database/unit-of-work';
import { AttachmentsService, attachmentDetails } from '../attachments/attachments.service';
import { attachmentsLine, voidNoteText } from '../documents/document-lines';
import type { VoucherView } from '../documents/document.types';
import { DocumentsService } from '../documents/documents.service';
import { lateNoteOf } from '../documents/numbering.service';
import { fundHeaderOn } from '../funds/fund-header';
import { Fund } from '../funds/fund.entity';
import { defaultChart } from '../ledger/chart';
import { JournalEntry } from '../ledger/entities';
import { DisbursementsService, partyOf } from './disbursements.service';
import { DisbursementEvent, HouseProject, PURPOSE_ACCOUNT } from './entities';

/**
 * The document of a paid payout: a C41-BB Phiếu chi for cash, an Ủy nhiệm chi (payment order, with the payee's
 * account) for a payment through a bank or the Treasury. A reversed one is printed ĐÃ HỦY with its reversal's
 * date and reason, and keeps its number.
 */
@Injectable()
export class PaymentVouchersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly disbursements: DisbursementsService,
    private readonly documents: DocumentsService,
    private readonly attachments: AttachmentsService,
  ) {}

  /** A file kept with a payout the actor may see. */
  async attachment(actor: Actor, id: number, attachmentId: number) {
    await this.disbursements.byId(this.uow.manager, actor, id);
    return this.attachments.content(this.uow.manager, 'disbursement', id, attachmentId);
  }

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
    const party = await partyOf(manager, d);
    const project = d.projectId
      ? await manager.findOneOrFail(HouseProject, { where: { id: d.projectId } })
      : null;
    const account = d.stage === 'advance' ? '141' : PURPOSE_ACCOUNT[d.purpose];
    const accountName =
      defaultChart().find((a) => a.code === PURPOSE_ACCOUNT[d.purpose])?.nameVi ?? d.purpose;
    const reversed = d.status === 'reversed';
    const reversal =
      reversed && d.reversalEntryId !== null
        ? await manager.findOneOrFail(JournalEntry, { where: { id: d.reversalEntryId } })
        : null;
    const reversedEvent = reversed
      ? await manager.findOne(DisbursementEvent, {
          where: { disbursementId: d.id, action: 'reversed' },
          order: { id: 'DESC' },
        })
      : null;
    const files = await this.attachments.list(manager, 'disbursement', d.id);
    const bank = d.method !== 'cash';
    const view: VoucherView = {
      kind: bank ? 'bank-payment' : 'payment',
      header: await fundHeaderOn(manager, fund, d.paymentDate),
      bookNo: d.paymentDate.slice(0, 4),
      number: d.voucherNo,
      date: d.paymentDate,
      debitAccounts: [account],
      creditAccounts: [d.method === 'cash' ? '111' : '112'],
      partyName: d.receivedBy ?? party.name,
      partyAddress: party.address,
      onBehalfOf: d.receivedBy ? party.name : null,
      reason: `${d.stage === 'advance' ? 'Tạm ứng — ' : ''}${accountName}${d.decisionNo ? ` theo Quyết định số ${d.decisionNo}` : ''}`,
      amount: d.amount,
      attachments: attachmentsLine([
        ...(d.decisionNo ? [`quyết định số ${d.decisionNo}`] : []),
        ...attachmentDetails(files),
      ]),
      bank: bank
        ? {
            reference: d.bankRef,
            date: d.bankRef ? d.paymentDate : null,
            payerAccount: d.payerAccount,
            payeeAccount: d.payeeAccount,
            payeeBank: d.payeeBank,
          }
        : null,
      notes: [
        ...(party.taxCode ? [`Mã số thuế đơn vị nhận: ${party.taxCode}`] : []),
        ...(bank ? [] : ['Hình thức: Tiền mặt']),
        ...(d.description ? [d.description] : []),
        ...(project ? [`Công trình nhà ở số ${project.id}: ${project.description}`] : []),
      ],
      verifyUrl: null,
      mark: reversed ? 'void' : copy ? 'copy' : 'original',
      voidNote: reversal ? voidNoteText(reversal.entryDate, reversedEvent?.note ?? null) : null,
      lateNote: await lateNoteOf(manager, d.fundId, d.voucherNo),
      annex: [],
      // The payment date, not the clock: the same voucher always has the same bytes.
      issuedAt: `${d.paymentDate}T00:00:00.000Z`,
    };
    return { voucherNo: d.voucherNo, pdf: await this.documents.renderVoucher(view) };
  }
}
