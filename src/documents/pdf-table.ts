import { COLORS, PdfCanvas, TextStyle } from './pdf-canvas';

/**
 * Tables on a PdfCanvas: a shaded header row, cells wrapped in their columns, a rule under every row, and the
 * column rules drawn once for each run of rows (from where the table starts on the page to its last row), broken
 * only where a row merges cells. PdfTable draws row by row, for a layout that decides its own page breaks (the
 * books, streamed); drawTable() draws a whole table, repeating the header on every page it continues on.
 */

export interface TableColumn {
  header: string;
  width: number;
  align?: 'left' | 'center' | 'right';
}

export interface TableRow {
  cells: string[];
  face?: TextStyle['face'];
  color?: string;
  /** Merges this many leading columns into one cell, e.g. a "Tổng cộng" label; `cells` then has one
   * entry for the merged cell followed by one per remaining column. */
  mergeFirst?: number;
  /** Keeps this row on the same page as the next one (e.g. the last row before a total). */
  keepWithNext?: boolean;
}

interface PlacedCell {
  text: string;
  x: number;
  width: number;
  align: TableColumn['align'];
}

const PAD_X = 3;
const PAD_Y = 2.5;

export class PdfTable {
  /** The x of every column edge, from the table's left to its right. */
  private readonly edges: number[];
  /** Where the rule of each edge started on this page, or null where no rule runs. */
  private readonly rules: (number | null)[];
  /** Whether the table has drawn its top rule on this page. */
  private open = false;

  constructor(
    private readonly canvas: PdfCanvas,
    private readonly columns: TableColumn[],
    private readonly style: TextStyle,
  ) {
    this.edges = [canvas.left];
    for (const column of columns) this.edges.push(this.edges[this.edges.length - 1] + column.width);
    this.rules = this.edges.map(() => null);
  }

  get width(): number {
    return this.edges[this.edges.length - 1] - this.edges[0];
  }

  get headerRow(): TableRow {
    return { cells: this.columns.map((column) => column.header), face: 'bold' };
  }

  rowHeight(row: TableRow): number {
    const style = this.styleOf(row);
    const heights = this.cellsOf(row).map((cell) =>
      this.canvas.measure(cell.text, cell.width - 2 * PAD_X, style),
    );
    return Math.max(this.canvas.lineHeight(style), ...heights) + 2 * PAD_Y;
  }

  /** The header row, shaded, with its titles centred. */
  header(height = this.rowHeight(this.headerRow)): void {
    this.row(this.headerRow, height, true);
  }

  /** Draws a row at the cursor and moves the cursor below it. Pass `height` when it is already measured. */
  row(row: TableRow, height = this.rowHeight(row), isHeader = false): void {
    const { canvas } = this;
    const top = canvas.y;
    const left = this.edges[0];
    if (isHeader) canvas.box(left, top, this.width, height, COLORS.headerFill);
    if (!this.open) {
      canvas.line(left, top, left + this.width, top);
      this.open = true;
    }
    const cells = this.cellsOf(row);
    const style = this.styleOf(row);
    // An edge inside a merged cell has no rule beside this row.
    const merged = Math.max(1, row.mergeFirst ?? 1);
    this.edges.forEach((x, index) => {
      const ruled = index === 0 || index >= merged;
      const start = this.rules[index];
      if (ruled && start === null) this.rules[index] = top;
      if (!ruled && start !== null) {
        canvas.line(x, start, x, top);
        this.rules[index] = null;
      }
    });
    for (const cell of cells) {
      canvas.put(cell.text, cell.x + PAD_X, top + PAD_Y, cell.width - 2 * PAD_X, {
        ...style,
        align: isHeader ? 'center' : cell.align,
      });
    }
    canvas.y = top + height;
    canvas.line(left, canvas.y, left + this.width, canvas.y);
  }

  /** Draws the column rules down to the last row: call it before the page ends, and after the last row. */
  close(): void {
    this.edges.forEach((x, index) => {
      const start = this.rules[index];
      if (start !== null) this.canvas.line(x, start, x, this.canvas.y);
      this.rules[index] = null;
    });
    this.open = false;
  }

  private styleOf(row: TableRow): TextStyle {
    return { ...this.style, face: row.face ?? this.style.face, color: row.color ?? this.style.color };
  }

  private cellsOf(row: TableRow): PlacedCell[] {
    const merge = Math.max(1, row.mergeFirst ?? 1);
    const cells: PlacedCell[] = [
      {
        text: row.cells[0] ?? '',
        x: this.edges[0],
        width: this.edges[merge] - this.edges[0],
        align: merge > 1 ? 'center' : this.columns[0].align,
      },
    ];
    this.columns.slice(merge).forEach((column, index) => {
      cells.push({
        text: row.cells[1 + index] ?? '',
        x: this.edges[merge + index],
        width: column.width,
        align: column.align,
      });
    });
    return cells;
  }
}

/**
 * A whole table at the cursor. A row that does not fit goes to a new page, where `onNewPage` draws whatever
 * repeats above the table and the header row follows; a row marked keepWithNext goes along with the next one.
 */
export function drawTable(
  canvas: PdfCanvas,
  columns: TableColumn[],
  rows: TableRow[],
  style: TextStyle,
  onNewPage?: () => void,
): void {
  const table = new PdfTable(canvas, columns, style);
  const headerHeight = table.rowHeight(table.headerRow);
  const heights = rows.map((row) => table.rowHeight(row));
  if (canvas.ensureSpace(headerHeight + (heights[0] ?? 0))) onNewPage?.();
  table.header(headerHeight);
  rows.forEach((row, index) => {
    const next = row.keepWithNext ? (heights[index + 1] ?? 0) : 0;
    if (!canvas.fits(heights[index] + next)) {
      table.close();
      canvas.addPage();
      onNewPage?.();
      table.header(headerHeight);
    }
    table.row(row, heights[index]);
  });
  table.close();
}
