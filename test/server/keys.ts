import { createHash } from 'node:crypto';

export interface PublishedKey {
  armored: string; binary: Uint8Array; fingerprint: string; keyId: string; emails: string[];
}
export interface KeyReply { status: number; type: string; body: string | Uint8Array }

export const VKS_HOST = 'keys.openpgp.org';
/** WKD domains; `direct.example` has its advanced-method host mapped but answering 404. */
export const WKD_DOMAINS: Readonly<Record<string, { advanced: boolean }>> = {
  'example.org': { advanced: true },
  'direct.example': { advanced: false },
};
export const KEY_HOSTS = [
  VKS_HOST,
  ...Object.keys(WKD_DOMAINS).flatMap((d) => [d, `openpgpkey.${d}`]),
];

const ZB32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ZB32[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZB32[(acc << (5 - bits)) & 31];
  return out;
}

/** The WKD "hu" name of a mailbox's local part. */
export function wkdHash(local: string): string {
  return zbase32(createHash('sha1').update(local.toLowerCase(), 'utf8').digest());
}

const notFound = (what: string): KeyReply => ({ status: 404, type: 'text/plain; charset=utf-8', body: `${what}\n` });
const HEX = /^[0-9A-F]+$/;

export class KeyDirectory {
  private keys: PublishedKey[] = [];

  publish(k: PublishedKey): void {
    const norm = (s: string) => s.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
    this.keys.push({
      ...k,
      fingerprint: norm(k.fingerprint),
      keyId: norm(k.keyId),
      emails: k.emails.map((e) => e.trim().toLowerCase()),
    });
  }

  reset(): void {
    this.keys = [];
  }

  /** Answers a GET on one of KEY_HOSTS, or returns undefined when the host is not a key host. */
  handle(host: string, pathname: string): KeyReply | undefined {
    if (host === VKS_HOST) return this.vks(pathname);
    for (const [domain, { advanced }] of Object.entries(WKD_DOMAINS)) {
      if (host === `openpgpkey.${domain}`) {
        return advanced ? this.wkd(domain, pathname, `/.well-known/openpgpkey/${domain}/`) : notFound('no WKD here');
      }
      if (host === domain) return this.wkd(domain, pathname, '/.well-known/openpgpkey/');
    }
    return undefined;
  }

  private vks(pathname: string): KeyReply {
    const m = /^\/vks\/v1\/by-(fingerprint|keyid|email)\/([^/]+)$/.exec(pathname);
    if (!m) return notFound('not found');
    const [, kind, raw] = m as unknown as [string, string, string];
    let hits: PublishedKey[];
    if (kind === 'email') {
      let email: string;
      try { email = decodeURIComponent(raw).toLowerCase(); } catch { return bad('invalid email'); }
      hits = this.keys.filter((k) => k.emails.includes(email));
    } else {
      // Like the real service: uppercase hex only, of the right length.
      const len = kind === 'keyid' ? 16 : 40;
      if (!HEX.test(raw) || (raw.length !== len && !(kind === 'fingerprint' && raw.length === 64))) {
        return bad(`invalid ${kind}`);
      }
      hits = this.keys.filter((k) => (kind === 'keyid' ? k.keyId === raw : k.fingerprint === raw));
    }
    const k = hits[hits.length - 1];
    if (!k) return notFound('No key found for given query');
    return { status: 200, type: 'application/pgp-keys', body: k.armored };
  }

  private wkd(domain: string, pathname: string, base: string): KeyReply {
    if (pathname === `${base}policy`) return { status: 200, type: 'text/plain; charset=utf-8', body: '' };
    if (!pathname.startsWith(`${base}hu/`)) return notFound('not found');
    const hash = pathname.slice(base.length + 3);
    const hits = this.keys.filter((k) =>
      k.emails.some((e) => {
        const at = e.lastIndexOf('@');
        return e.slice(at + 1) === domain && wkdHash(e.slice(0, at)) === hash;
      }));
    if (hits.length === 0) return notFound('no key');
    // WKD may return several keys for one address: their binary forms concatenated.
    const body = Buffer.concat(hits.map((k) => Buffer.from(k.binary)));
    return { status: 200, type: 'application/octet-stream', body };
  }
}

function bad(msg: string): KeyReply {
  return { status: 400, type: 'text/plain; charset=utf-8', body: `${msg}\n` };
}
