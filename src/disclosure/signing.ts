// Signed open data (issue 14). A published JSON file carries its signature as a last field, a CSV file as its last
// line; both name the key (id and public key). Ed25519 through node:crypto. Pure functions: the disclosure service
// signs with a fund's key, `npm run cli -- verify-public` and the tests check.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';

export const PUBLIC_FORMAT = 'den-on-public/1';
export const CSV_SIGNATURE_PREFIX = '# signature,Ed25519,';

export interface KeyPair {
  keyId: string;
  /** SPKI DER, base64. */
  publicKey: string;
  /** PKCS#8 DER, base64. */
  privateKey: string;
}

export interface SignatureBlock {
  algorithm: 'Ed25519';
  keyId: string;
  publicKey: string;
  value: string;
}

export function keyIdOf(publicKeyBase64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 16);
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    keyId: keyIdOf(pub),
    publicKey: pub,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

function signBytes(bytes: Buffer, key: KeyPair): SignatureBlock {
  const privateKey = createPrivateKey({
    key: Buffer.from(key.privateKey, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    algorithm: 'Ed25519',
    keyId: key.keyId,
    publicKey: key.publicKey,
    value: sign(null, bytes, privateKey).toString('base64'),
  };
}

function checkBytes(bytes: Buffer, block: SignatureBlock): boolean {
  try {
    const publicKey = createPublicKey({
      key: Buffer.from(block.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return (
      keyIdOf(block.publicKey) === block.keyId &&
      verify(null, bytes, publicKey, Buffer.from(block.value, 'base64'))
    );
  } catch {
    return false;
  }
}

/** JSON with object keys sorted at every depth: the bytes a JSON file's signature covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The document with a `signature` field over the canonical JSON of everything else; pretty-printed. */
export function signJson(document: Record<string, unknown>, key: KeyPair | null): string {
  const body = withoutSignature(document);
  const signature = key ? signBytes(Buffer.from(canonicalJson(body), 'utf8'), key) : null;
  return `${JSON.stringify({ ...body, signature }, null, 2)}\n`;
}

/** CSV text (ending in a newline) with a last line that signs every byte before it. */
export function signCsv(csv: string, key: KeyPair | null): string {
  const text = csv.endsWith('\n') ? csv : `${csv}\n`;
  if (!key) return text;
  const s = signBytes(Buffer.from(text, 'utf8'), key);
  return `${text}${CSV_SIGNATURE_PREFIX}${s.keyId},${s.publicKey},${s.value}\n`;
}

export interface PublicFileCheck {
  kind: 'json' | 'csv';
  /** Signed, and the signature matches the content. */
  ok: boolean;
  signature: SignatureBlock | null;
  /** Fields the file states about itself (fund, chain head), when it is well formed. */
  fund: string | null;
  chainHead: { entryId: number | null; hash: string } | null;
  /** The parsed JSON document (JSON files only). */
  document: Record<string, unknown> | null;
  problem: string | null;
}

/** Checks a published file's own signature (which key signed it is for the caller to judge). */
export function checkPublicFile(bytes: Buffer): PublicFileCheck {
  const text = bytes.toString('utf8');
  if (text.trimStart().startsWith('{')) return checkJson(text);
  return checkCsv(text);
}

function checkJson(text: string): PublicFileCheck {
  const result: PublicFileCheck = {
    kind: 'json',
    ok: false,
    signature: null,
    fund: null,
    chainHead: null,
    document: null,
    problem: null,
  };
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ...result, problem: 'not valid JSON' };
  }
  result.document = document;
  const fundCode = (document.fund as { code?: unknown } | null | undefined)?.code;
  result.fund = typeof fundCode === 'string' ? fundCode : null;
  result.chainHead = readChainHead(document.chainHead);
  if (document.format !== PUBLIC_FORMAT) return { ...result, problem: `not a ${PUBLIC_FORMAT} file` };
  const signature = document.signature as SignatureBlock | null | undefined;
  if (!signature || typeof signature !== 'object') return { ...result, problem: 'the file is not signed' };
  result.signature = signature;
  const body = withoutSignature(document);
  if (!checkBytes(Buffer.from(canonicalJson(body), 'utf8'), signature))
    return {
      ...result,
      problem: 'the signature does not match the content: the file was changed after it was signed',
    };
  return { ...result, ok: true };
}

function checkCsv(text: string): PublicFileCheck {
  const result: PublicFileCheck = {
    kind: 'csv',
    ok: false,
    signature: null,
    fund: null,
    chainHead: null,
    document: null,
    problem: null,
  };
  const lines = text.split('\n');
  const header = lines[0]?.split(',') ?? [];
  if (header[0] !== `# ${PUBLIC_FORMAT}`) return { ...result, problem: `not a ${PUBLIC_FORMAT} file` };
  const field = (name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? (header[i + 1] ?? null) : null;
  };
  result.fund = field('fund');
  const hash = field('chain_head');
  const entry = field('entry');
  result.chainHead = hash ? { hash, entryId: entry && /^\d+$/.test(entry) ? Number(entry) : null } : null;
  const at = text.lastIndexOf(`\n${CSV_SIGNATURE_PREFIX}`);
  if (at < 0) return { ...result, problem: 'the file is not signed' };
  const signed = text.slice(0, at + 1);
  const [keyId, publicKey, value] = text
    .slice(at + 1 + CSV_SIGNATURE_PREFIX.length)
    .trim()
    .split(',');
  const signature: SignatureBlock = { algorithm: 'Ed25519', keyId, publicKey, value };
  result.signature = signature;
  if (
    text
      .slice(at + 1)
      .trim()
      .includes('\n')
  )
    return { ...result, problem: 'lines were added after the signature' };
  if (!checkBytes(Buffer.from(signed, 'utf8'), signature))
    return {
      ...result,
      problem: 'the signature does not match the content: the file was changed after it was signed',
    };
  return { ...result, ok: true };
}

function readChainHead(value: unknown): PublicFileCheck['chainHead'] {
  if (!value || typeof value !== 'object') return null;
  const v = value as { entryId?: unknown; hash?: unknown };
  return typeof v.hash === 'string'
    ? { hash: v.hash, entryId: typeof v.entryId === 'number' ? v.entryId : null }
    : null;
}

function withoutSignature(document: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(document).filter(([k]) => k !== 'signature'));
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
