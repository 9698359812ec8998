/** Unlock the default key from inside a secure frame; the passphrase never leaves extension pages. */
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { errorText } from './errors';

export function Unlock({ label, onUnlocked }: { label: string; onUnlocked: () => void }) {
  const [pass, setPass] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await ask('keys.unlock', { passphrase: pass });
      setPass('');
      onUnlocked();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="unlock" onSubmit={(e) => void submit(e)}>
      <span class="sig">{label}</span>
      <input type="password" aria-label={t('composePassphrase')} placeholder={t('composePassphrase')} value={pass}
        autocomplete="current-password" onInput={(e) => setPass(e.currentTarget.value)} disabled={busy} />
      <button type="submit" disabled={busy || !pass}>{t('msgUnlock')}</button>
      {error && <div role="alert" class="error">{error}</div>}
    </form>
  );
}
