/**
 * The keyring's requests, for Mantle's own pages. The background may be stopped at any moment, so
 * the Keyring is built lazily per wake-up over browser storage (local: keys; session: unlocked
 * copies and last activity). Auto-lock is checked at the start of every request, and by an alarm,
 * which wakes a stopped background: locking must take plaintext off the screen on time, not at
 * the next request.
 */
import browser from 'webextension-polyfill';
import { Keyring } from '@src/keyring';
import type { KeyInput, KeysLockState, KeysState } from '@src/protocol';
import { broadcast } from './tabs';
import { keepingDrafts } from './drafts';
import { forgetPlaintext } from './messages';
import { handle, HandlerError, onUserPresent } from './router';
import { local, session } from './store';

let instance: Keyring | null = null;
let lastTouch = 0;
const TOUCH_EVERY_MS = 10_000;
const AUTO_LOCK_ALARM = 'mantle.autolock';
const ring = () => (instance ??= new Keyring({ local, session }));

/** Locks if idle too long, forgets what was decrypted, and tells every frame; true if it locked. */
async function lockIfIdle(kr: Keyring): Promise<boolean> {
  const locked = await kr.lockIfIdle();
  if (locked) {
    await forgetPlaintext();
    broadcast('keys.changed');
  }
  return locked;
}

// Registered at start-up, so the alarm wakes a stopped background. Checking is not activity:
// still unlocked (used since), it looks again a minute later.
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== AUTO_LOCK_ALARM) return;
  void (async () => {
    const kr = ring();
    if (!(await lockIfIdle(kr)) && (await kr.unlocked()).length) await browser.alarms.create(AUTO_LOCK_ALARM, { when: Date.now() + 60_000 });
  })().catch(() => undefined);
});

/** The keyring, after locking it if it sat idle too long. */
export async function keyring(): Promise<Keyring> {
  const kr = ring();
  await lockIfIdle(kr);
  return kr;
}

/**
 * Records use (see showsUserPresence), after the idle check: a request after too long idle locks
 * first. Kept to about ten seconds (auto-lock counts minutes), not written for every keystroke.
 */
async function recordUse(): Promise<void> {
  // Recorded moments ago: nothing can have gone idle since, and the request checks the lock itself.
  if (Date.now() - lastTouch < TOUCH_EVERY_MS) return;
  const kr = await keyring();
  lastTouch = Date.now();
  await kr.touch();
  const { autoLockMinutes } = await kr.settings();
  if (autoLockMinutes > 0) await browser.alarms.create(AUTO_LOCK_ALARM, { when: Date.now() + autoLockMinutes * 60_000 + TOUCH_EVERY_MS });
  else await browser.alarms.clear(AUTO_LOCK_ALARM);
}
onUserPresent(recordUse);

async function lockState(kr: Keyring): Promise<KeysLockState> {
  const keys = (await kr.list()).filter((k) => k.own);
  const unlocked = await kr.unlocked();
  const defaultKey = keys.find((k) => k.isDefault) ?? keys[0] ?? null;
  return { hasKey: keys.length > 0, locked: !defaultKey || !unlocked.includes(defaultKey.fingerprint), unlocked, defaultKey };
}

async function keysState(kr: Keyring): Promise<KeysState> {
  const [keys, lock, settings] = await Promise.all([kr.list(), lockState(kr), kr.settings()]);
  return { ...lock, keys, settings };
}

/** Binary key files arrive as base64: Chrome's runtime messages carry JSON, not bytes. */
function decodeInput(input: KeyInput): string | Uint8Array {
  if ('text' in input && typeof input.text === 'string') return input.text;
  if ('base64' in input && typeof input.base64 === 'string') {
    try {
      return Uint8Array.from(atob(input.base64), (c) => c.charCodeAt(0));
    } catch {
      throw new HandlerError('not-a-key');
    }
  }
  throw new HandlerError('invalid-input');
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new HandlerError('invalid-input', field);
  return v;
}

