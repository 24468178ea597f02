import { DocumentSample, documentSamples, keepSample } from '../../test/support/document-views';
import { PdfRun, pdfRuns, pdfText } from '../../test/support/pdf';

/**
 * Every document kind, rendered from fixed view models, against the text and layout stored beside this file
 * (__snapshots__/rendered-documents.spec.ts.snap). A refactor of the PDF layer (pdf-canvas.ts, pdf-table.ts,
 * document-blocks.ts) or of a renderer must leave both as they are; a change meant to alter a document shows
 * here as a diff to review, then to accept with
 * `npx jest --selectProjects unit -u -- src/documents/rendered-documents`.
 *
 * `text` is what a reader sees, in reading order; `layout` places every run of text on its page (page, baseline
 * and left edge in whole points), so a block that moves, even with the same words, fails too.
 */

/**
 * Each line of text, top to bottom, with its page, baseline and the left edge of each run on it: where things
 * stand, whatever order they were drawn in.
 */
function layoutOf(runs: PdfRun[]): string {
  const lines = new Map<string, { page: number; y: number; runs: PdfRun[] }>();
  for (const run of runs) {
    const y = Math.round(run.baseline);
    const key = `p${run.page} y${y}`;
    const line = lines.get(key) ?? { page: run.page, y, runs: [] };
    line.runs.push(run);
    lines.set(key, line);
  }
  return [...lines.entries()]
    .sort(([, a], [, b]) => a.page - b.page || a.y - b.y)
    .map(([key, line]) => {
      const cells = line.runs
        .sort((a, b) => a.xMin - b.xMin)
        .map((run) => `x${Math.round(run.xMin)} ${run.text.trim()}`);
      return `${key} | ${cells.join(' | ')}`;
    })
    .join('\n');
}

describe('rendered documents', () => {
  const samples = documentSamples();

  it('covers every document kind', () => {
    expect(samples.map((sample) => sample.name)).toEqual([
      'receipt',
      'receipt-2023',
      'receipt-copy',
      'receipt-void',
      'receipt-annex',
      'payment-voucher',
      'payment-voucher-void',
      'bank-acknowledgement',
      'payment-order',
      'donor-letter',
      'donor-letter-agency',
      'statement-consolidated',
      'statement-own',
      'book-cash',
      'book-general',
      'book-bank',
      'book-journal',
    ]);
  });

  describe.each(samples.map((sample): [string, DocumentSample] => [sample.name, sample]))(
    '%s',
    (_name, sample) => {
      let pdf: Buffer;

      beforeAll(async () => {
        pdf = keepSample(await sample.render(), sample.name);
      });

      it('renders the same bytes every time', async () => {
        expect((await sample.render()).equals(pdf)).toBe(true);
      });

      it('prints the stored text', () => {
        expect(pdfText(pdf)).toMatchSnapshot();
      });

      it('places the text where it was', () => {
        expect(layoutOf(pdfRuns(pdf))).toMatchSnapshot();
      });
    },
  );
});
