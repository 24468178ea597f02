import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yazl from 'yazl';
import type { ChainHeadView, ExportEntry, ExportFormat, ExportPlan } from './export.types';
import { FORMATS, JournalWriter } from './formats';
import { end, write } from './formats/output';

/** The journal files of a bundle, in the order they are zipped (after manifest.json). */
export const BUNDLE_JOURNALS: readonly (readonly [string, ExportFormat])[] = [
  ['journal.csv', 'csv'],
  ['journal.xlsx', 'xlsx'],
  ['journal.hledger', 'hledger'],
  ['journal.beancount', 'beancount'],
];
export const TRIAL_BALANCE_FILE = 'trial-balance.json';
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  generator: string;
  /** When the snapshot was taken (ISO 8601, UTC): the request time. */
  createdAt: string;
  parameters: { fund: string | null; from: string | null; to: string; consolidated: boolean };
  funds: string[];
  /** Entries in the journal files. */
  entries: number;
  /** The hash chain's head at the snapshot: the journal holds no entry after `lastEntryId`. */
  chainHead: ChainHeadView;
  /** What `chainHead` is: the whole chain's head, or (for a user limited to some funds) their funds' last entry. */
  chainHeadNote: string;
  files: ManifestFile[];
}

export function chainHeadNote(head: ChainHeadView): string {
  return head.scope === 'funds'
    ? 'chainHead is the head of the hash chains of the funds in this bundle (the exporting user is limited to ' +
        "some funds): SHA-256 over each fund's last entry number and hash, in fund-code order"
    : "chainHead is the head of the books when the bundle was made: SHA-256 over every fund's last entry number " +
        'and hash, in fund-code order (each fund has its own hash chain)';
}

/** Passes bytes through, hashing and counting them. */
class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A temporary file written as a stream, hashed as it is written. */
class HashedFile {
  readonly input = new DigestStream();
  readonly closed: Promise<void>;

  constructor(readonly file: string) {
    this.closed = pipeline(this.input, fs.createWriteStream(file));
    // Awaited on success; on failure the error that matters is the writer's.
    this.closed.catch(() => undefined);
  }

  async done(name: string): Promise<ManifestFile> {
    await this.closed;
    return { name, bytes: this.input.bytes, sha256: this.input.digest() };
  }
}

/**
 * The audit bundle: the journal in every format, the trial balance and a manifest with the SHA-256 of each file
 * and the chain head, as one zip. Each file is first streamed to a temporary file (one pass over the entries
 * feeds all four writers, hashing as it goes), then the files are zipped into `out` and deleted.
 */
export async function writeBundle(
  plan: ExportPlan,
  pages: AsyncIterable<ExportEntry[]>,
  out: Writable,
  onProgress?: (entries: number, total: number) => void,
): Promise<BundleManifest> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'den-on-bundle-'));
  const files: HashedFile[] = [];
  try {
    const journals: { name: string; file: HashedFile; writer: JournalWriter }[] = BUNDLE_JOURNALS.map(
      ([name, format]) => {
        const file = new HashedFile(path.join(dir, name));
        files.push(file);
        return { name, file, writer: FORMATS[format].writer(plan, file.input) };
      },
    );
    for (const j of journals) await j.writer.begin();
    let done = 0;
    for await (const page of pages) {
      for (const j of journals) await j.writer.write(page);
      done += page.length;
      onProgress?.(done, plan.entryCount);
    }
    const listed: ManifestFile[] = [];
    for (const j of journals) {
      await j.writer.finish();
      listed.push(await j.file.done(j.name));
    }

    const trialBalance = new HashedFile(path.join(dir, TRIAL_BALANCE_FILE));
    files.push(trialBalance);
    await write(trialBalance.input, `${JSON.stringify(plan.trialBalance, null, 2)}\n`);
    await end(trialBalance.input);
    listed.push(await trialBalance.done(TRIAL_BALANCE_FILE));

    const manifest: BundleManifest = {
      generator: plan.generator,
      createdAt: plan.createdAt,
      parameters: {
        fund: plan.parameters.fund,
        from: plan.from,
        to: plan.to,
        consolidated: plan.parameters.consolidated,
      },
      funds: plan.funds.map((f) => f.code),
      entries: plan.entryCount,
      chainHead: plan.chainHead,
      chainHeadNote: chainHeadNote(plan.chainHead),
      files: listed,
    };
    const zip = new yazl.ZipFile();
    const mtime = new Date(plan.createdAt);
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST_FILE, { mtime });
    for (const file of listed) zip.addFile(path.join(dir, file.name), file.name, { mtime });
    zip.end();
    await pipeline(zip.outputStream, out);
    return manifest;
  } catch (error) {
    for (const file of files) file.input.destroy();
    out.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
