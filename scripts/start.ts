/**
 * `npm start`: builds both packages, starts the local replicas and relay, and shows Mantle at work
 * on the Messenger replica with two real browser profiles, Alice and Bob: each creates a key in
 * Mantle's onboarding page, they exchange keys, Alice turns encryption on and writes, Bob reads.
 * With a display the windows stay open to play with; without one the demo runs headless, prints
 * what each side saw and what the platform stored, and saves screenshots in demo-output/.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildExtension } from './build.ts';
import { ensureBrowsers } from './browsers.ts';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, 'demo-output');
const headed = !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
process.env.MANTLE_BROWSER ??= 'chromium';
if (headed) process.env.MANTLE_HEADED = '1';
else console.log('No display found (DISPLAY is not set): running the demo headless. Screenshots go to demo-output/.');

ensureBrowsers([process.env.MANTLE_BROWSER === 'firefox' ? 'firefox' : 'chromium']);
await buildExtension();
const { relay, server, twoUsers } = await import('../test/e2e/harness.ts');
const { encryptChat, seesDecrypted, sendSecure, withKeys } = await import('../test/e2e/mantle.ts');
const { teardownAll } = await import('../test/e2e/lifecycle.ts');

const step = (text: string) => console.log(`\n▶ ${text}`);
try {
  step('Starting the local replicas of the sites and the relay (loopback only)…');
  const srv = await server();
  step('Opening Alice and Bob, each in their own browser profile with Mantle loaded…');
  let [alice, bob] = await twoUsers('messenger');
  step('Alice and Bob create their keys in Mantle\'s onboarding page and exchange public keys…');
  const fprs = await withKeys([alice, bob]);
  for (const [name, fpr] of fprs) console.log(`  ${name}: ${fpr.replace(/(.{4})(?=.)/g, '$1 ')}`);
  [alice, bob] = await twoUsers('messenger');
  step('Alice turns encryption on for her chat with Bob and types in Mantle\'s secure composer…');
  await encryptChat(alice, ['Bob Jones']);
  const text = 'Hello Bob! Only you can read this: the platform carries ciphertext only.';
  const parts = await sendSecure(alice, text);
  console.log(`  Alice typed:        ${text}`);
  for (const p of parts) console.log(`  The relay stored:   ${p.text.slice(0, 72)}… (${p.text.length} characters)`);
  const shown = await seesDecrypted(bob, parts[0]!, text);
  console.log(`  Bob's screen shows: ${shown.replace(/\n/g, ' · ')}`);
  console.log(`  Messages the platform holds for this chat: ${relay().stored({ site: 'messenger', thread: alice.current.thread }).length}, none readable.`);
  mkdirSync(out, { recursive: true });
  await alice.tab.screenshot(resolve(out, 'alice.png'));
  await bob.tab.screenshot(resolve(out, 'bob.png'));
  console.log(`\nScreenshots: demo-output/alice.png, demo-output/bob.png`);
  if (headed) {
    console.log(`\nBoth windows stay open: write back and forth (the lock on the message box turns encryption on).`);
    console.log(`Replicas: ${srv.url('messenger')} (as alice/bob). Press Ctrl+C to stop.`);
    await new Promise<void>((done) => process.once('SIGINT', () => done()));
  }
} finally {
  await teardownAll();
}
process.exit(0);