handle('keys.state', async () => keysState(await keyring()));
handle('keys.lockState', async () => lockState(await keyring()));

handle('keys.generate', async ({ name, email, passphrase, expiresInDays }) => {
  const kr = await keyring();
  return kr.generate({ name: str(name, 'name'), email: email || undefined, passphrase: str(passphrase, 'passphrase'), expiresInDays });
});

handle('keys.importPublic', async ({ input, confirmKeyChange }) =>
  (await keyring()).importPublic(decodeInput(input), { confirmKeyChange: Array.isArray(confirmKeyChange) ? confirmKeyChange : [] }),
);

handle('keys.importPrivate', async ({ input, passphrase }) =>
  (await keyring()).importPrivate(decodeInput(input), str(passphrase, 'passphrase')),
);

handle('keys.lookup', async ({ query }) => (await keyring()).lookup(str(query, 'query')));

handle('keys.unlock', async ({ passphrase, fingerprint }) => {
  const kr = await keyring();
  const target = fingerprint ?? (await lockState(kr)).defaultKey?.fingerprint;
  if (!target) throw new HandlerError('no-default');
  await kr.unlock(target, str(passphrase, 'passphrase'));
  // Every bubble that said "locked" opens now, not only the one the user unlocked from.
  broadcast('keys.changed');
  return lockState(kr);
});

handle('keys.lock', async () => {
  await forgetPlaintext();
  const kr = await keyring();
  await kr.lock();
  broadcast('keys.changed');
  return lockState(kr);
});

handle('keys.setDefault', async ({ fingerprint }) => {
  const kr = await keyring();
  await keepingDrafts(() => kr.setDefault(str(fingerprint, 'fingerprint')));
  return keysState(kr);
});

handle('keys.setVerified', async ({ fingerprint, verified }) => {
  const kr = await keyring();
  await kr.setVerified(str(fingerprint, 'fingerprint'), verified === true);
  return keysState(kr);
});

handle('keys.delete', async ({ fingerprint }) => {
  const kr = await keyring();
  await keepingDrafts(() => kr.delete(str(fingerprint, 'fingerprint')));
  return keysState(kr);
});

handle('keys.changePassphrase', async ({ fingerprint, oldPassphrase, newPassphrase }) => {
  const kr = await keyring();
  await kr.changePassphrase(str(fingerprint, 'fingerprint'), str(oldPassphrase, 'passphrase'), str(newPassphrase, 'passphrase'));
  return keysState(kr);
});

handle('keys.extendExpiry', async ({ fingerprint, passphrase, expiresInDays }) => {
  const kr = await keyring();
  await kr.extendExpiry(str(fingerprint, 'fingerprint'), str(passphrase, 'passphrase'), expiresInDays);
  return keysState(kr);
});

handle('keys.revoke', async ({ fingerprint, passphrase }) => ({
  revocation: await (await keyring()).revoke(str(fingerprint, 'fingerprint'), str(passphrase, 'passphrase')),
}));

handle('keys.exportPublic', async ({ fingerprint }) => ({ armored: await (await keyring()).exportPublic(str(fingerprint, 'fingerprint')) }));
handle('keys.exportPrivate', async ({ fingerprint }) => ({ armored: await (await keyring()).exportPrivate(str(fingerprint, 'fingerprint')) }));
handle('keys.backup', async () => ({ text: await (await keyring()).backup() }));

handle('keys.restore', async ({ text }) => {
  const kr = await keyring();
  await keepingDrafts(() => kr.restore(str(text, 'text')));
  return keysState(kr);
});

handle('keys.settings', async (settings) => {
  const kr = await keyring();
  await kr.setSettings(settings);
  // A shorter auto-lock applies from now on, and its alarm is set again.
  lastTouch = 0;
  await recordUse();
  return keysState(await keyring());
});
