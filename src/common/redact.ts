// _csrf: the web admin's forms carry their CSRF token in the body.
const SECRET_KEYS = new Set([
  'password',
  'token',
  'authorization',
  'newpassword',
  'currentpassword',
  '_csrf',
]);
/** Never copied: they could reach an object's prototype (the body guard drops them earlier too). */
const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ID_KEYS = new Set(['nationalid', 'cccd', 'cmnd']);

/** Masks a citizen ID for display and logs: 010012345689 → 0100******89. */
export function maskNationalId(id: string): string {
  if (id.length <= 6) return '*'.repeat(id.length);
  // A 12-digit CCCD keeps its 4-digit province and century prefix; shorter (CMND) numbers keep 2.
  const head = id.length >= 12 ? 4 : 2;
  return `${id.slice(0, head)}${'*'.repeat(id.length - head - 2)}${id.slice(-2)}`;
}

/** A copy of a request body safe for the audit log: no passwords or tokens, citizen IDs masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 1000).map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !POISONED_KEYS.has(key))
      .map(([key, item]) => {
        const lower = key.toLowerCase();
        if (SECRET_KEYS.has(lower)) return [key, '[redacted]'];
        if (ID_KEYS.has(lower) && typeof item === 'string') return [key, maskNationalId(item)];
        return [key, redact(item, depth + 1)];
      }),
  );
}

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
