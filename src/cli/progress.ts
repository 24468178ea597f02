import type { ImportProgress } from '../imports/import-run';

const BAR_WIDTH = 30;
const REDRAW_EVERY_MS = 100;

/**
 * A one-line progress bar on a terminal (stderr). While validating, the share is of the file's bytes read (the
 * row count is not known yet); while posting or writing, of the rows.
 */
export class ProgressBar {
  private last: ImportProgress | null = null;
  private lastDrawMs = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  readonly update = (progress: ImportProgress): void => {
    const previous = this.last;
    this.last = progress;
    if (previous !== null && previous.phase !== progress.phase) {
      this.draw(previous);
      this.out.write('\n');
    } else if (Date.now() - this.lastDrawMs < REDRAW_EVERY_MS) {
      return;
    }
    this.draw(progress);
  };

  /** Draws the last state and ends the line, so what follows starts on a new one. */
  done(): void {
    if (this.last === null) return;
    this.draw(this.last);
    this.out.write('\n');
    this.last = null;
  }

  private draw(progress: ImportProgress): void {
    this.lastDrawMs = Date.now();
    const [done, total] =
      progress.phase !== 'validating' && progress.rowsTotal !== null
        ? [progress.rows, progress.rowsTotal]
        : [progress.bytesRead, progress.bytesTotal];
    const share = total === 0 ? 1 : Math.min(done / total, 1);
    const filled = Math.round(share * BAR_WIDTH);
    const label = progress.phase.padEnd(10);
    const percent = String(Math.floor(share * 100)).padStart(3);
    const rows = progress.rows.toLocaleString('en-US');
    this.out.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}%  ${rows} rows`,
    );
  }
}
