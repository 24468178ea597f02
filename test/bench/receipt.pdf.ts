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
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/**
 * The same page with nothing but pdfkit: A5 landscape, letterhead, title, boxes, fields, QR code, signatures and
 * the received line, in the product's words (templates/documents/receipt.vi.json) and type styles, with the same
 * document information; written as a pdfkit user would, each text placed where the product places it.
 */
export function barePdf(view: VoucherView): Promise<Buffer> {
  const issuedAt = new Date(view.issuedAt);
  const doc = new PDFDocument({
    size: 'A5',
    layout: 'landscape',
    margins: { top: 22, bottom: 24, left: 28, right: 28 },
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: `Phiếu thu số ${view.number}`,
      Author: view.header.fundName,
      CreationDate: issuedAt,
      ModDate: issuedAt,
    },
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
    const labelled = (label: string, value: string, face: string, x: number, y: number, width: number) =>
      doc.font(regular).text(label, x, y, { width, continued: true }).font(face).text(` ${value}`);
    doc.fontSize(8.5);
    labelled('Đơn vị:', view.header.unitName, bold, left, 22, 250);
    doc.font(bold).text(view.header.fundName, { width: 250 });
    labelled('Mã quỹ:', view.header.fundCode, regular, left, doc.y, 250);
    doc
      .font(bold)
      .fontSize(9.5)
      .text('Mẫu số C40-BB', right - 230, 22, { width: 230, align: 'center' });
    doc
      .font(italic)
      .fontSize(6.5)
      .text('(Ban hành kèm theo Thông tư số 107/2017/TT-BTC ngày 10/10/2017 của Bộ trưởng Bộ Tài chính)', {
        width: 230,
        align: 'center',
      });
    const top = 70;
    let y = top;
    doc.fontSize(8.5);
    for (const [label, value, face] of [
      ['Quyển số:', view.bookNo, regular],
      ['Số:', view.number, bold],
      ['Nợ:', view.debitAccounts.join(', '), bold],
      ['Có:', view.creditAccounts.join(', '), bold],
    ]) {
      labelled(label, value, face, right - 140, y, 140);
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
      .text('Quét để xác minh', right - 88, y + 71, { width: 88, align: 'center' });
    doc
      .font(regular)
      .fontSize(5.5)
      .fillColor('#555555')
      .text(view.verifyUrl ?? '', { width: 88, align: 'center' })
      .fillColor('#000000');
    const width = right - left - 98;
    const amount = Money.parse(view.amount);
    doc.y = y;
    doc.fontSize(10);
    for (const [label, value, face] of [
      ['Họ và tên người nộp tiền:', view.partyName, bold],
      ['Địa chỉ:', view.partyAddress ?? '', regular],
      ['Lý do nộp:', view.reason, regular],
      ['Số tiền:', amount.format(), bold],
      ['(Viết bằng chữ):', `${amountInWords(amount.toString())}.`, italic],
      ['Kèm theo:', '……………… chứng từ gốc.', regular],
    ]) {
      doc.font(regular).text(label, left, doc.y, { width, continued: true, lineGap: 1 });
      doc.font(face).text(` ${value}`, { lineGap: 1 });
      doc.y += 3.5;
    }
    const blocks = [
      ['THỦ TRƯỞNG ĐƠN VỊ', '(Ký, họ tên, đóng dấu)'],
      ['KẾ TOÁN TRƯỞNG', '(Ký, họ tên)'],
      ['NGƯỜI NỘP TIỀN', '(Ký, họ tên)'],
      ['NGƯỜI LẬP PHIẾU', '(Ký, họ tên)'],
      ['THỦ QUỸ', '(Ký, họ tên)'],
    ];
    const blockWidth = (right - left) / blocks.length;
    const sigY = doc.y + 6;
    blocks.forEach(([title, hint], i) => {
      doc
        .font(bold)
        .fontSize(7.5)
        .text(title, left + i * blockWidth, sigY, { width: blockWidth, align: 'center' });
      doc.font(italic).fontSize(7).text(hint, { width: blockWidth, align: 'center' });
    });
    doc
      .font(italic)
      .fontSize(9)
      .text('Đã nhận đủ số tiền (viết bằng chữ): ' + '………………'.repeat(4), left, doc.y + 86, {
        width: right - left,
      });
    doc.end();
  } finally {
    release();
  }
  return done.then(() => Buffer.concat(chunks));
}

/**
 * Child: `count` receipts rendered by the product and streamed into one zip at `out`. Each receipt is rendered
 * only when the zip is ready to write it (yazl's addReadStreamLazy), and the zip writes only as fast as the file
 * takes it (pipeline), so memory holds one receipt at a time whatever the count. (yazl's addBuffer would keep
 * every receipt's bytes until the end: its entries hold them for their whole life.)
 */
export async function receiptsZip(out: string, count: number): Promise<void> {
  const zip = new yazl.ZipFile();
  const failed = new Promise<never>((_, reject) => zip.once('error', reject));
  for (let i = 1; i <= count; i++) {
    zip.addReadStreamLazy(`PT-2023-${String(i).padStart(6, '0')}.pdf`, (done) => {
      renderVoucher(receiptView(i)).then(
        (pdf) => done(null, Readable.from([pdf], { objectMode: false })),
        (error: unknown) => done(error, Readable.from([])),
      );
    });
  }
  zip.end();
  await Promise.race([pipeline(zip.outputStream, fs.createWriteStream(out)), failed]);
}

export const receiptPdf: Bench = {
  name: 'receipt.pdf',
  async run({ dir }) {
    const count = QUICK ? 40 : 2000;
    // Warm both (font parsing, code paths: the side run first would otherwise pay for pdfkit's), then alternate
    // blocks of 10 receipts, each side first in every other block, so that machine noise falls on both alike.
    const block = 10;
    const warm = QUICK ? 20 : 100;
    for (let i = 0; i < warm; i++) {
      await renderVoucher(receiptView(i));
      await barePdf(receiptView(i));
    }
    const sides = {
      product: { ms: 0, render: renderVoucher },
      bare: { ms: 0, render: barePdf },
    };
    for (let start = 0; start < count; start += block) {
      const order = (start / block) % 2 === 0 ? [sides.product, sides.bare] : [sides.bare, sides.product];
      for (const side of order) {
        side.ms += (
          await elapsed(async () => {
            for (let i = start; i < start + block; i++) await side.render(receiptView(i));
          })
        ).ms;
      }
    }
    const product = sides.product.ms;
    const bare = sides.bare.ms;
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
