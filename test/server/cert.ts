import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface Pem { key: string; cert: string }

const cache = new Map<string, Promise<Pem>>();

// One certificate for every mapped name. Generating takes a moment, so it is kept per process and
// on disk (keyed by the name list), and renewed well before it expires.
export function certificateFor(hosts: string[]): Promise<Pem> {
  const names = [...new Set(hosts)].sort();
  const id = createHash('sha256').update(names.join(',')).digest('hex').slice(0, 16);
  let p = cache.get(id);
  if (!p) {
    p = loadOrCreate(names, id);
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return p;
}

async function loadOrCreate(names: string[], id: string): Promise<Pem> {
  const dir = join(tmpdir(), 'mantle-test-cert');
  const file = join(dir, `${id}.json`);
  try {
    const pem = JSON.parse(readFileSync(file, 'utf8')) as Pem;
    const validTo = Date.parse(new X509Certificate(pem.cert).validTo);
    if (validTo - Date.now() > 7 * 86_400_000) return pem;
  } catch {
    // missing or unreadable: make a new one
  }
  const now = new Date(Date.now() - 86_400_000);
  const out = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 300 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.map((value) => ({ type: 2 as const, value })),
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const pem: Pem = { key: out.private, cert: out.cert };
  // Write-then-rename so parallel test processes never read a half-written file.
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(pem), { mode: 0o600 });
  renameSync(tmp, file);
  return pem;
}
