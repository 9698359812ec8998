import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { ChatState, TabStatus } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask, askTab } from '../lib/messaging';
import { LockControl } from './lock';
import { AnysiteActions } from './anysite';
import '../lib/page.css';

type View = { kind: 'loading' } | { kind: 'unsupported' } | { kind: 'status'; status: TabStatus; chat: ChatState | null };

/** The popup asks the active tab's content script; no answer means Mantle does not run there. */
async function load(): Promise<View> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined) return { kind: 'unsupported' };
  try {
    const status = await askTab(tab.id, 'page.status', {});
    const chat = status.site && status.conversation
      ? await ask('popup.chat', { site: status.site, conversationId: status.conversation.id }).catch(() => null)
      : null;
    return { kind: 'status', status, chat };
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
      {view.chat && <Chat chat={view.chat} />}
    </div>
  );
}

function Chat({ chat }: { chat: ChatState }) {
  if (!chat.enabled) return <p class="warn" data-encryption="off">{t('popupEncryptionOff')}</p>;
  return (
    <div data-encryption="on">
      <p class="ok">{t('popupEncryptionOn')}</p>
      <ul>
        {chat.recipients.map((r) => (
          <li key={r.fingerprint}>
            {r.name} <span class={r.verified ? 'ok' : 'warn'}>{r.verified ? t('popupVerified') : t('popupUnverified')}</span>
          </li>
        ))}
      </ul>
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
      {view.kind === 'unsupported' && <AnysiteActions />}
      <LockControl />
      <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
        {t('openOptions')}
      </button>
    </main>
  );
}

render(<Popup />, document.getElementById('root')!);
