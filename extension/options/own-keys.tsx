/** The user's own keys: default, passphrase, expiry, revocation, exports. */
import { useState } from 'preact/hooks';
import type { KeyInfo } from '@src/keyring/types';
import type { KeysState } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { CreateKey, ExpirySelect, ImportPrivate, NewPassphrase } from './onboarding';
import { Confirm, displayName, KeyFacts, StatusBadges, TaskStatus, useTask, ViewHeading, type Task } from './ui';
import { download, fileStem } from './util';

type Panel = 'none' | 'passphrase' | 'expiry' | 'revoke' | 'public';

/** Public key as text (to copy or read) with copy and download buttons. */
export function PublicKeyExport({ k, task }: { k: KeyInfo; task: Task }) {
  const [armored, setArmored] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const load = async () => armored ?? (await task.run(t('keysExporting'), async () => {
    const { armored: a } = await ask('keys.exportPublic', { fingerprint: k.fingerprint });
    setArmored(a);
    return a;
  }));
  const copy = async () => {
    const a = await load();
    if (!a) return;
    try {
      await navigator.clipboard.writeText(a);
      setCopied(true);
    } catch {
      task.setError(t('keysCopyFailed'));
    }
  };
  const save = async () => {
    const a = await load();
    if (a) download(`${fileStem(displayName(k), k.fingerprint)}.asc`, a);
  };
  return (
    <div class="export">
      <button type="button" class="copy-public" onClick={() => void copy()}>{t('keysCopyPublic')}</button>{' '}
      <button type="button" class="download-public" onClick={() => void save()}>{t('keysDownloadPublic')}</button>{' '}
      <button type="button" class="show-public" onClick={() => void load()}>{t('keysShowPublic')}</button>
      {copied && <span role="status" class="ok"> {t('keysCopied')}</span>}
      {armored && (
        <>
          <label for={`pub-${k.fingerprint}`}>{t('keysPublicKeyText')}</label>
          <textarea id={`pub-${k.fingerprint}`} class="armor public-armor" readOnly rows={8} cols={66} value={armored} />
        </>
      )}
    </div>
  );
}

