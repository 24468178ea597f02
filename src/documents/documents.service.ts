import { Injectable } from '@nestjs/common';
import { DonorStatementView, VoucherView } from './document.types';
import { renderDonorStatement } from './donor-statement.renderer';
import { renderVoucher } from './voucher.renderer';

/**
 * Renders documents from the view models features build (DESIGN.md §3: documents/ imports no feature).
 * Rendering is pure: the same view model always gives byte-identical PDFs.
 */
@Injectable()
export class DocumentsService {
  /** C40-BB Phiếu thu (kind 'receipt') or C41-BB Phiếu chi (kind 'payment'), A5 landscape. */
  renderVoucher(view: VoucherView): Promise<Buffer> {
    return renderVoucher(view);
  }

  /** The donor's yearly thank-you letter (thư cảm ơn), A4 portrait. */
  renderDonorStatement(view: DonorStatementView): Promise<Buffer> {
    return renderDonorStatement(view);
  }
}
