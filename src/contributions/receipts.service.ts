import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, assertFundInScope } from '../common/actor';
import { FeatureDisabledError, InvalidRequestError, NotFoundError, UpstreamError } from '../common/errors';
import { Money } from '../common/money';
import { amountInWords } from '../common/number-words';
import { maskName } from '../common/text';
import { formatDateVi } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work';
import { nowIso } from '../common/clock';
import type { DocumentMark, VoucherView } from '../documents/document.types';
import { DocumentsService } from '../documents/documents.service';
import { MailService, renderMailTemplate } from '../documents/mail.service';
import { AttachmentsService, attachmentDetails } from '../attachments/attachments.service';
import { attachmentsLine, voidNoteText } from '../documents/document-lines';
import { JournalEntry } from '../ledger/entities';
import { lateNoteOf, NumberingService, seriesCodes } from '../documents/numbering.service';
import { fundHeaderOn } from '../funds/fund-header';
import { Fund } from '../funds/fund.entity';
import { FundsService } from '../funds/funds.service';
import { kindAccounts, kindReceipt } from './contribution-kinds';
import { hasContributedTo } from './donors.service';
import { ContributionsService } from './contributions.service';
import { BatchMember, Campaign, Contribution, Donor, EmailDelivery } from './entities';

/** What the public verification page may show: nothing more. */
export interface PublicReceipt {
  receiptNo: string;
  fund: string;
  fundName: string;
  date: string;
  amount: string;
  status: Contribution['status'];
  donor: string;
}

export interface DeliveryView {
  id: number;
  recipient: string;
  status: 'sent' | 'failed';
  error: string | null;
  messageId: string | null;
  at: string;
}

