/**
 * receipt.pdf: C40-BB receipts rendered by the product (documents/voucher.renderer.ts) one after the other in one
 * process, against bare pdfkit drawing the same page (the same texts, fonts and vector QR code; fonts parsed once
 * the same way), in the same process (2,000 receipts; 40 with --quick). Then 10,000 receipts (200 with --quick) streamed into one zip by a child
 * process whose peak RSS is measured.
 */
import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import * as yazl from 'yazl';
import { amountInWords } from '../../src/common/number-words';
import { Money } from '../../src/common/money';
import type { VoucherView } from '../../src/documents/document.types';
import { fontName, installFonts } from '../../src/documents/fonts';
import { renderVoucher } from '../../src/documents/voucher.renderer';
import { Bench, CHILD_MAIN, QUICK, elapsed, fmt, mb, report, runNode } from './harness';

export function receiptView(n: number): VoucherView {
  const number = `PT-2023-${String(n).padStart(6, '0')}`;
  return {
    kind: 'receipt',
    header: { unitName: 'UBND tỉnh Lào Cai', fundName: 'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai', fundCode: 'LC' },
    bookNo: '2023',
    number,
    date: '2023-07-20',
    debitAccounts: ['112'],
    creditAccounts: ['5112'],
    partyName: 'Công ty Cổ phần Apatit Việt Nam',
    partyAddress: 'Phường Pom Hán, thành phố Lào Cai',
    reason: 'Đóng góp Quỹ Đền ơn đáp nghĩa',
    amount: String(55_500_000 + n),
    onBehalfOf: null,
    attachments: null,
    bank: null,
    notes: [],
    verifyUrl: `http://localhost:3000/verify/${number}?fund=LC`,
    mark: 'original',
    voidNote: null,
    annex: [],
    issuedAt: '2023-07-20T03:00:00.000Z',
  };
}

/** The same page with nothing but pdfkit: A5 landscape, letterhead, title, boxes, fields, QR code, signatures. */
export function barePdf(view: VoucherView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A5',
    layout: 'landscape',
    margins: { top: 22, bottom: 24, left: 28, right: 28 },
  });
  const release = installFonts(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = once(doc, 'end');
  const regular = fontName('regular');
  const bold = fontName('bold');
  const italic = fontName('italic');
  try {
    const left = 28;
    const right = doc.page.width - 28;
    doc.font(regular).fontSize(8.5).text(`Đơn vị: ${view.header.unitName}`, left, 22, { width: 250 });
    doc.font(bold).text(view.header.fundName, { width: 250 });
    doc.font(regular).text(`Mã quỹ: ${view.header.fundCode}`, { width: 250 });
    doc
      .font(bold)
      .fontSize(9.5)
      .text('Mẫu số C40-BB', right - 230, 22, { width: 230, align: 'center' });
    doc
      .font(italic)
      .fontSize(6.5)
      .text('(Ban hành kèm theo Thông tư số 107/2017/TT-BTC ngày 10/10/2017 của Bộ Tài chính)', {
        width: 230,
        align: 'center',
      });
    const top = 70;
    let y = top;
    for (const [label, value] of [
      ['Quyển số:', view.bookNo],
      ['Số:', view.number],
      ['Nợ:', view.debitAccounts.join(', ')],
      ['Có:', view.creditAccounts.join(', ')],
    ]) {
      doc
        .font(regular)
        .fontSize(8.5)
        .text(label, right - 140, y, { continued: true })
        .font(bold)
        .text(` ${value}`);
      y = doc.y + 1.5;
    }
    doc
      .font(bold)
      .fontSize(16)
      .text('PHIẾU THU', left + 140, top + 2, { width: right - 140 - left - 148, align: 'center' });
    doc
      .font(italic)
      .fontSize(9)
      .text('Ngày 20 tháng 07 năm 2023', { width: right - 140 - left - 148, align: 'center' });
    y = Math.max(y, doc.y) + 8;
    const qrX = right - 88 + 9;
    const modules = QRCode.create(view.verifyUrl ?? '', { errorCorrectionLevel: 'M' }).modules;
    const cell = 70 / (modules.size + 4);
    doc.save();
    for (let row = 0; row < modules.size; row++) {
      let col = 0;
      while (col < modules.size) {
        if (!modules.get(row, col)) {
          col++;
          continue;
        }
        const start = col;
        while (col < modules.size && modules.get(row, col)) col++;
        doc.rect(qrX + (2 + start) * cell, y + (2 + row) * cell, (col - start) * cell, cell);
      }
    }
    doc.fill('#000000').restore();
    doc
      .font(italic)
      .fontSize(6.5)
      .text('Quét mã để kiểm tra phiếu thu', right - 88, y + 71, { width: 88, align: 'center' });
    doc
      .font(regular)
      .fontSize(5.5)
      .text(view.verifyUrl ?? '', { width: 88, align: 'center' });
    const width = right - left - 98;
    const amount = Money.parse(view.amount);
    doc.y = y;
    for (const [label, value, face] of [
      ['Họ và tên người nộp tiền:', view.partyName, bold],
      ['Địa chỉ:', view.partyAddress ?? '', regular],
      ['Lý do nộp:', view.reason, regular],
      ['Số tiền:', amount.format(), bold],
      ['Viết bằng chữ:', `${amountInWords(amount.toString())}.`, italic],
      ['Kèm theo:', '.... chứng từ gốc', regular],
    ]) {
      doc.font(regular).fontSize(10).text(label, left, doc.y, { width, continued: true, lineGap: 1 });
      doc.font(face).text(` ${value}`, { lineGap: 1 });
      doc.y += 3.5;
    }
    const blocks = ['Thủ trưởng đơn vị', 'Kế toán trưởng', 'Người nộp tiền', 'Người lập phiếu', 'Thủ quỹ'];
    const blockWidth = (right - left) / blocks.length;
    const sigY = doc.y + 6;
    blocks.forEach((title, i) => {
      doc
        .font(bold)
        .fontSize(7.5)
        .text(title, left + i * blockWidth, sigY, { width: blockWidth, align: 'center' });
      doc.font(italic).fontSize(7).text('(Ký, họ tên)', { width: blockWidth, align: 'center' });
    });
    doc.end();
  } finally {
    release();
  }
  return done.then(() => Buffer.concat(chunks));
}