function OwnKey({ k, onState }: { k: KeyInfo; onState: (s: KeysState) => void }) {
  const [panel, setPanel] = useState<Panel>('none');
  const [pass, setPass] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [days, setDays] = useState(730);
  const [revocation, setRevocation] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const task = useTask();
  const open = (p: Panel) => { setPanel(panel === p ? 'none' : p); setPass(''); setNext(''); setRepeat(''); setDone(null); };
  const finish = (s: KeysState | undefined, message: string) => {
    if (!s) return;
    setPanel('none');
    setDone(message);
    onState(s);
  };
  const fpr = k.fingerprint;
  const changePass = async (e: Event) => {
    e.preventDefault();
    if (next !== repeat) return task.setError(t('keysPassphraseMismatch'));
    finish(await task.run(t('keysWorking'), () => ask('keys.changePassphrase', { fingerprint: fpr, oldPassphrase: pass, newPassphrase: next })), t('keysPassphraseChanged'));
  };
  const extend = async (e: Event) => {
    e.preventDefault();
    finish(await task.run(t('keysWorking'), () => ask('keys.extendExpiry', { fingerprint: fpr, passphrase: pass, expiresInDays: days })), t('keysExpiryExtended'));
  };
  const revoke = async () => {
    const r = await task.run(t('keysWorking'), () => ask('keys.revoke', { fingerprint: fpr, passphrase: pass }));
    if (!r) return;
    setRevocation(r.revocation);
    setPanel('none');
    const s = await task.run(t('keysWorking'), () => ask('keys.state', {}));
    if (s) onState(s);
  };
  const backup = async () => {
    const r = await task.run(t('keysExporting'), () => ask('keys.exportPrivate', { fingerprint: fpr }));
    if (r) download(`${fileStem(displayName(k), fpr)}-private.asc`, r.armored);
  };
  return (
    <li class="key own-key" data-fingerprint={fpr} aria-labelledby={`own-${fpr}`}>
      <h3 id={`own-${fpr}`}>{displayName(k)} <StatusBadges k={k} /></h3>
      <KeyFacts k={k} />
      <div class="actions">
        {!k.isDefault && k.status === 'valid' && (
          <button type="button" class="make-default" onClick={() => void task.run(t('keysWorking'), () => ask('keys.setDefault', { fingerprint: fpr })).then((s) => s && onState(s))}>
            {t('keysMakeDefault')}
          </button>
        )}
        <button type="button" class="change-passphrase" aria-expanded={panel === 'passphrase'} onClick={() => open('passphrase')}>{t('keysChangePassphrase')}</button>
        {k.status !== 'revoked' && <button type="button" class="extend-expiry" aria-expanded={panel === 'expiry'} onClick={() => open('expiry')}>{t('keysExtendExpiry')}</button>}
        <button type="button" class="export-private" onClick={() => void backup()}>{t('keysExportPrivate')}</button>
        {k.status !== 'revoked' && <button type="button" class="danger revoke" aria-expanded={panel === 'revoke'} onClick={() => open('revoke')}>{t('keysRevoke')}</button>}
      </div>
      <PublicKeyExport k={k} task={task} />
      {panel === 'passphrase' && (
        <form class="panel" onSubmit={(e) => void changePass(e)}>
          <label for={`old-${fpr}`}>{t('keysCurrentPassphrase')}</label>
          <input id={`old-${fpr}`} type="password" autocomplete="current-password" value={pass} ref={(el) => el?.focus()} onInput={(e) => setPass(e.currentTarget.value)} />
          <NewPassphrase id={`new-${fpr}`} value={next} repeat={repeat} onValue={setNext} onRepeat={setRepeat} />
          <p><button type="submit" class="primary">{t('keysSave')}</button></p>
        </form>
      )}
      {panel === 'expiry' && (
        <form class="panel" onSubmit={(e) => void extend(e)}>
          <ExpirySelect id={`expiry-${fpr}`} value={days} onChange={setDays} />
          <label for={`exp-pass-${fpr}`}>{t('keysPassphrase')}</label>
          <input id={`exp-pass-${fpr}`} type="password" autocomplete="current-password" value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
          <p><button type="submit" class="primary">{t('keysSave')}</button></p>
        </form>
      )}
      {panel === 'revoke' && (
        <div class="panel">
          <p class="warn">{t('keysRevokeWarning')}</p>
          <label for={`rev-pass-${fpr}`}>{t('keysPassphrase')}</label>
          <input id={`rev-pass-${fpr}`} type="password" autocomplete="current-password" value={pass} ref={(el) => el?.focus()} onInput={(e) => setPass(e.currentTarget.value)} />
          {pass && <Confirm danger text={t('keysRevokeConfirm', displayName(k))} yes={t('keysRevokeYes')} onYes={() => void revoke()} onNo={() => open('none')} />}
        </div>
      )}
      {revocation && (
        <div class="panel revocation" role="status">
          <p>{t('keysRevoked')}</p>
          <button type="button" class="download-revocation" onClick={() => download(`${fileStem(displayName(k), fpr)}-revocation.asc`, revocation)}>{t('keysDownloadRevocation')}</button>
        </div>
      )}
      {done && <p role="status" class="ok">{done}</p>}
      <TaskStatus task={task} />
    </li>
  );
}

export function OwnKeys({ state, onState }: { state: KeysState; onState: (s: KeysState) => void }) {
  const [adding, setAdding] = useState<'none' | 'create' | 'import'>('none');
  const refresh = () => void ask('keys.state', {}).then(onState, () => undefined);
  const own = state.keys.filter((k) => k.own);
  return (
    <section id="own-keys" aria-labelledby="own-title">
      <ViewHeading id="own-title">{t('keysOwnTitle')}</ViewHeading>
      <ul class="keys">{own.map((k) => <OwnKey key={k.fingerprint} k={k} onState={onState} />)}</ul>
      <p>
        <button type="button" id="add-create" aria-expanded={adding === 'create'} onClick={() => setAdding(adding === 'create' ? 'none' : 'create')}>{t('keysCreateAnother')}</button>{' '}
        <button type="button" id="add-import" aria-expanded={adding === 'import'} onClick={() => setAdding(adding === 'import' ? 'none' : 'import')}>{t('keysImportPrivateTitle')}</button>
      </p>
      {adding === 'create' && <CreateKey onCreated={() => { setAdding('none'); refresh(); }} />}
      {adding === 'import' && <ImportPrivate onImported={() => { setAdding('none'); refresh(); }} />}
    </section>
  );
}
