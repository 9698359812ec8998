import { request } from 'node:https';
import type { Socket } from 'node:net';

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string }

/** One HTTPS request to the test server as if `host` resolved to it (SNI + Host header). */
export function fetchAs(port: number, host: string, path: string,
  opts: { method?: string; body?: string | Buffer; cookie?: string; headers?: Record<string, string>; socket?: Socket } = {}):
  Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path, method: opts.method ?? 'GET', servername: host, rejectUnauthorized: false,
      agent: false,
      headers: { host, ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers },
      ...(opts.socket ? { createConnection: () => opts.socket! } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
