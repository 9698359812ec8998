// Starts the local world by hand: npx tsx test/server/main.ts [--port N] [--proxy-port N]
import { startServer } from './index';

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) ? v : undefined;
}

const server = await startServer({ port: flag('--port'), proxyPort: flag('--proxy-port') });
const lines = [
  `HTTPS server    https://127.0.0.1:${server.port}`,
  `CONNECT proxy   127.0.0.1:${server.proxyPort}`,
  `PAC URL         ${server.pacUrl}`,
  `Chromium        --host-resolver-rules="${server.resolverRules()}" --ignore-certificate-errors`,
  `Firefox prefs   network.proxy.type=2, network.proxy.autoconfig_url=${server.pacUrl}`,
  '',
  'Try:',
  ...(['messenger', 'instagram', 'whatsapp'] as const).map((s) => `  ${server.url(s, undefined, 'alice')}`),
];
console.log(lines.join('\n'));

const stop = () => { void server.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
