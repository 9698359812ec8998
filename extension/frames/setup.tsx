/** Chat setup inside the secure frame: pick whose keys receive this chat's messages. */
import { useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { ChatState } from '@src/protocol';
import { t } from '../lib/i18n';
import { layout } from '../lib/layout';
import { ask } from '../lib/messaging';
import { errorText } from './errors';

export function Setup({ state, onDone }: { state: ChatState; onDone: (s: ChatState | null) => void }) {
  const [picked, setPicked] = useState<string[]>(state.recipients.map((r) => r.fingerprint));
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    heading.current?.focus();
    const height = (root.current?.scrollHeight ?? 300) + 4;
    layout({ action: 'mode', mode: 'panel', height });
  }, [error]);

  const toggle = (fpr: string, on: boolean) => setPicked(on ? [...picked, fpr] : picked.filter((f) => f !== fpr));
  const start = async () => {
    if (!picked.length) return setError(t('errNoRecipients'));
    try {
      onDone(await ask('compose.bind', { enabled: true, recipients: picked }));
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div class="panel" ref={root} onKeyDown={(e) => e.key === 'Escape' && onDone(null)}>
      <h1 tabIndex={-1} ref={heading}>{t('composeSetupTitle')}</h1>
      {!state.ownKey ? (
        <p>{t('composeNoOwnKey')}</p>
      ) : state.contacts.length === 0 ? (
        <p>{t('composeNoContacts')}</p>
      ) : (
        <fieldset>
          <legend>{t('composeSetupHelp')}</legend>
          {state.contacts.map((c) => (
            <label class="contact" key={c.fingerprint}>
              <input type="checkbox" checked={picked.includes(c.fingerprint)} onChange={(e) => toggle(c.fingerprint, e.currentTarget.checked)} />
              <span>{c.name}{c.email ? ` <${c.email}>` : ''}</span>
              <span class={c.verified ? 'ok' : 'muted'}>{c.verified ? '✔' : t('composeUnverified')}</span>
            </label>
          ))}
        </fieldset>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <div class="actions">
        {state.ownKey && state.contacts.length > 0 && (
          <button type="button" class="primary" onClick={() => void start()}>{t('composeStart')}</button>
        )}
        {(!state.ownKey || state.contacts.length === 0) && (
          <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>{t('composeOpenSettings')}</button>
        )}
        {state.ownKey && (
          <button type="button" onClick={() => void ask('compose.shareKey', {}).catch((e) => setError(errorText(e)))}>{t('composeShareKey')}</button>
        )}
        <button type="button" onClick={() => onDone(null)}>{t('composeCancel')}</button>
      </div>
    </div>
  );
}
