import type * as openpgp from 'openpgp';
import { MAX_INPUT_BYTES } from './armor';
import { KeyringError, isKeyringError } from './errors';
import { emailsOf, normalizeHex } from './info';
import { parseKeys } from './parse';
import type { LookupSource } from './types';

export const VKS_BASE = 'https://keys.openpgp.org/vks/v1';
export const LOOKUP_TIMEOUT_MS = 10_000;

const ZB32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (RFC 6189 alphabet) as WKD uses it. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ZB32[(acc >>> bits) & 31];
    }
  }
  if (bits > 0) out += ZB32[(acc << (5 - bits)) & 31];
  return out;
}

export async function wkdHash(local: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(local.toLowerCase()));
  return zbase32(new Uint8Array(digest));
}

/** The two WKD URLs for an address: advanced method first, then direct. */
export async function wkdUrls(email: string): Promise<{ advanced: string; direct: string }> {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  const hu = `${await wkdHash(local)}?l=${encodeURIComponent(local)}`;
  return {
    advanced: `https://openpgpkey.${domain}/.well-known/openpgpkey/${domain}/hu/${hu}`,
    direct: `https://${domain}/.well-known/openpgpkey/hu/${hu}`,
  };
}

export type Query =
  | { kind: 'email'; email: string }
  | { kind: 'fingerprint'; hex: string }
  | { kind: 'keyid'; hex: string };

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export function parseQuery(query: string): Query {
  const q = query.trim();
  if (EMAIL.test(q)) return { kind: 'email', email: q };
  const hex = normalizeHex(q);
  if (/^[0-9A-F]+$/.test(hex)) {
    if (hex.length === 40 || hex.length === 64) return { kind: 'fingerprint', hex };
    if (hex.length === 16) return { kind: 'keyid', hex };
  }
  throw new KeyringError('bad-query', query);
}

export interface Found { source: LookupSource; keys: openpgp.Key[] }

/**
 * Walks the sources in order and stops at the first that has the key, so that a domain's own
 * WKD answer wins and keys.openpgp.org learns of the query only when WKD has nothing.
 * Throws 'network' only if every source failed to answer at all.
 */
export async function findRemote(q: Query, fetchFn: typeof fetch, timeoutMs: number): Promise<Found | null> {
  const steps: Array<{ source: LookupSource; url: string }> = [];
  if (q.kind === 'email') {
    const { advanced, direct } = await wkdUrls(q.email);
    steps.push({ source: 'wkd-advanced', url: advanced }, { source: 'wkd-direct', url: direct });
    steps.push({ source: 'vks', url: `${VKS_BASE}/by-email/${encodeURIComponent(q.email)}` });
  } else {
    steps.push({ source: 'vks', url: `${VKS_BASE}/by-${q.kind}/${q.hex}` });
  }
  let answered = false;
  for (const { source, url } of steps) {
    const body = await get(fetchFn, url, timeoutMs);
    if (body === 'failed') continue;
    answered = true;
    if (!body) continue;
    let keys: openpgp.Key[];
    try {
      keys = await parseKeys(body, 'public');
    } catch (e) {
      if (isKeyringError(e)) continue; // a broken or weak answer counts as no answer
      throw e;
    }
    keys = keys.filter((k) => matches(k, q));
    if (keys.length > 0) return { source, keys };
  }
  if (!answered) throw new KeyringError('network', 'no key server answered');
  return null;
}

/** WKD and VKS may answer with extra keys; only those that carry what was asked for count. */
function matches(key: openpgp.Key, q: Query): boolean {
  if (q.kind === 'email') return emailsOf(key).includes(q.email.toLowerCase());
  const ids = [key, ...key.subkeys].map((k) =>
    q.kind === 'fingerprint' ? k.getFingerprint().toUpperCase() : k.getKeyID().toHex().toUpperCase());
  return ids.includes(q.hex);
}

/** The body of a 200 answer, null for any other status, 'failed' when nothing answered. */
async function get(fetchFn: typeof fetch, url: string, timeoutMs: number): Promise<Uint8Array | null | 'failed'> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      signal: AbortSignal.timeout(timeoutMs),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
  } catch {
    return 'failed';
  }
  if (res.status !== 200) return null;
  if (Number(res.headers.get('content-length') ?? 0) > MAX_INPUT_BYTES) return null;
  try {
    const buf = new Uint8Array(await res.arrayBuffer());
    return buf.byteLength > MAX_INPUT_BYTES ? null : buf;
  } catch {
    return 'failed';
  }
}
