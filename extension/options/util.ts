/** Small helpers for the options page: files, downloads, dates, fingerprints, passphrase strength. */
import browser from 'webextension-polyfill';
import type { KeyInput } from '@src/protocol';

/** "ABCD EF01 …": groups of four, as people read them aloud. */
export function groups(fpr: string): string {
  return fpr.replace(/\s+/g, '').toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

export function formatDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(browser.i18n.getUILanguage(), { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Offers text as a file download; the page never sees it (extension origin). */
export function download(name: string, text: string, type = 'application/pgp-keys'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Armored files travel as text, binary (.gpg) ones as base64 bytes. */
export async function readKeyFile(file: File): Promise<KeyInput> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('-----BEGIN PGP')) return { text: new TextDecoder().decode(bytes) };
  return { base64: base64(bytes) };
}

export async function readTextFile(file: File): Promise<string> {
  return file.text();
}

/** A short name for files: "alice-smith-0123ABCD". */
export function fileStem(name: string, fpr: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32);
  return `${slug || 'key'}-${fpr.slice(-8)}`;
}

export type Strength = 'empty' | 'weak' | 'fair' | 'good' | 'strong';

/**
 * A rough entropy estimate: length × log2(alphabet), discounted for repeated characters and
 * sequences. Only a hint; it never blocks the user.
 */
export function strength(pass: string): { level: Strength; bits: number } {
  if (!pass) return { level: 'empty', bits: 0 };
  let pool = 0;
  if (/[a-z]/.test(pass)) pool += 26;
  if (/[A-Z]/.test(pass)) pool += 26;
  if (/[0-9]/.test(pass)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(pass)) pool += 33;
  const chars = [...pass];
  let effective = 0;
  for (let i = 0; i < chars.length; i++) {
    const prev = chars[i - 1]?.codePointAt(0);
    const cur = chars[i]!.codePointAt(0)!;
    // A repeat or a step of one ("aaaa", "1234", "abcd") adds little.
    effective += prev !== undefined && Math.abs(cur - prev) <= 1 ? 0.25 : 1;
  }
  const bits = Math.round(effective * Math.log2(Math.max(pool, 2)));
  const level: Strength = bits < 40 ? 'weak' : bits < 60 ? 'fair' : bits < 80 ? 'good' : 'strong';
  return { level, bits };
}

export const EXPIRY_CHOICES = [
  { days: 365, key: 'keysExpiry1y' },
  { days: 730, key: 'keysExpiry2y' },
  { days: 1825, key: 'keysExpiry5y' },
  { days: 0, key: 'keysExpiryNever' },
] as const;
