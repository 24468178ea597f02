import * as fs from 'node:fs';
import PDFDocument from 'pdfkit';
import {
  pdfFonts,
  pdfInfo,
  pdfOverlaps,
  pdfPageCount,
  pdfPages,
  pdfRawText,
  pdfRuns,
  pdfText,
} from '../../test/support/pdf';
import {
  annexOf,
  donorStatementView as statementView,
  paymentView,
  receiptView,
  keepSample as keep,
} from '../../test/support/document-views';
import { Money } from '../common/money';
import { amountInWords } from '../common/number-words';
import { VoucherView } from './document.types';
import { DocumentsService } from './documents.service';
import { FONTS_DIR, fontCacheMode, fontName, installFonts, loadFontBytes } from './fonts';
import { TemplateError, donorStatementText, fill, voucherText } from './layout-text';
import { DocumentViewError } from './view-format';

// The PDFs are read back with pdf.js (test/support/pdf.ts). Set DOCS_SAMPLES_DIR to keep them, e.g. to look at
// them: DOCS_SAMPLES_DIR=/tmp/docs-samples npx jest --selectProjects unit documents
// The module object itself (an `import * as` namespace has read-only bindings that jest cannot spy on).
const fsForSpy = jest.requireActual<typeof fs>('node:fs');
/**
 * The text of the PDF, whitespace collapsed, so a phrase wrapped over two lines still matches. `raw` keeps the
 * drawing order; `layout` is what a reader (and the e2e tests) see, columns side by side.
 */
function textOf(pdf: Buffer, name: string, page?: number, mode: 'raw' | 'layout' = 'raw'): string {
  keep(pdf, name);
  const text =
    mode === 'raw' ? pdfRawText(pdf, page) : page === undefined ? pdfText(pdf) : pdfPages(pdf)[page - 1];
  return text.replace(/\s+/g, ' ');
}

