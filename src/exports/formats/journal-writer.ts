import type { Writable } from 'node:stream';
import type { ExportEntry, ExportPlan } from '../export.types';
import { end, write } from './output';

/** One export format: the head of the file, the entries page by page, then the end of the file. */
export interface JournalWriter {
  begin(): Promise<void>;
  write(entries: ExportEntry[]): Promise<void>;
  /** Writes what comes after the last entry, ends the output and waits until it is flushed. */
  finish(): Promise<void>;
}

/**
 * A text format built from three pieces of text. Each page of entries becomes one chunk, written with
 * backpressure: the next page is not read before the output has taken this one.
 */
export abstract class TextJournalWriter implements JournalWriter {
  constructor(
    protected readonly plan: ExportPlan,
    private readonly out: Writable,
  ) {}

  protected abstract header(): string;
  protected abstract entry(entry: ExportEntry): string;
  protected abstract footer(): string;

  begin(): Promise<void> {
    return write(this.out, this.header());
  }

  write(entries: ExportEntry[]): Promise<void> {
    return write(this.out, entries.map((e) => this.entry(e)).join(''));
  }

  /** One entry's text, for a caller that puts the entries in the file's order itself (writeInFundOrder). */
  text(entry: ExportEntry): string {
    return this.entry(entry);
  }

  /** Text already made (by `text`), written with backpressure. */
  writeText(chunk: string | Buffer): Promise<void> {
    return write(this.out, chunk);
  }

  async finish(): Promise<void> {
    await write(this.out, this.footer());
    await end(this.out);
  }
}
