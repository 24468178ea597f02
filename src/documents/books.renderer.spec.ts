import {
  bytesOf,
  bankBookHead,
  bankBookRows,
  cashBookHead as cashHead,
  cashBookRows as cashRows,
  generalLedgerHead,
  generalLedgerRows,
  journalHead,
  journalRows,
  streamOf as stream,
  keepSample as keep,
} from '../../test/support/document-views';
import { pdfOverlaps, pdfPages } from '../../test/support/pdf';
import { BookPdfWriter } from './book-pdf.writer';
import { LedgerBookRow, booksText, ledgerTable, renderJournalBook, renderLedgerBook } from './books.renderer';

// Read back with pdf.js (test/support/pdf.ts). DOCS_SAMPLES_DIR keeps the files, to look at them:
// DOCS_SAMPLES_DIR=/tmp/books npx jest --selectProjects unit books.renderer
/** Each page's text in reading order, as `pdftotext -layout` lays it out; blank pages left out. */
function pagesOf(pdf: Buffer, name: string): string[] {
  return pdfPages(keep(pdf, name)).filter((page) => page.trim() !== '');
}

/** Pairs of text runs that overlap on a page (what a reader would see as text drawn over text). */
function overlaps(pdf: Buffer, name: string): string[] {
  return pdfOverlaps(keep(pdf, name));
}

