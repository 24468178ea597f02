import { createHash } from 'node:crypto';
import * as yauzl from 'yauzl';
import { MANIFEST_FILE, type BundleManifest, type ManifestFile } from './bundle';

/** A manifest is a few KB; anything much larger is not one of ours. */
const MAX_MANIFEST_BYTES = 1_000_000;

export interface BundleCheck {
  ok: boolean;
  /** Each thing that does not match, naming the file. */
  problems: string[];
  /** What the bundle holds (manifest.json excluded), as found. */
  files: ManifestFile[];
  manifest: BundleManifest | null;
}

/**
 * Checks an audit bundle without any database: every file the manifest lists is in the zip with the same size
 * and SHA-256, and the zip holds no file the manifest does not list. Reads each member as a stream.
 */
export async function verifyBundle(zipPath: string): Promise<BundleCheck> {
  const problems: string[] = [];
  const found = new Map<string, ManifestFile>();
  let manifestText: string | null = null;

  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: true });
  } catch (error) {
    return fail(`${zipPath} is not a readable zip file: ${(error as Error).message}`);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (found.has(entry.fileName) || (entry.fileName === MANIFEST_FILE && manifestText !== null)) {
        problems.push(`${entry.fileName}: the bundle holds it twice`);
        continue;
      }
      let digest: { bytes: number; sha256: string; text: string | null };
      try {
        digest = await readMember(zip, entry, entry.fileName === MANIFEST_FILE);
      } catch (error) {
        // A damaged member (bad compressed data) is named as such; the check goes on with the others.
        problems.push(`${entry.fileName}: cannot be read (${(error as Error).message})`);
        found.set(entry.fileName, { name: entry.fileName, bytes: -1, sha256: '' });
        continue;
      }
      if (entry.fileName === MANIFEST_FILE) manifestText = digest.text ?? '';
      else found.set(entry.fileName, { name: entry.fileName, bytes: digest.bytes, sha256: digest.sha256 });
    }
  } catch (error) {
    return fail(`${zipPath} cannot be read: ${(error as Error).message}`, [...found.values()]);
  }

  if (manifestText === null) return fail(`${MANIFEST_FILE} is missing`, [...found.values()]);
  const manifest = parseManifest(manifestText);
  if (typeof manifest === 'string') return fail(`${MANIFEST_FILE}: ${manifest}`, [...found.values()]);

  const listed = new Set<string>();
  for (const file of manifest.files) {
    if (listed.has(file.name)) problems.push(`${file.name}: listed twice in ${MANIFEST_FILE}`);
    listed.add(file.name);
    const actual = found.get(file.name);
    if (!actual) {
      problems.push(`${file.name}: listed in ${MANIFEST_FILE} but not in the bundle`);
    } else if (actual.bytes >= 0 && (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes)) {
      problems.push(
        `${file.name}: does not match ${MANIFEST_FILE} (SHA-256 ${actual.sha256}, ${actual.bytes} bytes; ` +
          `the manifest says ${file.sha256}, ${file.bytes} bytes)`,
      );
    }
  }
  for (const name of found.keys()) {
    if (!listed.has(name)) problems.push(`${name}: in the bundle but not listed in ${MANIFEST_FILE}`);
  }
  return { ok: problems.length === 0, problems, files: [...found.values()], manifest };

  function fail(problem: string, files: ManifestFile[] = []): BundleCheck {
    return { ok: false, problems: [...problems, problem], files, manifest: null };
  }
}

/** A member's size and SHA-256, and its text when `keep` (up to MAX_MANIFEST_BYTES). */
async function readMember(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  keep: boolean,
): Promise<{ bytes: number; sha256: string; text: string | null }> {
  const stream = await zip.openReadStreamPromise(entry);
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (keep && bytes <= MAX_MANIFEST_BYTES) kept.push(chunk);
  }
  const text = keep && bytes <= MAX_MANIFEST_BYTES ? Buffer.concat(kept).toString('utf8') : null;
  return { bytes, sha256: hash.digest('hex'), text };
}

function parseManifest(text: string): BundleManifest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  const files = (parsed as { files?: unknown })?.files;
  if (!Array.isArray(files)) return 'has no list of files';
  for (const file of files as unknown[]) {
    const f = file as Partial<ManifestFile> | null;
    if (
      typeof f?.name !== 'string' ||
      typeof f.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(f.sha256) ||
      typeof f.bytes !== 'number'
    ) {
      return `has a file entry without a name, a byte count and a SHA-256: ${JSON.stringify(file)}`;
    }
  }
  return parsed as BundleManifest;
}
