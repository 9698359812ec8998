/** Creating a key in one step, or importing an existing private key (for example from GnuPG). */
import { useState } from 'preact/hooks';
import type { KeyInfo } from '@src/keyring/types';
import type { KeyInput } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { Fingerprint, TaskStatus, useTask, ViewHeading } from './ui';
import { EXPIRY_CHOICES, readKeyFile, strength } from './util';

const strengthKey = {
  empty: 'keysStrengthEmpty',
  weak: 'keysStrengthWeak',
  fair: 'keysStrengthFair',
  good: 'keysStrengthGood',
  strong: 'keysStrengthStrong',
} as const;

/** A new passphrase twice, with a strength hint; `valid` once both match and are non-empty. */
export function NewPassphrase({ id, value, repeat, onValue, onRepeat }: {
  id: string; value: string; repeat: string; onValue: (v: string) => void; onRepeat: (v: string) => void;
}) {
  const s = strength(value);
  const mismatch = repeat !== '' && repeat !== value;
  return (
    <>
      <label for={`${id}-pass`}>{t('keysPassphrase')}</label>
      <input id={`${id}-pass`} type="password" autocomplete="new-password" value={value} required
        aria-describedby={`${id}-strength`} onInput={(e) => onValue(e.currentTarget.value)} />
      <p id={`${id}-strength`} class={`strength strength-${s.level}`} data-strength={s.level}>
        {t(strengthKey[s.level])}
      </p>
      <label for={`${id}-repeat`}>{t('keysPassphraseRepeat')}</label>
      <input id={`${id}-repeat`} type="password" autocomplete="new-password" value={repeat} required
        aria-invalid={mismatch} aria-describedby={mismatch ? `${id}-mismatch` : undefined}
        onInput={(e) => onRepeat(e.currentTarget.value)} />
      {mismatch && <p id={`${id}-mismatch`} class="error">{t('keysPassphraseMismatch')}</p>}
    </>
  );
}

export function ExpirySelect({ id, value, onChange }: { id: string; value: number; onChange: (days: number) => void }) {
  return (
    <>
      <label for={id}>{t('keysExpiry')}</label>
      <select id={id} value={String(value)} onChange={(e) => onChange(Number(e.currentTarget.value))}>
        {EXPIRY_CHOICES.map((c) => <option key={c.days} value={String(c.days)}>{t(c.key)}</option>)}
      </select>
    </>
  );
}

export function CreateKey({ onCreated }: { onCreated: (k: KeyInfo) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [pass, setPass] = useState('');
  const [repeat, setRepeat] = useState('');
  const [days, setDays] = useState(730);
  const task = useTask();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return task.setError(t('keysErrNameMissing'));
    if (!pass) return task.setError(t('keysErrEmptyPassphrase'));
    if (pass !== repeat) return task.setError(t('keysPassphraseMismatch'));
    const key = await task.run(t('keysCreating'), () =>
      ask('keys.generate', { name: name.trim(), email: email.trim() || undefined, passphrase: pass, expiresInDays: days }),
    );
    if (key) onCreated(key);
  };
  return (
    <form id="create-key" onSubmit={(e) => void submit(e)} aria-busy={!!task.busy}>
      <ViewHeading>{t('keysCreateTitle')}</ViewHeading>
      <p class="muted">{t('keysCreateHelp')}</p>
      <label for="create-name">{t('keysName')}</label>
      <input id="create-name" autocomplete="name" value={name} required onInput={(e) => setName(e.currentTarget.value)} />
      <label for="create-email">{t('keysEmailOptional')}</label>
      <input id="create-email" type="email" autocomplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <NewPassphrase id="create" value={pass} repeat={repeat} onValue={setPass} onRepeat={setRepeat} />
      <ExpirySelect id="create-expiry" value={days} onChange={setDays} />
      <p><button type="submit" class="primary" disabled={!!task.busy}>{t('keysCreateButton')}</button></p>
      <TaskStatus task={task} />
    </form>
  );
}

/** A private key by paste or file, and the passphrase that protects it. */
export function ImportPrivate({ onImported }: { onImported: (keys: KeyInfo[]) => void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [pass, setPass] = useState('');
  const task = useTask();
  const submit = async (e: Event) => {
    e.preventDefault();
    const report = await task.run(t('keysImporting'), async () => {
      const input: KeyInput = file ? await readKeyFile(file) : { text };
      return ask('keys.importPrivate', { input, passphrase: pass });
    });
    if (report) onImported([...report.imported, ...report.updated, ...report.unchanged]);
  };
  return (
    <form id="import-private" onSubmit={(e) => void submit(e)} aria-busy={!!task.busy}>
      <ViewHeading>{t('keysImportPrivateTitle')}</ViewHeading>
      <p class="muted">{t('keysImportPrivateHelp')}</p>
      <label for="private-text">{t('keysPastePrivate')}</label>
      <textarea id="private-text" rows={6} cols={66} class="armor" value={text} spellcheck={false}
        onInput={(e) => setText(e.currentTarget.value)} />
      <label for="private-file">{t('keysOrFile')}</label>
      <input id="private-file" type="file" accept=".asc,.gpg,.pgp,.key,application/pgp-keys"
        onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      <label for="private-pass">{t('keysPassphraseOfKey')}</label>
      <input id="private-pass" type="password" autocomplete="current-password" value={pass}
        onInput={(e) => setPass(e.currentTarget.value)} />
      <p><button type="submit" class="primary" disabled={!!task.busy || (!text.trim() && !file)}>{t('keysImportPrivateButton')}</button></p>
      <TaskStatus task={task} />
    </form>
  );
}

/** Shown once after creation: the fingerprint people will compare. */
export function Created({ keyInfo, onContinue }: { keyInfo: KeyInfo; onContinue: () => void }) {
  return (
    <section id="created" aria-labelledby="created-title">
      <ViewHeading id="created-title">{t('keysCreatedTitle')}</ViewHeading>
      <p>{t('keysCreatedHelp')}</p>
      <p><Fingerprint fpr={keyInfo.fingerprint} /></p>
      <button type="button" class="primary" onClick={onContinue}>{t('keysContinue')}</button>
    </section>
  );
}

/** First run: no own key yet. */
export function Onboarding({ onDone }: { onDone: () => void }) {
  const [mode, setMode] = useState<'create' | 'import'>('create');
  const [created, setCreated] = useState<KeyInfo | null>(null);
  if (created) return <Created keyInfo={created} onContinue={onDone} />;
  return (
    <section id="onboarding">
      <p>{t('keysWelcome')}</p>
      {mode === 'create' ? <CreateKey onCreated={setCreated} /> : <ImportPrivate onImported={(keys) => keys[0] ? setCreated(keys[0]) : onDone()} />}
      <p>
        <button type="button" id="onboarding-switch" onClick={() => setMode(mode === 'create' ? 'import' : 'create')}>
          {t(mode === 'create' ? 'keysHaveKey' : 'keysWantNewKey')}
        </button>
      </p>
    </section>
  );
}
