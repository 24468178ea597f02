import { Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import type { Actor } from '../common/actor';
import { BundleManifest, writeBundle } from './bundle';
import { ExportSourceService } from './export-source.service';
import type { ChainHeadView, ExportFormat, ExportParameters, ExportPlan } from './export.types';
import { FORMATS } from './formats';
import { writeInFundOrder } from './formats/fund-order';
import { PlainTextJournalWriter } from './formats/hledger';
import { TextJournalWriter } from './formats/journal-writer';

export type ExportProgress = (entries: number, total: number) => void;

/** The auditor exports: the journal in one format, or the audit bundle of all of them. */
@Injectable()
export class ExportsService {
  constructor(private readonly source: ExportSourceService) {}

  /** The snapshot an export runs on; checks the parameters and the actor's funds (400, 403, 404). */
  plan(actor: Actor, parameters: ExportParameters, what: string): Promise<ExportPlan> {
    return this.source.plan(actor, parameters, `export ${what}`);
  }

  /**
   * Streams the journal into `out` and ends it. On failure `out` is destroyed, so that a reader never takes a
   * truncated file for a whole one. A text format of several funds reads the journal once in id order and puts
   * the funds in order through temporary files (reading fund by fund would read the whole table once per fund);
   * the spreadsheet, which shows donors and payees, and a single fund read fund by fund. On an SQLite file the
   * hledger text is made by SQLite (formats/hledger-sql.ts), the same bytes.
   */
  async writeJournal(
    plan: ExportPlan,
    format: ExportFormat,
    out: Writable,
    onProgress?: ExportProgress,
  ): Promise<void> {
    const { writer: writerOf, parties } = FORMATS[format];
    const writer = writerOf(plan, out);
    try {
      await writer.begin();
      let done = 0;
      const progress = (entries: number) => {
        done += entries;
        onProgress?.(done, plan.entryCount);
      };
      const inOnePass =
        writer instanceof TextJournalWriter &&
        plan.funds.length > 1 &&
        (await writeInFundOrder(
          writer,
          plan,
          writer instanceof PlainTextJournalWriter
            ? this.source.hledgerPagesById(plan)
            : this.source.pagesById(plan),
          progress,
        ));
      if (!inOnePass) {
        done = 0;
        for await (const page of this.source.pages(plan, { parties })) {
          await writer.write(page);
          progress(page.length);
        }
      }
      await writer.finish();
    } catch (error) {
      out.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /** Streams the audit bundle (a zip) into `out`. */
  writeBundle(plan: ExportPlan, out: Writable, onProgress?: ExportProgress): Promise<BundleManifest> {
    return writeBundle(plan, this.source.pages(plan), out, onProgress);
  }

  /**
   * Compares a bundle's chain head with the books: recomputed from the journal up to the entry it ends at (over the
   * bundle's funds when it was scoped to them), it must be the same, with the same number of entries. Each entry's
   * hash covers every earlier entry of its fund, so together with `verify` (which recomputes the chains) this
   * proves the books up to that entry are the ones the bundle was made from, even against someone who rewrote
   * whole chains and the funds' heads. Returns the problems; none when it holds.
   */
  checkChainHead(head: ChainHeadView, fundCodes: readonly string[]): Promise<string[]> {
    return this.source.checkChainHead(head, fundCodes);
  }

  /** `journal-LC-2023-01-01-2023-12-31.hledger`, `audit-bundle-LC-start-2023-12-31.zip`. */
  fileName(plan: ExportPlan, stem: string, extension: string): string {
    const fund =
      plan.parameters.fund === null
        ? 'all'
        : `${plan.parameters.fund}${plan.parameters.consolidated ? '-group' : ''}`;
    return `${stem}-${fund}-${plan.from ?? 'start'}-${plan.to}.${extension}`;
  }
}