describe('books renderer', () => {
  it('reads its wording from templates/documents/books.vi.json', () => {
    const text = booksText();
    expect(text.books.general.title).toBe('SỔ CÁI');
    expect(text.books.cash.title).toBe('SỔ QUỸ TIỀN MẶT');
    expect(text.books.bank.title).toBe('SỔ TIỀN GỬI NGÂN HÀNG, KHO BẠC');
    expect(text.books.journal.title).toBe('SỔ NHẬT KÝ CHUNG');
  });

  describe('a long cash book as PDF', () => {
    let pdf: Buffer;
    let pages: string[];

    beforeAll(async () => {
      pdf = await bytesOf(renderLedgerBook(cashHead, stream(cashRows(120)), 'pdf').stream);
      pages = pagesOf(pdf, 'cash-book');
    });

    it('breaks over pages, each with the table header, its number and the carried totals', () => {
      expect(pages.length).toBeGreaterThanOrEqual(3);
      pages.forEach((page, index) => {
        expect(page).toContain('Số phiếu thu');
        expect(page).toContain(`Trang ${index + 1}`);
        if (index > 0) {
          expect(page).toContain('SỔ QUỸ TIỀN MẶT – Quỹ Đền ơn đáp nghĩa tỉnh Lào Cai');
          expect(page).toContain('Số trang trước chuyển sang');
        }
        if (index < pages.length - 1) expect(page).toContain('Cộng chuyển sang trang sau');
      });
      expect(pages[0]).toContain('Từ ngày 01/03/2023 đến ngày 30/04/2023');
      const last = pages[pages.length - 1];
      expect(last).toContain(`Sổ này có ${String(pages.length).padStart(2, '0')} trang`);
      expect(last).toContain('Ngày mở sổ: 01/03/2023');
      // 5.000.000 + 120 × 100.000 + (0 + … + 119)
      expect(last).toContain('17.007.140');
    });

    it('carries forward exactly what the next page brings forward', () => {
      for (let index = 0; index < pages.length - 1; index++) {
        const out = /Cộng chuyển sang trang sau\s+([\d.]+)\s+([\d.]+)/.exec(pages[index]);
        const into = /Số trang trước chuyển sang\s+([\d.]+)\s+([\d.]+)/.exec(pages[index + 1]);
        expect(out).not.toBeNull();
        expect(into?.slice(1)).toEqual(out?.slice(1));
      }
    });

    it('draws no text over other text', () => {
      expect(overlaps(pdf, 'cash-book')).toEqual([]);
    });

    it('gives the same bytes for the same book', async () => {
      const again = await bytesOf(renderLedgerBook(cashHead, stream(cashRows(120)), 'pdf').stream);
      expect(again.equals(pdf)).toBe(true);
    });
  });

  it('prints a general ledger with the balance as Số dư Nợ or Số dư Có', async () => {
    const pdf = await bytesOf(renderLedgerBook(generalLedgerHead, stream(generalLedgerRows()), 'pdf').stream);
    const [page] = pagesOf(pdf, 'general-ledger');
    for (const expected of [
      'SỔ CÁI',
      'Tài khoản: 5111 – Thu đóng góp của cơ quan, đơn vị',
      'Số dư Nợ',
      'Số dư Có',
    ]) {
      expect(page).toContain(expected);
    }
    // A credit balance shows, unsigned, under Số dư Có; the total carries no balance.
    expect(page).toMatch(/Số dư cuối kỳ\s+55\.000\.000\.000/);
    expect(page).toMatch(/Cộng phát sinh trong kỳ\s+500\.000\.000\s+55\.500\.000\.000\s*\n/);
    expect(page).not.toContain('-55');
    expect(overlaps(pdf, 'general-ledger')).toEqual([]);
  });

  it('prints the document date beside the posting date, and the form code with the circular of the book’s date', async () => {
    const pdf = await bytesOf(renderLedgerBook(generalLedgerHead, stream(generalLedgerRows()), 'pdf').stream);
    const [page] = pagesOf(pdf, 'general-ledger');
    // The header cells wrap: "Ngày ghi / sổ" beside "Ngày / chứng từ".
    expect(page).toMatch(/Ngày ghi Ngày Số bút Số chứng từ Diễn giải/);
    expect(page).toMatch(/\nsổ chứng từ toán\n/);
    expect(page).toContain('Mẫu số S04-H');
    expect(page).toContain('Thông tư số 107/2017/TT-BTC');
    // The reversal is booked on 20/01 under the gift's receipt, which is dated 05/01.
    expect(page).toMatch(/20\/01\/2023\s+05\/01\/2023\s+2\s+PT-2023-000001/);

    const csv = (
      await bytesOf(renderLedgerBook(generalLedgerHead, stream(generalLedgerRows()), 'csv').stream)
    ).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFNgày ghi sổ,Ngày chứng từ,Số bút toán,Số chứng từ,Diễn giải,TK đối ứng,Nợ,Có,Số dư Nợ,Số dư Có',
    );
    expect(csv).toContain(
      '2023-01-20,2023-01-05,2,PT-2023-000001,Đảo bút toán số 1: ghi trùng,111,500000000,,',
    );

    // A book of 2025 is dated after Circular 24/2024 took effect.
    const later = { ...bankBookHead, from: '2025-07-01', to: '2025-07-31' };
    const [bank] = pagesOf(
      await bytesOf(renderLedgerBook(later, stream(bankBookRows()), 'pdf').stream),
      'bank',
    );
    expect(bank).toContain('Mẫu số S12-H');
    expect(bank).toContain('Thông tư số 24/2024/TT-BTC');
    expect(bank).not.toContain('107/2017');
  });

  it("keeps pdfkit's word layout cache small over a long book", () => {
    const writer = new BookPdfWriter(ledgerTable(cashHead));
    let largest = 0;
    for (const row of cashRows(1200)) {
      if (row.kind !== 'line') continue;
      writer.add({
        rows: [
          {
            cells: [
              row.date,
              row.documentDate,
              String(row.number),
              row.receiptNo,
              null,
              row.description,
              '5114',
              row.debit,
              null,
              row.balance,
            ],
          },
        ],
      });
      largest = Math.max(largest, writer.layoutCacheSize());
      for (const chunk of writer.drain()) expect(chunk.length).toBeGreaterThan(0);
    }
    // 1.200 lines of distinct numbers, amounts and balances: unbounded, the cache would pass 9.000 words; emptied
    // every ten pages it stays near ten pages' worth.
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(3000);
  });

  it('splits an entry too long for a page, and keeps a short one whole', async () => {
    const pdf = await bytesOf(renderJournalBook(journalHead, stream(journalRows()), 'pdf').stream);
    const pages = pagesOf(pdf, 'journal');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]).toContain('SỔ NHẬT KÝ CHUNG');
    // The last page of entries (the signatures, with room for a seal, may follow on a page of their own).
    const last = pages.filter((page) => page.includes('Chi thăm hỏi')).pop() ?? '';
    expect(last).toContain('Chi thăm hỏi');
    expect(last).toContain('24.500.000');
    expect(overlaps(pdf, 'journal')).toEqual([]);
  });

  it('refuses a row its columns cannot print, failing the stream', async () => {
    function* rows(): Generator<LedgerBookRow> {
      yield { kind: 'opening', balance: '1.5' };
    }
    await expect(bytesOf(renderLedgerBook(cashHead, stream(rows()), 'csv').stream)).rejects.toThrow(
      'Tồn must be whole đồng in digits, got "1.5"',
    );
  });

  it('defuses text that a spreadsheet would take for a formula, in CSV', async () => {
    function* rows(): Generator<LedgerBookRow> {
      yield { kind: 'opening', balance: '0' };
      yield {
        kind: 'line',
        date: '2023-03-01',
        documentDate: '2023-03-01',
        number: 1,
        reference: null,
        receiptNo: null,
        paymentNo: null,
        description: '=HYPERLINK("http://x","y")',
        counterAccounts: ['5118'],
        debit: '10',
        credit: '0',
        balance: '10',
        periodDebit: '10',
        periodCredit: '0',
      };
    }
    const csv = (await bytesOf(renderLedgerBook(cashHead, stream(rows()), 'csv').stream)).toString('utf8');
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"",""y"")",5118,10,,10\r\n`);
  });
});
