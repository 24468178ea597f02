import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ExportEntry, ExportPlan } from '../export.types';
import type { TextPage } from './hledger-sql';
import type { TextJournalWriter } from './journal-writer';

/**
 * Text (UTF-16 code units) one fund holds in memory before it is appended to the temporary file, and all the
 * funds together. Small: whatever outlives a page outlives V8's young generation, and holding the text of a few
 * pages (4 MB) cost 1.6 of 5.4 s in the collector at 100,000 entries, against 0.4 s when each page's text is
 * appended at once. With a few funds every page appends each fund's text; with hundreds, a fund's few entries a
 * page wait for more.
 */
const FUND_BUFFER = 16 * 1024;
const TOTAL_BUFFER = 1024 * 1024;
/** Bytes of the temporary file read back at once, at most (a piece can be longer: a page's text of a fund). */
const MAX_PIECE = 1024 * 1024;
/** One fund's text so far: the pieces appended to the file, and the rest still in memory. */
interface FundText {
  pieces: { position: number; length: number }[];
  parts: string[];
  length: number;
  lastNumber: number;
}

/**
 * One temporary file that every fund's text is appended to, piece by piece. The writes are synchronous, as the
 * database reads are: awaiting each write (and opening a file per fund) left the export idle for a sixth of its
 * time, and letting writes run behind the reads kept megabytes of buffers alive, which cost more in collections.
 */
class SpillFile {
  private size = 0;

  constructor(private readonly handle: FileHandle) {}

  /** Appends the fund's text held in memory. */
  append(fund: FundText): void {
    const text = fund.parts.join('');
    fund.parts = [];
    fund.length = 0;
    const length = Buffer.byteLength(text);
    if (fs.writeSync(this.handle.fd, text, this.size, 'utf8') !== length)
      throw new Error('the export could not write its temporary file whole');
    this.added(fund, length);
  }

  /** Appends text already in bytes (made by SQLite), after what the fund holds in memory. */
  appendBytes(fund: FundText, bytes: Buffer): void {
    if (fund.length > 0) this.append(fund);
    if (fs.writeSync(this.handle.fd, bytes, 0, bytes.length, this.size) !== bytes.length)
      throw new Error('the export could not write its temporary file whole');
    this.added(fund, bytes.length);
  }

  private added(fund: FundText, length: number): void {
    const last = fund.pieces[fund.pieces.length - 1];
    // Pieces that follow each other in the file are read back as one, up to a size that memory holds easily.
    if (last && last.position + last.length === this.size && last.length + length <= MAX_PIECE)
      last.length += length;
    else fund.pieces.push({ position: this.size, length });
    this.size += length;
  }

  async read(piece: { position: number; length: number }): Promise<Buffer> {
    const bytes = Buffer.allocUnsafe(piece.length);
    const { bytesRead } = await this.handle.read(bytes, 0, piece.length, piece.position);
    if (bytesRead !== piece.length) throw new Error('the export lost part of its temporary file');
    return bytes;
  }
}

/**
 * Writes entries that come in id order (every fund's mixed, as they were posted) in the file's order: fund by
 * fund in the plan's order, each fund's in number order, byte for byte what writing `pages` fund by fund gives.
 * Each fund's text is appended, through a bounded buffer, to one temporary file (in os.tmpdir()), whose pieces
 * are then copied into the output in fund order. The file is removed whether the export succeeds or fails.
 *
 * A page may come as text already made, fund by fund (`TextPage`, hledger-sql.ts: each fund's entries of the page
 * in number order): it is appended as it is.
 *
 * Returns false, having written nothing, when a fund's entry numbers go backwards in id order (damaged books:
 * verify reports it), or a page's text of a fund starts at a number not above the fund's last: the caller then
 * reads fund by fund.
 */
export async function writeInFundOrder(
  writer: TextJournalWriter,
  plan: ExportPlan,
  pages: AsyncIterable<ExportEntry[] | TextPage>,
  onEntries: (count: number) => void,
): Promise<boolean> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'den-on-export-'));
  let handle: FileHandle | null = null;
  try {
    handle = await fs.promises.open(path.join(dir, 'funds.txt'), 'w+');
    const file = new SpillFile(handle);
    const funds = new Map<number, FundText>(
      plan.funds.map((f) => [f.id, { pieces: [], parts: [], length: 0, lastNumber: 0 }]),
    );
    let buffered = 0;
    for await (const page of pages) {
      if (!Array.isArray(page)) {
        for (const text of page.texts) {
          const fund = funds.get(text.fundId) as FundText;
          if (text.first <= fund.lastNumber) return false;
          fund.lastNumber = text.last;
          buffered -= fund.length;
          file.appendBytes(fund, text.bytes);
        }
        onEntries(page.entries);
        await nextTurn();
        continue;
      }
      const texts = new Map<FundText, string[]>();
      for (const entry of page) {
        const fund = funds.get(entry.fund.id) as FundText;
        if (entry.number <= fund.lastNumber) return false;
        fund.lastNumber = entry.number;
        const text = texts.get(fund);
        if (text) text.push(writer.text(entry));
        else texts.set(fund, [writer.text(entry)]);
      }
      // One string per fund and page: what waits for the next page is a few strings, not one per entry.
      for (const [fund, text] of texts) {
        const joined = text.join('');
        fund.parts.push(joined);
        fund.length += joined.length;
        buffered += joined.length;
      }
      for (const fund of funds.values()) {
        if (fund.length >= FUND_BUFFER || (buffered >= TOTAL_BUFFER && fund.length > 0)) {
          buffered -= fund.length;
          file.append(fund);
        }
      }
      onEntries(page.length);
      // The output waits until the end: the event loop gets a turn each page, so that a server answers other
      // requests meanwhile.
      await nextTurn();
    }
    for (const f of plan.funds) {
      const fund = funds.get(f.id) as FundText;
      for (const piece of fund.pieces) await writer.writeText(await file.read(piece));
      if (fund.length > 0) await writer.writeText(fund.parts.join(''));
    }
    return true;
  } finally {
    await handle?.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
