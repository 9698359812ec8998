/**
 * The popup's part for sites without an adapter: open the secure composer for the focused field,
 * decrypt the page, or enable Mantle on this site for good. The popup's own opening (a click on
 * the toolbar button) granted activeTab for this tab; "always" asks for a host permission, which
 * must be requested inside the click (Firefox refuses it after any await).
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { AnysiteAction } from '@src/protocol';
import { adapterFor } from '@src/sites/registry';
import { t, type MessageKey } from '../lib/i18n';
import { ask, RemoteError } from '../lib/messaging';

interface Target { tabId: number; origin: string | null }

const ERRORS: Record<string, MessageKey> = {
  'no-field': 'anysiteNoField',
  'anysite-no-access': 'anysiteNoAccess',
  'anysite-chat-site': 'anysiteChatSite',
};

async function target(): Promise<Target | null> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined) return null;
  let url: URL | null = null;
  try {
    url = tab.url ? new URL(tab.url) : null;
  } catch {
    url = null;
  }
  // Only https pages of sites without an adapter; the URL is unknown only without any access.
  if (url && (url.protocol !== 'https:' || adapterFor(url))) return null;
  return { tabId: tab.id, origin: url?.origin ?? null };
}

export function AnysiteActions() {
  const [tab, setTab] = useState<Target | null>(null);
  const [always, setAlways] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    void target().then(async (found) => {
      setTab(found);
      if (found?.origin) setAlways(await browser.permissions.contains({ origins: [`${found.origin}/*`] }));
    });
  }, []);
  if (!tab) return null;

  const run = (action: AnysiteAction) => {
    setError('');
    ask('anysite.run', { tabId: tab.tabId, action }).then(
      () => (action === 'compose' ? window.close() : undefined),
      (e: unknown) => setError(t((e instanceof RemoteError && ERRORS[e.code]) || 'anysiteFailed')),
    );
  };

  const toggle = (on: boolean) => {
    const origins = [`${tab.origin}/*`];
    // Called synchronously in the click: the browser asks the user, the background registers.
    const asked = on ? browser.permissions.request({ origins }) : browser.permissions.remove({ origins });
    void asked.then(async () => setAlways(await browser.permissions.contains({ origins })), () => setError(t('anysiteFailed')));
  };

  return (
    <section class="anysite" data-mantle-anysite aria-labelledby="anysite-title">
      <h2 id="anysite-title">{t('anysiteTitle')}</h2>
      <p class="muted">{t('anysiteHelp')}</p>
      <button type="button" id="anysite-compose" onClick={() => run('compose')}>{t('anysiteCompose')}</button>{' '}
      <button type="button" id="anysite-decrypt" onClick={() => run('decrypt')}>{t('anysiteDecrypt')}</button>
      {tab.origin && (
        <label class="anysite-always">
          <input type="checkbox" id="anysite-always" checked={always} onChange={(e) => toggle(e.currentTarget.checked)} />
          {t('anysiteAlways', new URL(tab.origin).hostname)}
        </label>
      )}
      {error && <p role="alert" class="error">{error}</p>}
    </section>
  );
}