describe('DocumentsService', () => {
  const documents = new DocumentsService();
  const receiptText = voucherText('receipt');
  const paymentText = voucherText('payment');

  describe('receipt (C40-BB)', () => {
    let pdf: Buffer;
    let text: string;

    beforeAll(async () => {
      pdf = await documents.renderVoucher(receiptView());
      text = textOf(pdf, 'receipt');
    });

    it('is a one-page PDF with the fund, form, number, date and accounts', () => {
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfPageCount(pdf)).toBe(1);
      for (const expected of [
        'PHIẾU THU',
        'Mẫu số C40-BB',
        'UBND tỉnh Lào Cai',
        'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai',
        'PT-2025-000042',
        'Ngày 15 tháng 03 năm 2025',
        'Quyển số: 2025',
        'Nợ: 111',
        'Có: 5112',
        'Thông tư số 24/2024/TT-BTC',
      ]) {
        expect(text).toContain(expected);
      }
    });

    it('prints the donor, the reason, the notes and the amount in figures and in words', () => {
      for (const expected of [
        'Họ và tên người nộp tiền: Phạm Văn Hùng',
        'Nộp thay mặt cho: Công ty Cổ phần Khoáng sản Đường Hưng Phước',
        'phường Cốc Lếu, thành phố Lào Cai',
        'Lý do nộp: Ủng hộ Quỹ Đền ơn đáp nghĩa',
        'Đợt cao điểm 28/6–27/7/2025',
        '55.500.000.000 đ',
        'Năm mươi lăm tỷ năm trăm triệu đồng',
        'Kèm theo: 02 chứng từ gốc (công văn, bảng kê 2 người).',
      ]) {
        expect(text).toContain(expected);
      }
    });

    it('has the five signature blocks, the head of unit with a seal', () => {
      expect(receiptText.signatures).toHaveLength(5);
      for (const signature of receiptText.signatures) expect(text).toContain(signature.title);
      for (const title of [
        'THỦ TRƯỞNG ĐƠN VỊ',
        'KẾ TOÁN TRƯỞNG',
        'NGƯỜI NỘP TIỀN',
        'NGƯỜI LẬP PHIẾU',
        'THỦ QUỸ',
      ]) {
        expect(text).toContain(title);
      }
      expect(text).toContain('(Ký, họ tên, đóng dấu)');
      expect(text).toContain('(Ký, họ tên)');
    });

    it('carries a vector QR code with its caption and address, and no stamp', () => {
      expect(text).toContain('Quét để xác minh');
      expect(text.replace(/ /g, '')).toContain('https://quy.laocai.gov.vn/verify/PT-2025-000042?fund=LC');
      expect(text).not.toContain('BẢN SAO');
      expect(text).not.toContain('ĐÃ HỦY');
      // No bitmap: the QR code is drawn as rectangles.
      expect(pdf.toString('latin1')).not.toContain('/Subtype /Image');
    });

    it('embeds the DejaVu fonts (subset), and no other', () => {
      const fonts = pdfFonts(pdf);
      expect(fonts.length).toBeGreaterThanOrEqual(2);
      for (const font of fonts) {
        expect(font.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold|-Oblique)?$/);
        expect(font).toMatchObject({
          type: 'CID TrueType',
          encoding: 'Identity-H',
          embedded: true,
          subset: true,
          toUnicode: true,
        });
      }
    });

    it('lays out words without overlaps', () => {
      expect(pdfOverlaps(keep(pdf, 'receipt'))).toEqual([]);
    });
  });

  it('stamps a re-print BẢN SAO', async () => {
    const pdf = await documents.renderVoucher(receiptView({ mark: 'copy' }));
    for (const mode of ['raw', 'layout'] as const) {
      const text = textOf(pdf, 'receipt-copy', undefined, mode);
      expect(text).toContain('BẢN SAO');
      expect(text).not.toContain('ĐÃ HỦY');
      expect(text).toContain('55.500.000.000 đ');
    }
  });

  it('stamps a voided receipt ĐÃ HỦY, with when and why', async () => {
    const voidNote = 'Hủy ngày 20/03/2025: ghi nhầm số tiền (người hủy: Trần Thị Lan)';
    const pdf = await documents.renderVoucher(receiptView({ mark: 'void', voidNote }));
    for (const mode of ['raw', 'layout'] as const) {
      const text = textOf(pdf, 'receipt-void', undefined, mode);
      // The large slanted mark is drawn as shapes: the text holds the upright stamp only, and nothing of the
      // large mark gets between the words it crosses.
      expect(text.split('ĐÃ HỦY')).toHaveLength(2);
      expect(text).toContain('Đã hủy: Hủy ngày 20/03/2025: ghi nhầm số tiền (người hủy: Trần Thị Lan)');
      expect(text).toContain('(Viết bằng chữ): Năm mươi lăm tỷ năm trăm triệu đồng.');
      expect(text).not.toContain('BẢN SAO');
    }
    const layout = textOf(pdf, 'receipt-void', undefined, 'layout');
    expect(layout).toContain('THỦ TRƯỞNG ĐƠN VỊ KẾ TOÁN TRƯỞNG NGƯỜI NỘP TIỀN NGƯỜI LẬP PHIẾU THỦ QUỸ');
  });

  describe('payment voucher (C41-BB)', () => {
    it('prints PHIẾU CHI, C41-BB, the payee and no QR code', async () => {
      const pdf = await documents.renderVoucher(paymentView());
      const text = textOf(pdf, 'payment');
      for (const expected of [
        'PHIẾU CHI',
        'Mẫu số C41-BB',
        'PC-2025-000007',
        'Họ và tên người nhận tiền: Bà Hoàng Thị Xuân (Mẹ Việt Nam Anh hùng)',
        'Lý do chi: Hỗ trợ xây mới nhà ở',
        'Nợ: 6111',
        'Có: 111',
        '60.000.000 đ',
        'Sáu mươi triệu đồng',
        'NGƯỜI NHẬN TIỀN',
      ]) {
        expect(text).toContain(expected);
      }
      for (const signature of paymentText.signatures) expect(text).toContain(signature.title);
      expect(text).not.toContain('PHIẾU THU');
      expect(text).not.toContain('C40-BB');
      expect(text).not.toContain(receiptText.qrCaption);
      expect(pdfOverlaps(keep(pdf, 'payment'))).toEqual([]);
    });
  });

  describe('annex (Bảng kê)', () => {
    const annex = annexOf(300);
    let pdf: Buffer;

    beforeAll(async () => {
      pdf = await documents.renderVoucher(receiptView({ annex, amount: '67425000' }));
    });

    it('continues over as many pages as the names need, with page numbers', () => {
      const pages = pdfPageCount(pdf);
      expect(pages).toBeGreaterThan(3);
      expect(textOf(pdf, 'receipt-annex', 1)).toContain(`Trang 1/${pages}`);
      expect(textOf(pdf, 'receipt-annex', pages)).toContain(`Trang ${pages}/${pages}`);
    });

    it('lists every name once, under a title naming the receipt, with a total', () => {
      const text = textOf(pdf, 'receipt-annex');
      const page2 = textOf(pdf, 'receipt-annex', 2);
      expect(page2).toContain(fill(receiptText.annexTitle, { number: 'PT-2025-000042' }));
      for (const column of Object.values(receiptText.annexColumns)) expect(page2).toContain(column);
      expect(page2).toContain('Nguyễn Thị Hường 1');
      for (const item of annex) expect(text).toContain(`${item.name} `);
      // 300 rows cycling 150.000 … 300.000 đ: 43 full cycles of 1.575.000 đ, then 150.000 đ.
      expect(Money.sum(annex.map((item) => Money.parse(item.amount))).format()).toBe('67.425.000 đ');
      expect(text).toContain('Tổng cộng 67.425.000 đ');
    });

    it('stamps every page of a copy or a void, annex included', async () => {
      const copy = await documents.renderVoucher(receiptView({ annex: annex.slice(0, 30), mark: 'copy' }));
      expect(textOf(copy, 'receipt-annex-copy', 2)).toContain('BẢN SAO');
      const voided = await documents.renderVoucher(receiptView({ annex: annex.slice(0, 30), mark: 'void' }));
      expect(textOf(voided, 'receipt-annex-void', 2)).toContain('ĐÃ HỦY');
    });

    it('lays out the annex without overlaps', () => {
      expect(pdfOverlaps(keep(pdf, 'receipt-annex'))).toEqual([]);
    });
  });

  describe('long texts and large amounts', () => {
    it('wraps a long donor name and address, and prints 10^15 đồng', async () => {
      const partyName =
        'Tổng Công ty Cổ phần Đầu tư Xây dựng và Phát triển Hạ tầng Giao thông Vận tải Miền núi phía Bắc ' +
        'Việt Nam — Chi nhánh Lào Cai (thay mặt toàn thể cán bộ, công nhân viên và người lao động)';
      const partyAddress =
        'Tầng 12, Tòa nhà Trung tâm Thương mại Cốc Lếu, số 288 đường Hoàng Liên, tổ dân phố số 14, ' +
        'phường Cốc Lếu, thành phố Lào Cai, tỉnh Lào Cai, Việt Nam';
      const view = receiptView({
        partyName,
        partyAddress,
        onBehalfOf: null,
        amount: '1000000000000000',
        mark: 'copy',
      });
      const pdf = await documents.renderVoucher(view);
      const text = textOf(pdf, 'receipt-long');
      // With 3 cm to sign and seal, an A5 form this full carries its signatures over to a second page.
      expect(pdfPageCount(pdf)).toBeLessThanOrEqual(2);
      expect(text).toContain(partyName);
      expect(text).toContain(partyAddress);
      expect(text).toContain('1.000.000.000.000.000 đ');
      expect(text).toContain('Một triệu tỷ đồng');
      const unstamped = await documents.renderVoucher({ ...view, mark: 'original' });
      expect(pdfOverlaps(keep(unstamped, 'receipt-long-original'))).toEqual([]);
    });

    it('wraps the longest amount in words under its label', async () => {
      const pdf = await documents.renderVoucher(receiptView({ amount: '999999999999999' }));
      const text = textOf(pdf, 'receipt-longest-words');
      expect(text).toContain('999.999.999.999.999 đ');
      expect(text).toContain(`${amountInWords('999999999999999')}.`);
      expect(pdfOverlaps(keep(pdf, 'receipt-longest-words'))).toEqual([]);
    });

    it('moves what does not fit on the first page to the next, never over the margin', async () => {
      const notes = Array.from(
        { length: 20 },
        (_, index) => `Ghi chú số ${index + 1}: ${'nội dung dài '.repeat(12)}`,
      );
      const pdf = await documents.renderVoucher(receiptView({ notes }));
      const runs = pdfRuns(keep(pdf, 'receipt-overflow'));
      expect(Math.max(...runs.map((run) => run.page))).toBeGreaterThan(1);
      expect(pdfOverlaps(pdf)).toEqual([]);
      const text = textOf(pdf, 'receipt-overflow');
      expect(text).toContain('Ghi chú số 20');
      expect(text).toContain('THỦ QUỸ');
    });
  });

  describe('donor statement (thư cảm ơn)', () => {
    let pdf: Buffer;
    let text: string;
    const statementText = donorStatementText();

    beforeAll(async () => {
      pdf = await documents.renderDonorStatement(statementView());
      text = textOf(pdf, 'donor-statement');
    });

    it('is an A4 letter of thanks to the donor for the year', () => {
      const { pageSizes } = pdfInfo(pdf);
      expect(pageSizes).toEqual([{ width: 595.28, height: 841.89 }]); // A4
      for (const expected of [
        'THƯ CẢM ƠN',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'Lào Cai, ngày 31 tháng 12 năm 2024',
        'Số: TC-2024-000031',
        'Kính gửi: Ông/Bà Nguyễn Văn Thưởng',
        'Tổ 5, phường Bắc Cường',
        'Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai trân trọng cảm ơn Ông/Bà Nguyễn Văn Thưởng',
        'sức khỏe',
        'TM. BAN QUẢN LÝ QUỸ',
      ]) {
        expect(text).toContain(expected);
      }
    });

    it('lists each receipt, marks the void one and leaves it out of the total', () => {
      for (const receipt of statementView().receipts) expect(text).toContain(receipt.number);
      expect(text).toContain('02/07/2024');
      expect(text).toContain('Xây nhà tình nghĩa');
      expect(text).toContain(statementText.voidedNote);
      expect(text).toContain('Tổng cộng 17.500.000 đ');
      expect(text).toContain('Mười bảy triệu năm trăm nghìn đồng');
      expect(pdfOverlaps(keep(pdf, 'donor-statement'))).toEqual([]);
    });

    it('refuses a total that is not the sum of the receipts that are not void', async () => {
      await expect(documents.renderDonorStatement(statementView({ total: '27500000' }))).rejects.toThrow(
        DocumentViewError,
      );
    });

    it('says so when the year has no receipt', async () => {
      const empty = await documents.renderDonorStatement(statementView({ receipts: [], total: '0' }));
      const emptyText = textOf(empty, 'donor-statement-empty');
      expect(emptyText).toContain(fill(statementText.noReceipts, { year: 2024 }));
      expect(emptyText).toContain('Không đồng');
    });

    it('continues a long list on further pages', async () => {
      const receipts = Array.from({ length: 120 }, (_, index) => ({
        number: `PT-2024-${String(index + 1).padStart(6, '0')}`,
        date: '2024-06-01',
        amount: '1000000',
        purpose: index % 3 === 0 ? 'Hỗ trợ sửa chữa nhà ở cho gia đình người có công với cách mạng' : null,
        voided: false,
      }));
      const long = await documents.renderDonorStatement(statementView({ receipts, total: '120000000' }));
      expect(pdfPageCount(long)).toBeGreaterThan(2);
      const longText = textOf(long, 'donor-statement-long');
      expect(longText).toContain('PT-2024-000120');
      expect(longText).toContain('Một trăm hai mươi triệu đồng');
      expect(pdfOverlaps(keep(long, 'donor-statement-long'))).toEqual([]);
    });
  });

  describe('determinism', () => {
    it('renders the same view model to the same bytes', async () => {
      const views: VoucherView[] = [
        receiptView(),
        receiptView({ mark: 'void', voidNote: 'Hủy ngày 20/03/2025', annex: annexOf(40) }),
        paymentView({ mark: 'copy' }),
      ];
      for (const view of views) {
        const first = await documents.renderVoucher(view);
        const second = await documents.renderVoucher(structuredClone(view));
        expect(first.equals(second)).toBe(true);
      }
      const statement = await documents.renderDonorStatement(statementView());
      expect(statement.equals(await documents.renderDonorStatement(statementView()))).toBe(true);
    });

    it('renders the same bytes when documents are rendered concurrently', async () => {
      const views = [receiptView(), paymentView(), receiptView({ annex: annexOf(60) })];
      const alone = await Promise.all(views.map((view) => documents.renderVoucher(view)));
      const together = await Promise.all([...views, ...views].map((view) => documents.renderVoucher(view)));
      together.forEach((pdf, index) => expect(pdf.equals(alone[index % views.length])).toBe(true));
    });

    it('takes its creation date and /ID from issuedAt, not from the clock', async () => {
      const pdf = await documents.renderVoucher(receiptView());
      expect(pdfInfo(pdf).creationDate).toBe('2025-03-15T09:30:00Z');
      expect(pdfInfo(pdf).modDate).toBe('2025-03-15T09:30:00Z');
      const later = await documents.renderVoucher(receiptView({ issuedAt: '2025-03-16T09:30:00Z' }));
      const id = (bytes: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(bytes.toString('latin1'))?.[1];
      expect(id(pdf)).toMatch(/^[0-9a-f]{32}$/);
      expect(id(later)).not.toBe(id(pdf));
    });
  });

  describe('fonts', () => {
    it('reads the font files once per process', async () => {
      await documents.renderVoucher(receiptView());
      const read = jest.spyOn(fsForSpy, 'readFileSync');
      try {
        await documents.renderVoucher(receiptView());
        await documents.renderDonorStatement(statementView());
        const fontReads = read.mock.calls.filter(([file]) => String(file).startsWith(FONTS_DIR));
        expect(fontReads).toEqual([]);
      } finally {
        read.mockRestore();
      }
    });

    it('reuses fonts parsed once, and writes the same bytes as registering the font files would', async () => {
      expect(fontCacheMode()).toBe('parsed-once');
      const render = (setup: (doc: PDFKit.PDFDocument) => void) =>
        new Promise<Buffer>((resolve) => {
          const doc = new PDFDocument({ size: 'A5', info: { CreationDate: new Date(0) } });
          const chunks: Buffer[] = [];
          doc.on('data', (chunk: Buffer) => chunks.push(chunk));
          doc.on('end', () => resolve(Buffer.concat(chunks)));
          setup(doc);
          doc.font(fontName('regular')).text('Quỹ Đền ơn đáp nghĩa: Năm mươi lăm tỷ năm trăm triệu đồng');
          doc.font(fontName('bold')).text('PHIẾU THU — Người nộp tiền: Nguyễn Thị Hường');
          doc.font(fontName('italic')).text('(Ký, họ tên, đóng dấu)');
          doc.end();
        });
      // Prime the shared fonts with other documents first: what they printed must not leak into this one.
      // "Ð" (U+00D0) shares its glyph with "Đ" (U+0110), and accented capitals are built from components.
      await documents.renderVoucher(receiptView({ annex: annexOf(30) }));
      await documents.renderDonorStatement(statementView({ donorName: 'Ðinh Ẩn Ỷ Ỗ ẳ ẵ ặ ậ ệ ộ ợ ự ỵ' }));
      const parsedOnce = await render((doc) => installFonts(doc)());
      const fromFiles = await render((doc) => {
        for (const [face, bytes] of loadFontBytes()) doc.registerFont(fontName(face), bytes);
      });
      expect(parsedOnce.equals(fromFiles)).toBe(true);
    });
  });

  describe('view model checks', () => {
    it.each<[string, Partial<VoucherView>]>([
      ['a fractional amount', { amount: '1000.5' }],
      ['a negative amount', { amount: '-5' }],
      ['a date that does not exist', { date: '2025-02-30' }],
      ['an issuedAt without a zone', { issuedAt: '2025-03-15T09:30:00' }],
      ['a blank party name', { partyName: '  ' }],
      ['too many notes', { notes: Array.from({ length: 21 }, () => 'x') }],
    ])('refuses %s', async (_label, overrides) => {
      await expect(documents.renderVoucher(receiptView(overrides))).rejects.toThrow(DocumentViewError);
    });
  });

  describe('layout text templates', () => {
    it('loads every template and fills its placeholders', () => {
      expect(receiptText.formCode).toBe('Mẫu số C40-BB');
      expect(paymentText.formCode).toBe('Mẫu số C41-BB');
      expect(donorStatementText().title).toBe('THƯ CẢM ƠN');
      expect(fill(receiptText.dateLine, { day: '15', month: '03', year: '2025' })).toBe(
        'Ngày 15 tháng 03 năm 2025',
      );
      expect(() => fill('Trang {page}/{pages}', { page: 1 })).toThrow(TemplateError);
    });
  });
});
