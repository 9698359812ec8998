// Keys (issue 3) in the real extension: onboarding, sharing and verifying, locking (across a
// background restart), backup and restore, the key-change warning, and every bad input.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as openpgp from 'openpgp';
import { browserName, poll, server, user, type Tab, type User } from './harness';
import {
  alertText, ask, clickText, fill, fixture, fixtureBytes, focused, groupsOfFour, lastDownload, msg, onboard,
  openOptions, pickFile, reload, resetProfile, state, UI_PASS,
} from './keys/options';

const ALICE_PASS = 'correct horse battery staple 42';
const BOB_PASS = 'bob has a long passphrase too';

let alice: User;
let bob: User;
let aliceFpr = '';
let bobFpr = '';

const contactFprs = async (tab: Tab) => (await state(tab)).keys.filter((k) => !k.own).map((k) => k.fingerprint).sort();
const contactCard = (fpr: string) => `li.contact[data-fingerprint="${fpr}"]`;

async function importPaste(tab: Tab, text: string): Promise<void> {
  await tab.click('#import-paste');
  await fill(tab, '#import-text', text);
  await tab.click('#import-submit');
}

describe(`${browserName} › keys`, () => {
  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    await Promise.all([resetProfile(alice), resetProfile(bob)]);
  });
  afterAll(async () => {
    // Leave the shared profiles as fresh as this file found them.
    await Promise.all([alice && resetProfile(alice), bob && resetProfile(bob)]);
  });

  test('onboarding creates a key in one step, from the keyboard only', async () => {
    const tab = await openOptions(alice);
    await tab.waitFor('#create-key');
    expect(await focused(tab)).toMatchObject({ tag: 'h2', text: msg('keysCreateTitle') });
    expect(await tab.evaluate(() => (document.querySelector('#create-expiry') as HTMLSelectElement).value)).toBe('730');
    // Tab from the heading through every field, as a keyboard user does.
    await tab.press('Tab');
    expect((await focused(tab)).id).toBe('create-name');
    await tab.type('Alice Smith');
    await tab.press('Tab');
    await tab.type('alice@example.org');
    await tab.press('Tab');
    await tab.type(ALICE_PASS.slice(0, 3));
    expect(await tab.evaluate(() => document.querySelector('#create-strength')!.getAttribute('data-strength'))).toBe('weak');
    await tab.type(ALICE_PASS.slice(3));
    // Not an exact score: only that a long passphrase reads as good or strong.
    expect(['good', 'strong']).toContain(await tab.evaluate(() => document.querySelector('#create-strength')!.getAttribute('data-strength')));
    await tab.press('Tab');
    await tab.type(ALICE_PASS);
    await tab.press('Tab');
    expect((await focused(tab)).id).toBe('create-expiry');
    await tab.press('Tab');
    expect((await focused(tab)).text).toBe(msg('keysCreateButton'));
    await tab.press('Enter');
    await tab.waitFor('#created', { timeout: 30_000 });
    expect(await focused(tab)).toMatchObject({ tag: 'h2', text: msg('keysCreatedTitle') });
    aliceFpr = await tab.evaluate(() => document.querySelector('#created .fpr')!.getAttribute('data-fingerprint')!);
    expect(aliceFpr).toMatch(/^[0-9A-F]{40}$/);
    expect((await tab.text('#created .fpr')).trim()).toBe(groupsOfFour(aliceFpr));
    await clickText(tab, '#created button', msg('keysContinue'));
    await tab.waitFor(`li.own-key[data-fingerprint="${aliceFpr}"]`);
    const s = await state(tab);
    const own = s.keys.find((k) => k.fingerprint === aliceFpr)!;
    expect(own).toMatchObject({ own: true, isDefault: true, status: 'valid', algorithm: expect.stringMatching(/25519/), userIds: ['Alice Smith <alice@example.org>'] });
    const years = (Date.parse(own.expires!) - Date.parse(own.created)) / (365.25 * 864e5);
    expect(years).toBeGreaterThan(1.9);
    expect(years).toBeLessThan(2.1);
    expect(s.locked).toBe(false);
    await tab.close();
  });

  test('alice exports her public key, bob imports it and verifies it', async () => {
    const a = await openOptions(alice);
    const card = `li.own-key[data-fingerprint="${aliceFpr}"]`;
    await a.click(`${card} .download-public`);
    const file = await lastDownload(a);
    expect(file.name).toMatch(/^alice-smith-[0-9A-F]{8}\.asc$/);
    expect(file.text).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    expect(file.text).not.toContain('PRIVATE');
    await a.click(`${card} .show-public`);
    await a.waitFor(`${card} textarea.public-armor`);
    expect(await a.evaluate((sel) => (document.querySelector(sel) as HTMLTextAreaElement).value, `${card} textarea.public-armor`)).toBe(file.text);
    await a.close();

    const b = await openOptions(bob);
    bobFpr = await onboard(b, 'Bob Jones', BOB_PASS, 'bob@example.org');
    await b.click('#tab-contacts');
    await b.waitFor('#contacts');
    await importPaste(b, file.text);
    await b.waitFor('[data-result="imported"]');
    expect(await b.text('[data-result="imported"]')).toContain('Alice Smith');
    const c = contactCard(aliceFpr);
    await b.waitFor(c);
    expect((await b.text(`${c} .fpr`)).trim()).toBe(groupsOfFour(aliceFpr));
    expect(await b.evaluate((sel) => document.querySelector(sel)!.getAttribute('data-verified'), `${c} [data-verified]`)).toBe('false');
    await b.click(`${c} button.verify`);
    await b.waitFor(`${c} .verify .side-by-side`);
    const shown = await b.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => e.getAttribute('data-fingerprint')), `${c} .side-by-side .fpr`);
    expect(shown).toEqual([bobFpr, aliceFpr]);
    expect((await focused(b)).tag).toBe('h3');
    await b.click(`${c} button.they-match`);
    await poll('the verified badge', 10_000, () => b.evaluate((sel) => document.querySelector(sel)?.getAttribute('data-verified') === 'true' || undefined, `${c} [data-verified]`));
    await reload(b);
    expect((await state(b)).keys.find((k) => k.fingerprint === aliceFpr)?.verified).toBe(true);
    await b.close();
  });

  test('contacts from a binary .gpg file and from lookups (WKD, keys.openpgp.org)', async () => {
    const srv = await server();
    const erin = await openpgp.readKey({ armoredKey: fixture('ui-erin.pub.asc') });
    const erinFpr = erin.getFingerprint().toUpperCase();
    srv.keys.reset();
    srv.keys.publish({ armored: fixture('ui-erin.pub.asc'), binary: fixtureBytes('ui-erin.pub.gpg'), fingerprint: erinFpr, keyId: erin.getKeyID().toHex(), emails: ['erin@example.org'] });
    const b = await openOptions(bob, '#contacts');
    await b.click('#import-lookup');
    await fill(b, '#lookup-query', 'erin@example.org');
    await b.click('#lookup button[type="submit"]');
    await b.waitFor(`#lookup li.candidate[data-fingerprint="${erinFpr}"]`);
    expect(srv.requests().some((r) => r.host === 'openpgpkey.example.org' && r.path.startsWith('/.well-known/openpgpkey/example.org/hu/'))).toBe(true);
    await b.click(`#lookup li.candidate[data-fingerprint="${erinFpr}"] button`);
    await b.waitFor('[data-result="imported"]');
    expect(await contactFprs(b)).toContain(erinFpr);
    // By fingerprint it comes from keys.openpgp.org, and is now known: "Update".
    await fill(b, '#lookup-query', erinFpr);
    await b.click('#lookup button[type="submit"]');
    await b.waitFor(`#lookup li.candidate[data-fingerprint="${erinFpr}"]`);
    expect(await b.text('#lookup li.candidate button')).toBe(msg('keysUpdate'));
    expect(srv.requests().some((r) => r.host === 'keys.openpgp.org' && r.path === `/vks/v1/by-fingerprint/${erinFpr}`)).toBe(true);
    await fill(b, '#lookup-query', 'nobody@example.org');
    await b.click('#lookup button[type="submit"]');
    await b.waitFor('#lookup [role="status"]');
    expect((await b.text('#lookup [role="status"]')).trim()).toBe(msg('keysLookupNone'));
    await ask(b, 'keys.delete', { fingerprint: erinFpr });
    // The binary file, as exported by `gpg --export`.
    await reload(b);
    await b.click('#import-file');
    await pickFile(b, '#import-file[type="file"]', 'erin.gpg', fixtureBytes('ui-erin.pub.gpg'));
    await b.click('#import-submit');
    await b.waitFor('[data-result="imported"]');
    expect(await contactFprs(b)).toContain(erinFpr);
    await b.close();
  });

  test('lock and unlock, auto-lock, and staying unlocked across a background restart', async () => {
    const tab = await openOptions(alice, '#security');
    await tab.waitFor('.lock-state[data-locked="false"]');
    await tab.click('#lock-now');
    await tab.waitFor('.lock-state[data-locked="true"]');
    expect((await state(tab)).unlocked).toEqual([]);
    await fill(tab, '#unlock-pass', 'not my passphrase');
    await tab.click('#unlock-submit');
    expect(await alertText(tab, '.lock-control')).toBe(msg('keysErrWrongPassphrase'));
    expect((await focused(tab)).role).toBe('alert');
    await fill(tab, '#unlock-pass', ALICE_PASS);
    await tab.press('Enter');
    await tab.waitFor('.lock-state[data-locked="false"]', { timeout: 30_000 });
    expect((await state(tab)).unlocked).toEqual([aliceFpr]);

    // Chromium stops the service worker; Firefox suspends the event page. A new Keyring must find
    // the key still unlocked, in storage.session.
    await alice.session.stopBackground();
    expect(await alice.session.backgroundAlive()).toBe(false);
    await reload(tab);
    await tab.waitFor('.lock-state[data-locked="false"]');
    expect((await state(tab)).unlocked).toEqual([aliceFpr]);
    expect(await alice.session.backgroundAlive()).toBe(true);

    // Auto-lock: 5 minutes, then pretend the last use was 10 minutes ago.
    await tab.evaluate(() => {
      const sel = document.querySelector('#auto-lock-minutes') as HTMLSelectElement;
      sel.value = '5';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await poll('auto-lock at 5 minutes', 10_000, async () => (await state(tab)).settings.autoLockMinutes === 5 || undefined);
    await tab.evaluate(async () => {
      const g = globalThis as unknown as { browser?: Api; chrome?: Api };
      type Api = { storage: { session: { set(v: Record<string, unknown>): Promise<void> } } };
      await (g.browser ?? g.chrome)!.storage.session.set({ 'mantle.keyring.activity': Date.now() - 10 * 60_000 });
    });
    await reload(tab);
    await tab.waitFor('.lock-state[data-locked="true"]');
    await ask(tab, 'keys.settings', { autoLockMinutes: 30 });
    await tab.close();
  });

  test('a full backup restores exactly', async () => {
    const b = await openOptions(bob, '#security');
    const before = await state(b);
    await b.click('#backup-save');
    const file = await lastDownload(b);
    expect(file.name).toMatch(/^mantle-keyring-\d{4}-\d{2}-\d{2}\.json$/);
    // Own keys are in the backup only passphrase-protected.
    const own = (JSON.parse(file.text) as { keys: { own: boolean; armored: string }[] }).keys.filter((k) => k.own);
    expect(own).toHaveLength(1);
    expect((await openpgp.readPrivateKey({ armoredKey: own[0]!.armored })).isDecrypted()).toBe(false);
    // Change things, then restore.
    await ask(b, 'keys.delete', { fingerprint: aliceFpr });
    await ask(b, 'keys.importPublic', { input: { text: fixture('ui-dave.pub.asc') } });
    // A broken backup is refused and changes nothing.
    const changed = await state(b);
    await pickFile(b, '#restore-file', 'broken.json', '{"format":"something-else"}');
    await b.click('#restore-start');
    await clickText(b, '#backup .confirm button', msg('keysRestoreYes'));
    expect(await alertText(b, '#backup')).toBe(msg('keysErrBadBackup'));
    expect((await state(b)).keys).toEqual(changed.keys);
    await pickFile(b, '#restore-file', file.name, file.text);
    await b.click('#restore-start');
    await poll('focus on the confirmation', 5_000, async () => (await focused(b)).text === msg('keysRestoreYes') || undefined);
    await b.press('Enter');
    await b.waitFor('#backup p.ok[role="status"]');
    const after = await state(b);
    expect(after.keys).toEqual(before.keys);
    expect(after.settings).toEqual(before.settings);
    expect(after.locked).toBe(true); // a restore locks
    await b.close();
  });

  test('a changed key for the same address raises a loud warning and needs confirmation', async () => {
    const b = await openOptions(bob, '#contacts');
    const carol1 = (await openpgp.readKey({ armoredKey: fixture('ui-carol-1.pub.asc') })).getFingerprint().toUpperCase();
    const carol2 = (await openpgp.readKey({ armoredKey: fixture('ui-carol-2.pub.asc') })).getFingerprint().toUpperCase();
    await importPaste(b, fixture('ui-carol-1.pub.asc'));
    await b.waitFor('[data-result="imported"]');
    const before = await contactFprs(b);
    await importPaste(b, fixture('ui-carol-2.pub.asc'));
    await b.waitFor('[data-testid="key-change"][role="alert"]');
    expect((await focused(b)).role).toBe('alert');
    const shown = await b.evaluate(() => [...document.querySelectorAll('[data-testid="key-change"] .fpr')].map((e) => e.getAttribute('data-fingerprint')));
    expect(shown).toEqual([carol1, carol2]);
    expect(await contactFprs(b)).toEqual(before); // nothing imported yet
    await clickText(b, '[data-testid="key-change"] button', msg('keysAcceptNewKey'));
    await b.waitFor('[data-result="imported"]');
    expect(await contactFprs(b)).toContain(carol2);
    // Delete, after confirming.
    await b.click(`${contactCard(carol2)} button.delete`);
    await clickText(b, `${contactCard(carol2)} .confirm button`, msg('keysDeleteYes'));
    await poll('carol to be gone', 10_000, async () => !(await contactFprs(b)).includes(carol2) || undefined);
    await b.close();
  });

  test('own keys: a second key, default, passphrase, expiry, private backup, revocation', async () => {
    const tab = await openOptions(alice, '#own');
    await tab.click('#add-create');
    await fill(tab, '#create-name', 'Alice Work');
    await fill(tab, '#create-pass', 'work pass one');
    await fill(tab, '#create-repeat', 'work pass one');
    await tab.evaluate(() => {
      const sel = document.querySelector('#create-expiry') as HTMLSelectElement;
      sel.value = '365';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await tab.click('#create-key button[type="submit"]');
    const work = await poll('the second key', 30_000, async () => (await state(tab)).keys.find((k) => k.own && k.name === 'Alice Work'));
    const card = `li.own-key[data-fingerprint="${work.fingerprint}"]`;
    await tab.waitFor(card);
    expect(work.isDefault).toBe(false);
    await tab.click(`${card} .make-default`);
    await poll('the new default', 10_000, async () => (await state(tab)).defaultKey?.fingerprint === work.fingerprint || undefined);

    await tab.click(`${card} .change-passphrase`);
    await fill(tab, `#old-${work.fingerprint}`, 'not it');
    await fill(tab, `#new-${work.fingerprint}-pass`, 'work pass two');
    await fill(tab, `#new-${work.fingerprint}-repeat`, 'work pass two');
    await tab.click(`${card} form.panel button[type="submit"]`);
    expect(await alertText(tab, card)).toBe(msg('keysErrWrongPassphrase'));
    await fill(tab, `#old-${work.fingerprint}`, 'work pass one');
    await tab.click(`${card} form.panel button[type="submit"]`);
    await tab.waitFor(`${card} p.ok[role="status"]`);
    await ask(tab, 'keys.lock');
    await ask(tab, 'keys.unlock', { passphrase: 'work pass two' });

    await tab.click(`${card} .extend-expiry`);
    await tab.evaluate((id) => {
      const sel = document.getElementById(id) as HTMLSelectElement;
      sel.value = '1825';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    }, `expiry-${work.fingerprint}`);
    await fill(tab, `#exp-pass-${work.fingerprint}`, 'work pass two');
    await tab.click(`${card} form.panel button[type="submit"]`);
    const extended = await poll('the new expiry', 30_000, async () => {
      const k = (await state(tab)).keys.find((x) => x.fingerprint === work.fingerprint)!;
      return (Date.parse(k.expires!) - Date.now()) / (365.25 * 864e5) > 4.9 ? k : undefined;
    });
    expect(extended.status).toBe('valid');

    await tab.click(`${card} .export-private`);
    const backup = await lastDownload(tab);
    expect(backup.name).toMatch(/-private\.asc$/);
    expect((await openpgp.readPrivateKey({ armoredKey: backup.text })).isDecrypted()).toBe(false);

    await tab.click(`${card} .revoke`);
    await fill(tab, `#rev-pass-${work.fingerprint}`, 'work pass two');
    await clickText(tab, `${card} .confirm button`, msg('keysRevokeYes'));
    await tab.click(`${card} .download-revocation`);
    const cert = await lastDownload(tab);
    expect(cert.name).toMatch(/-revocation\.asc$/);
    expect(cert.text).toContain('-----BEGIN PGP');
    await poll('the revoked status', 10_000, async () => (await state(tab)).keys.find((k) => k.fingerprint === work.fingerprint)?.status === 'revoked' || undefined);
    await tab.waitFor(`${card} [data-status="revoked"]`);
    await tab.close();
  });

  test('every bad input gets a clear error and leaves the keyring untouched', async () => {
    const b = await openOptions(bob, '#contacts');
    const good = fixture('ui-dave.pub.asc');
    const lines = good.trimEnd().split('\n');
    const crc = lines.findIndex((l) => /^=[A-Za-z0-9+/]{4}$/.test(l));
    const wrongCrc = [...lines.slice(0, crc), lines[crc] === '=AAAA' ? '=BBBB' : '=AAAA', ...lines.slice(crc + 1)].join('\n');
    const cases: [string, string, string][] = [
      ['garbage', 'this is not a key at all', 'keysErrNotAKey'],
      ['truncated armor', good.slice(0, Math.floor(good.length / 2)), 'keysErrTruncated'],
      ['wrong checksum', wrongCrc, 'keysErrChecksum'],
      ['a private key where a public one belongs', fixture('ui-html-uid.sec.asc'), 'keysErrExpectedPublic'],
      ['RSA 1024', fixture('ui-rsa1024.pub.asc'), 'keysErrWeakKey'],
      ['5 MB', `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${'A'.repeat(5 * 1024 * 1024)}\n`, 'keysErrTooLarge'],
    ];
    const before = await state(b);
    for (const [label, input, key] of cases) {
      await importPaste(b, input);
      const text = await alertText(b, '#import');
      expect(text, label).toBe(msg(key));
      expect((await focused(b)).role, label).toBe('alert');
      expect((await state(b)).keys, label).toEqual(before.keys);
    }

    // Private-key import: a public key, a weak key, a wrong passphrase.
    await b.click('#tab-own');
    await b.click('#add-import');
    const privateCases: [string, string, string, string][] = [
      ['a public key where a private one belongs', good, UI_PASS, 'keysErrExpectedPrivate'],
      ['RSA 1024 private', fixture('ui-rsa1024.sec.asc'), UI_PASS, 'keysErrWeakKey'],
      ['wrong passphrase', fixture('ui-html-uid.sec.asc'), 'wrong', 'keysErrWrongPassphrase'],
    ];
    for (const [label, input, pass, key] of privateCases) {
      await fill(b, '#private-text', input);
      await fill(b, '#private-pass', pass);
      await b.click('#import-private button[type="submit"]');
      expect(await alertText(b, '#import-private'), label).toBe(msg(key));
      expect((await state(b)).keys, label).toEqual(before.keys);
    }

    // Expired keys import, marked expired; duplicates merge; an update says "updated".
    await b.click('#tab-contacts');
    await importPaste(b, fixture('ui-expired.pub.asc'));
    await b.waitFor('[data-result="imported"]');
    expect((await state(b)).keys.find((k) => k.email === 'ui-expired@example.org')?.status).toBe('expired');
    await b.waitFor('li.contact [data-status="expired"]');
    await importPaste(b, good);
    await b.waitFor('[data-result="imported"], [data-result="unchanged"]');
    const count = (await state(b)).keys.length;
    await importPaste(b, good);
    await b.waitFor('[data-result="unchanged"]');
    await importPaste(b, fixture('ui-dave-updated.pub.asc'));
    await b.waitFor('[data-result="updated"]');
    const s = await state(b);
    expect(s.keys.length).toBe(count);
    const dave = (await openpgp.readKey({ armoredKey: good })).getFingerprint().toUpperCase();
    expect(s.keys.find((k) => k.fingerprint === dave)?.userIds).toHaveLength(2);

    // Markup in a user ID is shown as text.
    const title = await b.evaluate(() => document.title);
    await importPaste(b, fixture('ui-html-uid.pub.asc'));
    await b.waitFor('[data-result="imported"]');
    const uid = '<img src=x onerror="document.title=1">Mallory <b>Bold</b> <mallory@example.org>';
    await poll('the user ID, as text', 10_000, () =>
      b.evaluate((u) => [...document.querySelectorAll('#contacts li.contact .uid')].some((e) => e.textContent === u) || undefined, uid));
    expect(await b.evaluate(() => document.querySelectorAll('#contacts img, #contacts b').length)).toBe(0);
    expect(await b.evaluate(() => document.title)).toBe(title);
    await b.close();
  });
});
