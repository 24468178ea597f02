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
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { amountInWords } from '../../src/common/number-words';
import { Money } from '../../src/common/money';
import type { VoucherView } from '../../src/documents/document.types';
import { fontName, installFonts } from '../../src/documents/fonts';
import { renderVoucher } from '../../src/documents/voucher.renderer';
import {
  Bench,
  CHILD_MAIN,
  ChildRun,
  QUICK,
  alongside,
  elapsed,
  failed,
  fmt,
  mb,
  report,
  runNode,
} from './harness';

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

/** The worker thread's marker in workerData: this module, loaded in a worker, renders the receipts it is sent. */
const RENDERER = 'receipt-renderer';

/** Receipts rendered ahead of the zip at most, on both threads together: the bound on the PDFs held in memory. */
const AHEAD = 8;

/** Receipts queued on the worker at most (the one it renders and the next), so that it never waits for the main thread. */
const WORKER_QUEUE = 2;

interface Rendered {
  n: number;
  pdf?: Uint8Array;
  error?: string;
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === RENDERER) {
  const port = parentPort!;
  // Each message is a receipt's number; the answer carries it back with the bytes (or the error).
  port.on('message', (n: number) => {
    renderVoucher(receiptView(n)).then(
      (pdf) => port.postMessage({ n, pdf } satisfies Rendered),
      (error: unknown) =>
        port.postMessage({ n, error: String((error as Error)?.stack ?? error) } satisfies Rendered),
    );
  });
}

/**
 * Child: `count` receipts rendered by the product and streamed into one zip at `out`, on two threads: this one and
 * a worker thread (this module loaded again, compiled, in dist-bench/), each with its own pdfkit and fonts. The
 * worker is kept WORKER_QUEUE receipts ahead; this thread renders the next receipt nobody has taken whenever it is
 * free, so the two share the work whatever the zip's own work (CRC, writing) costs this thread. At most AHEAD
 * receipts are rendered or being rendered ahead of the one the zip writes, so memory holds a few receipts whatever
 * the count. Each receipt is handed to the zip, in order, when it is ready to write it (yazl's addReadStreamLazy),
 * and the zip writes only as fast as the file takes it (pipeline). (yazl's addBuffer would keep every receipt's
 * bytes until the end: its entries hold them for their whole life.)
 */
export async function receiptsZip(out: string, count: number): Promise<void> {
  const zip = new yazl.ZipFile();
  const failed = new Promise<never>((_, reject) => zip.once('error', reject));
  // The worker's heap kept small (its live data, pdfkit and the fonts, is about 25 MB): V8's defaults, a 32 MB new
  // space and an old space grown lazily, cost some 25 MB more peak RSS at 10,000 receipts.
  const worker = new Worker(__filename, {
    workerData: { role: RENDERER },
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 },
  });
  /** Each started receipt's bytes (kept until the zip takes it), by number. */
  const pdfs = new Map<number, Promise<Buffer>>();
  const onWorker = new Map<number, { resolve(pdf: Buffer): void; reject(error: Error): void }>();
  /** The next receipt nobody has taken, and the one the zip waits for or writes. */
  let next = 1;
  let writing = 1;
  let wake: (() => void) | null = null;
  const nudge = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const room = () => next <= count && next < writing + AHEAD;
  const feedWorker = () => {
    while (room() && onWorker.size < WORKER_QUEUE) {
      const n = next++;
      const pdf = new Promise<Buffer>((resolve, reject) => onWorker.set(n, { resolve, reject }));
      // Handled here too: if the zip failed first nobody takes it, and an unhandled rejection would end the child
      // with this error instead of the zip's (the zip still gets the rejection when it takes the receipt).
      pdf.catch(() => undefined);
      pdfs.set(n, pdf);
      worker.postMessage(n);
    }
  };
  worker.on('message', ({ n, pdf, error }: Rendered) => {
    const waiting = onWorker.get(n)!;
    onWorker.delete(n);
    if (error !== undefined || !pdf) waiting.reject(new Error(`worker, receipt ${n}: ${error}`));
    else waiting.resolve(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    feedWorker();
  });
  const workerFailed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`receipt worker exited with ${code}`)));
  });
  workerFailed.catch(() => undefined);
  const onMain = (n: number) => {
    const pdf = renderVoucher(receiptView(n));
    pdfs.set(n, pdf);
    return pdf;
  };
  // This thread's share: the next receipt nobody has taken, whenever the window has room; between two receipts
  // it lets the event loop run (the worker's messages, the zip's writes).
  let stopped = false;
  const mine = (async () => {
    while (!stopped && next <= count) {
      feedWorker();
      if (!room()) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      await onMain(next++).catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  for (let i = 1; i <= count; i++) {
    zip.addReadStreamLazy(`PT-2023-${String(i).padStart(6, '0')}.pdf`, (done) => {
      writing = i;
      feedWorker();
      nudge();
      // Every receipt before `next` has been started; one the threads have not reached is rendered here.
      if (i === next) void onMain(next++).catch(() => undefined);
      const pdf = pdfs.get(i)!;
      pdfs.delete(i);
      pdf.then(
        (bytes) => done(null, Readable.from([bytes], { objectMode: false })),
        (error: unknown) => done(error, Readable.from([])),
      );
    });
  }
  zip.end();
  try {
    await Promise.race([pipeline(zip.outputStream, fs.createWriteStream(out)), failed, workerFailed]);
  } finally {
    stopped = true;
    nudge();
    await mine;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

/**
 * The zip holds receipts 1 to `count`, in order, under their names; the first two (one from each thread), one from
 * the middle and the last are byte for byte the product's receipt rendered here. Throws otherwise.
 */
export async function checkReceiptsZip(out: string, count: number): Promise<void> {
  const sample = new Set([1, 2, Math.ceil(count / 2), count]);
  const zip = await yauzl.openPromise(out, { lazyEntries: true, autoClose: true });
  let n = 0;
  for await (const entry of zip.eachEntry()) {
    n++;
    const name = `PT-2023-${String(n).padStart(6, '0')}.pdf`;
    if (entry.fileName !== name)
      throw new Error(`receipts zip: entry ${n} is ${entry.fileName}, not ${name}`);
    if (!sample.has(n)) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    if (!Buffer.concat(chunks).equals(await renderVoucher(receiptView(n))))
      throw new Error(`receipts zip: ${name} differs from the receipt rendered in one thread`);
  }
  if (n !== count) throw new Error(`receipts zip: ${n} entries, not ${count}`);
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
    // What earlier benchmarks left to run alongside (report.statement's hledger totals check): started with the
    // child, whose figure is its own peak RSS; the zip's time then includes sharing the cores, and says so.
    const jobs = alongside.splice(0);
    if (jobs.length) console.error(`  receipt.pdf.zip: alongside it ${jobs.map((j) => j.what).join(', ')}`);
    const side = jobs.map((job) =>
      job.run('receipt.pdf.zip').catch((error: unknown) => failed(job.name, error)),
    );
    let run: ChildRun;
    try {
      run = await runNode(CHILD_MAIN, ['receipts-zip', out, String(zipped)]);
    } finally {
      await Promise.all(side);
    }
    if (run.code !== 0) throw new Error(`receipts-zip: ${run.stderr}`);
    await checkReceiptsZip(out, zipped);
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
      'receipts streamed into one zip by a child process (2 threads)' +
        (jobs.length ? `; alongside: ${jobs.map((j) => j.what).join(', ')}` : ''),
    );
  },
};