/** Child: `count` receipts rendered by the product and streamed into one zip at `out`. */
export async function receiptsZip(out: string, count: number): Promise<void> {
  const zip = new yazl.ZipFile();
  const file = fs.createWriteStream(out);
  zip.outputStream.pipe(file);
  for (let i = 1; i <= count; i++) {
    const pdf = await renderVoucher(receiptView(i));
    zip.addBuffer(pdf, `PT-2023-${String(i).padStart(6, '0')}.pdf`);
    // Back-pressure: let the zip drain before rendering more, so memory holds a few receipts, never all of them.
    if (file.writableLength > 1 << 20) await once(file, 'drain');
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  zip.end();
  await once(file, 'close');
}

export const receiptPdf: Bench = {
  name: 'receipt.pdf',
  async run({ dir }) {
    const count = QUICK ? 40 : 2000;
    // Warm both (font parsing, code paths), then alternate halves so that machine noise falls on both alike.
    await renderVoucher(receiptView(0));
    await barePdf(receiptView(0));
    let product = 0;
    let bare = 0;
    for (let half = 0; half < 2; half++) {
      product += (
        await elapsed(async () => {
          for (let i = 0; i < count / 2; i++) await renderVoucher(receiptView(i));
        })
      ).ms;
      bare += (
        await elapsed(async () => {
          for (let i = 0; i < count / 2; i++) await barePdf(receiptView(i));
        })
      ).ms;
    }
    const rate = count / (product / 1000);
    const bareRate = count / (bare / 1000);
    report(
      {
        name: 'receipt.pdf',
        unit: 'receipts/s',
        value: rate,
        baseline: bareRate,
        ratio: rate / bareRate,
        target: 'ratio ≥ 0.8',
        pass: rate / bareRate >= 0.8,
      },
      `bare pdfkit: ${fmt(bareRate)}/s`,
      `${fmt(count)} receipts: ${fmt(rate)}/s`,
      'the C40-BB receipt against bare pdfkit drawing the same page, fonts parsed once',
    );

    const zipped = QUICK ? 200 : 10_000;
    const out = path.join(dir, 'receipts.zip');
    const run = await runNode(CHILD_MAIN, ['receipts-zip', out, String(zipped)]);
    if (run.code !== 0) throw new Error(`receipts-zip: ${run.stderr}`);
    const size = fs.statSync(out).size;
    fs.rmSync(out);
    const limit = 250 * 1024 * 1024;
    report(
      {
        name: 'receipt.pdf.zip',
        unit: 'MB peak RSS',
        value: run.peakRss / 1024 / 1024,
        baseline: 250,
        ratio: run.peakRss / limit,
        target: 'peak RSS ≤ 250 MB',
        pass: run.peakRss <= limit,
      },
      'limit 250 MB',
      `${fmt(zipped)} receipts in ${fmt(run.ms / 1000, 1)} s, zip ${mb(size)}, peak RSS ${mb(run.peakRss)}`,
      'receipts streamed into one zip by a child process',
    );
  },
};
