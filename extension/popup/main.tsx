import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { TabStatus } from '@src/protocol';
import { t } from '../lib/i18n';
import { askTab } from '../lib/messaging';
import { LockControl } from './lock';
import '../lib/page.css';

type View = { kind: 'loading' } | { kind: 'unsupported' } | { kind: 'status'; status: TabStatus };

/** The popup asks the active tab's content script; no answer means Mantle does not run there. */
async function load(): Promise<View> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined) return { kind: 'unsupported' };
  try {
    return { kind: 'status', status: await askTab(tab.id, 'page.status', {}) };
  } catch {
    return { kind: 'unsupported' };
  }
}

function Status({ view }: { view: View }) {
  if (view.kind === 'loading') return null;
  if (view.kind === 'unsupported') return <p role="status">{t('popupUnsupported')}</p>;
  const s = view.status;
  if (!s.recognised) return <p role="status" class="warn">{t('popupNotRecognised')}</p>;
  return (
    <div role="status">
      <p>{t('popupSupported', s.siteName ?? '')}</p>
      <p>{s.conversation ? t('popupConversation', s.conversation.title) : t('popupNoConversation')}</p>
    </div>
  );
}

function Popup() {
  const [view, setView] = useState<View>({ kind: 'loading' });
  useEffect(() => void load().then(setView), []);
  return (
    <main id="mantle-popup" style={{ width: '20rem', padding: '0.8rem' }}>
      <h1>{t('brand')}</h1>
      <Status view={view} />
      <LockControl />
      <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
        {t('openOptions')}
      </button>
    </main>
  );
}

render(<Popup />, document.getElementById('root')!);