/** Receipts as documents: the C40-BB PDF, e-mail delivery, the public verification and donor statements. */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contributions: ContributionsService,
    private readonly documents: DocumentsService,
    private readonly mail: MailService,
    private readonly funds: FundsService,
    private readonly attachments: AttachmentsService,
    private readonly numbering: NumberingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The receipt PDF; the same state always gives the same bytes. A copy is stamped BẢN SAO, a void one ĐÃ HỦY. */
  async pdf(actor: Actor | null, id: number, copy: boolean): Promise<{ receiptNo: string; pdf: Buffer }> {
    const contribution = await this.contributions.byId(this.uow.manager, actor, id);
    const mark: DocumentMark = contribution.status === 'voided' ? 'void' : copy ? 'copy' : 'original';
    const view = await this.voucherView(this.uow.manager, contribution, mark);
    return { receiptNo: contribution.receiptNo, pdf: await this.documents.renderVoucher(view) };
  }

  /** A file kept with a contribution the actor may see. */
  async attachment(actor: Actor, id: number, attachmentId: number) {
    await this.contributions.byId(this.uow.manager, actor, id);
    return this.attachments.content(this.uow.manager, 'contribution', id, attachmentId);
  }

  verifyUrl(receiptNo: string, fundCode: string): string {
    return `${this.config.publicUrl}/verify/${encodeURIComponent(receiptNo)}?fund=${encodeURIComponent(fundCode)}`;
  }

  /**
   * The receipt's document: a C40-BB Phiếu thu for cash; for money through a bank or the Treasury, a Giấy xác nhận
   * đóng góp naming the bank's reference and date, with no cashier. Everything printed comes from the books: the
   * unit's name and the circular in force on the receipt's date, and a void's date is its reversal's.
   */
  async voucherView(manager: EntityManager, c: Contribution, mark: DocumentMark): Promise<VoucherView> {
    const fund = await manager.findOneOrFail(Fund, { where: { id: c.fundId } });
    const donor = await manager.findOneOrFail(Donor, { where: { id: c.donorId } });
    const campaign =
      c.campaignId === null ? null : await manager.findOneOrFail(Campaign, { where: { id: c.campaignId } });
    const annex =
      c.batchId === null
        ? []
        : (await manager.find(BatchMember, { where: { batchId: c.batchId }, order: { lineNo: 'ASC' } })).map(
            (m) => ({
              name: m.name,
              amount: m.amount,
              note: m.note,
            }),
          );
    const files = await this.attachments.list(manager, 'contribution', c.id);
    // A void is dated by its reversal in the books, not by the clock that recorded it.
    const reversal =
      c.voidEntryId === null
        ? null
        : await manager.findOneOrFail(JournalEntry, { where: { id: c.voidEntryId } });
    const bank = c.method === 'bank';
    // The kind (money, in kind, state budget) chooses the form, the reason and the accounts (contribution-kinds.ts).
    const kind = {
      ...c,
      method: c.method === 'in_kind' ? null : c.method,
    };
    const printed = kindReceipt(kind, c.purpose);
    const accounts = kindAccounts(kind, donor.kind);
    const notes = [
      ...printed.notes,
      ...(campaign ? [`Đợt vận động: ${campaign.name}`] : []),
      ...(c.externalRef ? [`Chứng từ gốc: ${c.externalRef}`] : []),
      // An imported old receipt prints its paper number as its number; the system's (LS) stays findable.
      ...(c.originalNo ? [`Chứng từ nhập từ sổ cũ; số lưu trong hệ thống: ${c.receiptNo}`] : []),
    ];
    // An organisation's cash is handed over by a person: the receipt names the person, for the organisation.
    const handedOver = c.method === 'cash' && donor.kind !== 'individual' && c.handedOverBy !== null;
    return {
      kind: printed.voucherKind,
      header: await fundHeaderOn(manager, fund, c.date),
      bookNo: c.date.slice(0, 4),
      number: c.originalNo ?? c.receiptNo,
      date: c.date,
      debitAccounts: [accounts.debit],
      creditAccounts: [accounts.credit],
      partyName: handedOver ? (c.handedOverBy as string) : donor.name,
      partyAddress: donor.address,
      onBehalfOf: handedOver ? donor.name : null,
      reason: printed.reason,
      amount: c.amount,
      attachments: attachmentsLine([
        ...(annex.length ? [`bảng kê ${annex.length} người`] : []),
        ...attachmentDetails(files),
      ]),
      bank: bank
        ? {
            reference: c.bankRef,
            date: c.bankDate ?? c.date,
            payerAccount: null,
            payeeAccount: null,
            payeeBank: null,
          }
        : null,
      notes,
      verifyUrl: this.verifyUrl(c.receiptNo, fund.code),
      mark,
      voidNote: reversal ? voidNoteText(reversal.entryDate, c.voidReason) : null,
      lateNote: await lateNoteOf(manager, c.fundId, c.receiptNo),
      annex,
      issuedAt: c.createdAt,
    };
  }

  /** The public answer for a receipt number, optionally narrowed to one fund (numbers repeat across funds). */
  async verify(receiptNo: string, fundCode?: string): Promise<PublicReceipt[]> {
    const query = this.uow.manager
      .createQueryBuilder(Contribution, 'c')
      .innerJoinAndSelect('c.fund', 'f')
      .innerJoinAndSelect('c.donor', 'd')
      .where('c.receipt_no = :receiptNo', { receiptNo });
    if (fundCode) query.andWhere('f.code = :fundCode', { fundCode });
    const rows = await query.orderBy('f.code', 'ASC').take(20).getMany();
    return rows.map((c) => ({
      receiptNo: c.receiptNo,
      fund: c.fund!.code,
      fundName: c.fund!.name,
      date: c.date,
      amount: c.amount,
      status: c.status,
      // Enterprises, agencies and organisations give in their public name; only a person's name is masked.
      donor: c.donor!.kind === 'individual' ? maskName(c.donor!.name) : c.donor!.name,
    }));
  }

  /** Sends the receipt PDF to the donor (or `to`) and records the attempt, whatever its outcome. */
  async email(actor: Actor, id: number, to?: string): Promise<DeliveryView> {
    const contribution = await this.contributions.byId(this.uow.manager, actor, id);
    const donor = await this.uow.manager.findOneOrFail(Donor, { where: { id: contribution.donorId } });
    const recipient = to ?? donor.email;
    if (!recipient)
      throw new InvalidRequestError(`donor ${donor.name} has no e-mail address; give one in "to"`);

    let messageId: string | null = null;
    let error: string | null = null;
    if (!this.mail.enabled) {
      error = 'e-mail is disabled: SMTP_URL is not set';
    } else {
      const { pdf } = await this.pdf(actor, id, false);
      const fund = await this.uow.manager.findOneOrFail(Fund, { where: { id: contribution.fundId } });
      const { subject, text } = renderMailTemplate('receipt.vi', {
        receiptNo: contribution.receiptNo,
        fundName: fund.name,
        donorName: donor.name,
        amount: Money.fromStored(contribution.amount).format(),
        amountWords: amountInWords(contribution.amount),
        date: formatDateVi(contribution.date),
        verifyUrl: this.verifyUrl(contribution.receiptNo, fund.code),
      });
      try {
        messageId = await this.mail.send({
          to: recipient,
          subject,
          text,
          attachments: [
            { filename: `${contribution.receiptNo}.pdf`, content: pdf, contentType: 'application/pdf' },
          ],
        });
      } catch (e) {
        error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      }
    }
    const delivery = await this.uow.write((tx) =>
      tx.save(
        tx.create(EmailDelivery, {
          contributionId: id,
          recipient,
          status: error === null ? 'sent' : 'failed',
          error,
          messageId,
          at: nowIso(),
        }),
      ),
    );
    if (!this.mail.enabled) throw new FeatureDisabledError(error as string);
    if (error !== null) throw new UpstreamError(`the mail server did not accept the receipt: ${error}`);
    return this.deliveryView(delivery);
  }

  async deliveries(actor: Actor, id: number): Promise<DeliveryView[]> {
    await this.contributions.byId(this.uow.manager, actor, id);
    const rows = await this.uow.manager.find(EmailDelivery, {
      where: { contributionId: id },
      order: { id: 'ASC' },
    });
    return rows.map((d) => this.deliveryView(d));
  }

  /** A donor's yearly thank-you letter from one fund, listing every receipt of the year. */
  async donorStatement(actor: Actor, donorId: number, fundCode: string, year: number): Promise<Buffer> {
    assertFundInScope(actor, fundCode);
    const fund = await this.funds.byCode(this.uow.manager, fundCode);
    const donor = await this.uow.manager.findOne(Donor, { where: { id: donorId } });
    if (!donor) throw new NotFoundError(`donor ${donorId} does not exist`);
    // Personal data (the address) goes only to users who see this donor through the fund asked about.
    if (actor.fundScope !== null && !(await hasContributedTo(this.uow.manager, donorId, fund.id)))
      throw new NotFoundError(`donor ${donorId} does not exist`);
    const rows = await this.uow.manager
      .createQueryBuilder(Contribution, 'c')
      .where('c.donor_id = :donorId AND c.fund_id = :fundId', { donorId, fundId: fund.id })
      .andWhere('c.contribution_date >= :from AND c.contribution_date <= :to', {
        from: `${year}-01-01`,
        to: `${year}-12-31`,
      })
      .orderBy('c.contribution_date', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    const total = Money.sum(rows.filter((c) => c.status === 'posted').map((c) => Money.fromStored(c.amount)));
    // The letter's date: the end of that year, so the same year always prints the same letter. Its number is
    // the one it was first issued under (taken from the letters' series on the first print).
    const dated = `${year}-12-31`;
    const number = await this.uow.write((tx) =>
      this.numbering.issued(tx, fund.id, seriesCodes().letterOfThanks, dated, `donor:${donor.id}:${year}`),
    );
    return this.documents.renderDonorStatement({
      header: await fundHeaderOn(this.uow.manager, fund, dated),
      number,
      year,
      donorName: donor.name,
      donorKind: donor.kind,
      donorAddress: donor.address,
      receipts: rows.map((c) => ({
        number: c.receiptNo,
        date: c.date,
        amount: c.amount,
        purpose: c.purpose,
        voided: c.status === 'voided',
      })),
      total: total.toString(),
      issuedAt: `${dated}T00:00:00.000Z`,
    });
  }

  private deliveryView(d: EmailDelivery): DeliveryView {
    return {
      id: d.id,
      recipient: d.recipient,
      status: d.status,
      error: d.error,
      messageId: d.messageId,
      at: d.at,
    };
  }
}
