/** Contacts' keys: list, verify by comparing fingerprints, delete, export. */
import { useState } from 'preact/hooks';
import type { KeyInfo } from '@src/keyring/types';
import type { KeysState } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { ImportContacts } from './import';
import { PublicKeyExport } from './own-keys';
import { Confirm, displayName, Fingerprint, KeyFacts, StatusBadges, TaskStatus, useTask, ViewHeading } from './ui';

/** Side by side: what the user reads out and what the contact should read out. */
function Verify({ k, own, onDone }: { k: KeyInfo; own: KeyInfo | null; onDone: (verified: boolean | null) => void }) {
  return (
    <div class="panel verify" role="group" aria-labelledby={`verify-${k.fingerprint}`} onKeyDown={(e) => e.key === 'Escape' && onDone(null)}>
      <ViewHeading level={3} id={`verify-${k.fingerprint}`}>{t('keysVerifyTitle', displayName(k))}</ViewHeading>
      <p>{t('keysVerifyHelp')}</p>
      <div class="side-by-side">
        <div>
          <h4>{t('keysVerifyYours')}</h4>
          {own ? <Fingerprint fpr={own.fingerprint} /> : <p class="muted">{t('keysVerifyNoOwn')}</p>}
        </div>
        <div>
          <h4>{t('keysVerifyTheirs', displayName(k))}</h4>
          <Fingerprint fpr={k.fingerprint} />
        </div>
      </div>
      <p>
        <button type="button" class="primary they-match" onClick={() => onDone(true)}>{t('keysTheyMatch')}</button>{' '}
        <button type="button" class="no-match" onClick={() => onDone(false)}>{t('keysNoMatch')}</button>{' '}
        <button type="button" onClick={() => onDone(null)}>{t('keysCancel')}</button>
      </p>
    </div>
  );
}

function Contact({ k, own, onState }: { k: KeyInfo; own: KeyInfo | null; onState: (s: KeysState) => void }) {
  const [panel, setPanel] = useState<'none' | 'verify' | 'delete' | 'export'>('none');
  const task = useTask();
  const fpr = k.fingerprint;
  const setVerified = async (verified: boolean | null) => {
    setPanel('none');
    if (verified === null || verified === k.verified) return;
    const s = await task.run(t('keysWorking'), () => ask('keys.setVerified', { fingerprint: fpr, verified }));
    if (s) onState(s);
  };
  const remove = async () => {
    const s = await task.run(t('keysWorking'), () => ask('keys.delete', { fingerprint: fpr }));
    if (s) onState(s);
  };
  return (
    <li class="key contact" data-fingerprint={fpr} aria-labelledby={`contact-${fpr}`}>
      <h3 id={`contact-${fpr}`}><span class="name">{displayName(k)}</span> <StatusBadges k={k} /></h3>
      <KeyFacts k={k} />
      <div class="actions">
        <button type="button" class="verify" aria-expanded={panel === 'verify'} onClick={() => setPanel(panel === 'verify' ? 'none' : 'verify')}>
          {t(k.verified ? 'keysVerifyAgain' : 'keysVerify')}
        </button>
        {k.verified && <button type="button" class="unverify" onClick={() => void setVerified(false)}>{t('keysUnverify')}</button>}
        <button type="button" class="export" aria-expanded={panel === 'export'} onClick={() => setPanel(panel === 'export' ? 'none' : 'export')}>{t('keysExport')}</button>
        <button type="button" class="danger delete" onClick={() => setPanel('delete')}>{t('keysDelete')}</button>
      </div>
      {panel === 'verify' && <Verify k={k} own={own} onDone={(v) => void setVerified(v)} />}
      {panel === 'export' && <PublicKeyExport k={k} task={task} />}
      {panel === 'delete' && (
        <Confirm danger text={t('keysDeleteConfirm', displayName(k))} yes={t('keysDeleteYes')} onYes={() => void remove()} onNo={() => setPanel('none')} />
      )}
      <TaskStatus task={task} />
    </li>
  );
}

export function Contacts({ state, onState }: { state: KeysState; onState: (s: KeysState) => void }) {
  const contacts = state.keys.filter((k) => !k.own);
  const own = state.defaultKey ?? state.keys.find((k) => k.own) ?? null;
  const refresh = () => void ask('keys.state', {}).then(onState, () => undefined);
  return (
    <section id="contacts" aria-labelledby="contacts-title">
      <ViewHeading id="contacts-title">{t('keysContactsTitle')}</ViewHeading>
      <ImportContacts onChanged={refresh} />
      <h3>{t('keysContactsList', String(contacts.length))}</h3>
      {contacts.length === 0 ? <p class="muted">{t('keysNoContacts')}</p> : (
        <ul class="keys">{contacts.map((k) => <Contact key={k.fingerprint} k={k} own={own} onState={onState} />)}</ul>
      )}
    </section>
  );
}
