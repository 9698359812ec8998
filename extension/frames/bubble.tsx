/**
 * One decrypted message as Mantle shows it: its text, its signature line, or what else the
 * ciphertext turned out to be. Shared by the thread frame (every message of a chat) and the
 * message frame (the anysite tool's, one per bubble).
 */
import { useState } from 'preact/hooks';
import type { Rendered } from '@src/protocol';
import type { Shown } from '@src/render/outcome';
import { segments } from '@src/render/display';
import { t } from '../lib/i18n';
import { errorText } from './errors';
import { Unlock } from './unlock';

type Text = Extract<Shown, { state: 'text' }>;

export function Signature({ r }: { r: Text }) {
  const name = r.signer ?? '';
  if ('sentBy' in r) {
    return <span class="sig bad" role="alert" data-signature={r.signature} data-sent-by={r.sentBy}>⚠ {t('msgOtherContact', name)}</span>;
  }
  const [cls, label] =
    r.signature === 'verified' ? ['ok', t('msgVerified', name)]
    : r.signature === 'unverified' ? ['muted', t('msgUnverified', name)]
    : r.signature === 'unknown-signer' ? ['bad', t('msgUnknownSigner')]
    : r.signature === 'bad' ? ['bad', t('msgBadSignature')]
    : ['bad', t('msgUnsigned')];
  return <span class={`sig ${cls}`} data-signature={r.signature}>{r.signature === 'verified' ? '🔒✔ ' : '🔒 '}{label}</span>;
}

/** Text nodes only; reordering and invisible controls shown as their code point. */
export function Plain({ text }: { text: string }) {
  return (
    <div class="message" data-mantle-plaintext>
      {segments(text).map((s) => (typeof s === 'string' ? s : <span class="control" title={t('msgControl', s.control)}>{s.control}</span>))}
    </div>
  );
}

const DAMAGED: Record<string, Parameters<typeof t>[0]> = {
  'no-integrity': 'msgNoIntegrity',
  'too-large': 'msgTooLarge',
  unsupported: 'msgUnsupported',
  'unsupported-version': 'msgNewerVersion',
  unavailable: 'msgUnavailable',
};

/**
 * `reopen`: the key was unlocked here; `importKey`: the user takes the shared key (confirming a
 * changed one); both give the message's new content.
 */
export function Body({ r, reopen, importKey }: { r: Shown; reopen: () => void; importKey: (confirmKeyChange: boolean) => Promise<Rendered> }) {
  const [error, setError] = useState('');
  switch (r.state) {
    case 'text':
      return <div><Plain text={r.text} /><Signature r={r} /></div>;
    case 'waiting':
      return <span class="sig" data-state="waiting">{t('msgWaiting', String(r.missing), String(r.total))}</span>;
    case 'locked':
      return <Unlock label={t('msgLocked')} onUnlocked={reopen} />;
    case 'not-for-you':
      return <span class="sig bad" data-state="not-for-you">{t('msgNotForYou')}</span>;
    case 'damaged':
      return <span class="sig bad" data-state="damaged" data-detail={r.detail}>{t(DAMAGED[r.detail] ?? 'msgDamaged')}</span>;
    case 'key': {
      const take = (confirmKeyChange: boolean) => void importKey(confirmKeyChange).catch((e) => setError(errorText(e)));
      return (
        <div data-state="key">
          <div>🔑 {t('msgKeyShared', r.name)}</div>
          <div class="sig fpr">{r.fingerprint.replace(/(.{4})/g, '$1 ').trim()}</div>
          {r.known === 'new' && <button type="button" onClick={() => take(false)}>{t('msgKeyImport')}</button>}
          {r.known === 'same' && <span class="sig ok">{t('msgKeyKnown')}</span>}
          {r.known === 'own' && <span class="sig">{t('msgKeyOwn')}</span>}
          {r.known === 'changed' && (
            <div role="alert" class="sig bad">{t('msgKeyChanged', r.name)}{' '}
              <button type="button" onClick={() => take(true)}>{t('msgKeyAcceptChange')}</button></div>
          )}
          {error && <div role="alert" class="error">{error}</div>}
        </div>
      );
    }
  }
}
