import { PageSetup, PdfCanvas, TextStyle } from './pdf-canvas';
import { drawTable, TableColumn } from './pdf-table';
import { issuedAtDate } from './view-format';

/**
 * The printable public disclosure (niêm yết công khai, issue 14) on A4 portrait: the fund, the year, the chain
 * head the figures were computed from, then one table per section. The view is already public: its figures
 * passed small-cell suppression in the disclosure service, and it holds no household's name, ID or amount.
 * Rendering is pure: the same view gives the same bytes.
 */
export interface DisclosureDocumentView {
  unitName: string;
  fundName: string;
  title: string;
  period: string;
  /** "Sổ đến bút toán số … — mã chuỗi …": what a reader can check against the books. */
  chainLine: string;
  sections: { heading: string; columns: TableColumn[]; rows: { cells: string[]; bold?: boolean }[] }[];
  notes: string[];
  /** Fixes the PDF's creation date. */
  issuedAt: string;
}

const PAGE: PageSetup = {
  size: 'A4',
  layout: 'portrait',
  margins: { top: 42, bottom: 48, left: 50, right: 42 },
};

const STYLE: Record<string, TextStyle> = {
  unit: { size: 10, face: 'bold' },
  title: { size: 14, face: 'bold', align: 'center' },
  period: { size: 10.5, face: 'italic', align: 'center' },
  chain: { size: 8, align: 'center' },
  heading: { size: 11, face: 'bold' },
  table: { size: 9.5 },
  note: { size: 8.5, face: 'italic' },
};

export function renderDisclosure(view: DisclosureDocumentView): Promise<Buffer> {
  return PdfCanvas.render(
    PAGE,
    { title: view.title, author: view.fundName, issuedAt: issuedAtDate(view.issuedAt) },
    (canvas) => {
      canvas.paragraph(view.unitName, STYLE.unit);
      canvas.paragraph(view.fundName, STYLE.unit, 14);
      canvas.paragraph(view.title, STYLE.title, 4);
      canvas.paragraph(view.period, STYLE.period, 4);
      canvas.paragraph(view.chainLine, STYLE.chain, 12);
      for (const section of view.sections) {
        canvas.ensureSpace(60);
        canvas.paragraph(section.heading, STYLE.heading, 4);
        drawTable(
          canvas,
          section.columns,
          section.rows.map((r) => ({ cells: r.cells, face: r.bold ? 'bold' : undefined })),
          STYLE.table,
        );
        canvas.y += 10;
      }
      for (const note of view.notes) canvas.paragraph(note, STYLE.note, 3);
    },
  );
}
