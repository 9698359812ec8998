/**
 * Lock state with "Lock now" and an unlock form for the default key. Used in the popup and the
 * options page; the passphrase goes only to the background.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { KeysLockState } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { keysErrorText } from '../options/errors';

export function LockControl({ onChange }: { onChange?: (s: KeysLockState) => void } = {}) {
  const [state, setState] = useState<KeysLockState | null>(null);
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const alert = useRef<HTMLDivElement>(null);
  const status = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    void ask('keys.lockState', {}).then(setState, (e) => setError(keysErrorText(e)));
  }, []);
  useEffect(() => {
    if (error) alert.current?.focus();
  }, [error]);

  const act = async (fn: () => Promise<KeysLockState>) => {
    setBusy(true);
    setError('');
    try {
      const s = await fn();
      setState(s);
      setPass('');
      onChange?.(s);
      status.current?.focus();
    } catch (e) {
      setError(keysErrorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!state) return error ? <div role="alert" class="error">{error}</div> : null;
  if (!state.hasKey) return <p class="lock-state muted" data-locked="none">{t('lockNoKey')}</p>;
  return (
    <div class="lock-control">
      <p class="lock-state" data-locked={String(state.locked)} tabIndex={-1} ref={status}>
        {state.locked ? t('lockLocked') : t('lockUnlocked')}
      </p>
      {!state.locked ? (
        <button type="button" id="lock-now" disabled={busy} onClick={() => void act(() => ask('keys.lock', {}))}>{t('lockNow')}</button>
      ) : (
        <form class="unlock-form" onSubmit={(e) => { e.preventDefault(); void act(() => ask('keys.unlock', { passphrase: pass })); }}>
          <label for="unlock-pass">{t('lockPassphraseFor', state.defaultKey?.name || state.defaultKey?.email || '')}</label>
          <input id="unlock-pass" type="password" autocomplete="current-password" value={pass} disabled={busy}
            onInput={(e) => setPass(e.currentTarget.value)} />{' '}
          <button type="submit" id="unlock-submit" disabled={busy || !pass}>{t('lockUnlock')}</button>
        </form>
      )}
      <p role="status" class="busy">{busy ? t('lockWorking') : ''}</p>
      {error && <div role="alert" class="error" tabIndex={-1} ref={alert}>{error}</div>}
    </div>
  );
}
