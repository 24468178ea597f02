import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../config/app-config';
import { openDatabase } from '../database/data-source';
import { sql } from '../database/sql';
import { ledgerHead } from '../ledger/chain-head';
import { checkPublicFile, sha256Hex } from '../disclosure/signing';

export const VERIFY_PUBLIC_HELP = `  verify-public <file> [--key <public key | keys.json>] [--no-db] [--json]
                    Check a published disclosure file (data.json, data.csv or manifest.json from
                    /public/funds/<code>/): its Ed25519 signature over the content, that the signing key is
                    the fund's (--key, as published at /public/funds/<code>/keys.json, or else this database's
                    key register), and, with the database, that the chain head it names is an entry of these
                    books. A manifest's listed files found beside it are checked by SHA-256.
                    Exits 0 when everything holds, 1 when anything does not.`;

const USAGE =
  'usage: npm run cli -- verify-public <file> [--key <public key | keys.json>] [--no-db] [--json]';

interface Finding {
  ok: boolean;
  check: string;
  detail: string;
}

/** The keys --key names: a base64 SPKI key, or a file holding one or the published keys.json. */
function keysFrom(value: string): string[] {
  const text =
    existsSync(value) && statSync(value).isFile() ? readFileSync(value, 'utf8').trim() : value.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    const parsed = JSON.parse(text) as unknown;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list
      .map((k) => (k as { publicKey?: unknown }).publicKey)
      .filter((k): k is string => typeof k === 'string' && k !== '');
  }
  return [text];
}

export async function runVerifyPublic(args: string[]): Promise<number> {
  let file = '';
  let key: string | null = null;
  let useDb = true;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--key' && args[i + 1] !== undefined) key = args[++i];
    else if (arg === '--no-db') useDb = false;
    else if (arg === '--json') json = true;
    else if (arg.startsWith('--') || file !== '') {
      console.error(`unexpected argument "${arg}"\n${USAGE}`);
      return 2;
    } else file = arg;
  }
  if (file === '') {
    console.error(`which file?\n${USAGE}`);
    return 2;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    console.error(`file ${file} does not exist`);
    return 2;
  }
  const bytes = readFileSync(file);
  const checked = checkPublicFile(bytes);
  const findings: Finding[] = [];
  findings.push({
    ok: checked.ok,
    check: 'signature',
    detail: checked.ok
      ? `Ed25519 signature by key ${checked.signature?.keyId} matches the content`
      : (checked.problem ?? 'bad'),
  });

  if (checked.ok && checked.signature) {
    const signer = checked.signature.publicKey;
    if (key !== null) {
      const trusted = keysFrom(key);
      findings.push({
        ok: trusted.includes(signer),
        check: 'key',
        detail: trusted.includes(signer)
          ? 'signed with the key given by --key'
          : 'signed with another key than --key names',
      });
    }
    if (useDb) {
      const dataSource = await openDatabase(loadConfig().database);
      try {
        const manager = dataSource.manager;
        if (key === null) {
          const rows = await sql<{ public_key: string; code: string }>(
            manager,
            `SELECT k.public_key AS public_key, f.code AS code FROM public_signing_keys k JOIN funds f ON f.id = k.fund_id
              WHERE k.key_id = ?`,
            [checked.signature.keyId],
          );
          const mine = rows.find((r) => r.public_key === signer && r.code === checked.fund);
          findings.push({
            ok: mine !== undefined,
            check: 'key',
            detail: mine
              ? `key ${checked.signature.keyId} is fund ${checked.fund}'s key in these books`
              : `key ${checked.signature.keyId} is not a key of fund ${checked.fund} in these books (give --key)`,
          });
        }
        const head = checked.chainHead;
        if (head && head.entryId !== null) {
          const books = await ledgerHead(manager, { upTo: head.entryId });
          const same = books.lastEntryId === head.entryId && books.hash === head.hash;
          findings.push({
            ok: same,
            check: 'chain head',
            detail: same
              ? `these books up to entry ${head.entryId} have the chain head ${head.hash.slice(0, 16)}…`
              : `these books up to entry ${head.entryId} do not have the chain head ${head.hash.slice(0, 16)}…`,
          });
        }
      } finally {
        await dataSource.destroy();
      }
    } else if (key === null) {
      findings.push({
        ok: false,
        check: 'key',
        detail: 'no --key and --no-db: nothing says whose key signed the file',
      });
    }
    // A manifest: the files it lists, where they lie beside it.
    const listed = (checked.document?.kind === 'manifest' ? checked.document.files : null) as
      { name: string; sha256: string }[] | null;
    for (const entry of listed ?? []) {
      const beside = path.join(path.dirname(file), path.basename(entry.name));
      if (!existsSync(beside)) continue;
      const same = sha256Hex(readFileSync(beside)) === entry.sha256;
      findings.push({
        ok: same,
        check: `file ${entry.name}`,
        detail: same ? 'SHA-256 matches the manifest' : 'SHA-256 differs from the manifest',
      });
    }
  }

  const ok = findings.every((f) => f.ok);
  if (json)
    console.log(
      JSON.stringify({ ok, file, fund: checked.fund, chainHead: checked.chainHead, findings }, null, 2),
    );
  else {
    console.log(`${ok ? 'OK' : 'FAILED'}: ${file} (${checked.kind}, fund ${checked.fund ?? '?'})`);
    for (const f of findings) console.log(`  ${f.ok ? '✓' : '✗'} ${f.check}: ${f.detail}`);
  }
  return ok ? 0 : 1;
}
