/**
 * The secure composer: the only place the user types plaintext. It lives in an extension-origin
 * frame over the site's compose box; the page can neither read nor script it. Drafts are kept by
 * the background (extension-only; sealed to the user's key on disk) until really sent.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { ChatState, FrameRequest } from '@src/protocol';
import { t } from '../lib/i18n';
import { layout } from '../lib/layout';
import { ask, RemoteError, onBroadcast } from '../lib/messaging';
import { claimFrame } from './claim';
import { Setup } from './setup';
import { errorText } from './errors';
import { Unlock } from './unlock';
import './style';

type Chat = Extract<FrameRequest, { kind: 'compose' }>;

function Badge({ onOpen }: { onOpen: () => void }) {
  useEffect(() => layout({ action: 'mode', mode: 'badge' }), []);
  return (
    <button type="button" class="badge" title={t('composeBadgeTitle')} onClick={onOpen}>
      <span aria-hidden="true">🔒</span>
      {t('composeBadge')}
    </button>
  );
}

function Editor({ chat, state, onState }: { chat: Chat; state: ChatState; onState: (s: ChatState | null) => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [menu, setMenu] = useState(false);
  const [confirmOff, setConfirmOff] = useState(false);
  const [focusLost, setFocusLost] = useState(false);
  const [sealed, setSealed] = useState(false);
  const [unreadable, setUnreadable] = useState(false);
  const [unsaved, setUnsaved] = useState('');
  const lastActive = useRef(0);
  const sentHeight = useRef(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const inner = useRef<HTMLDivElement>(null);

  // Mailvelope's lesson: if focus leaves the secure editor right after typing, something may be
  // stealing keystrokes (a fake composer over ours). Tell the user instead of failing silently.
  // Clicking in counts as typing: a page that takes the focus between the click and the first key
  // would otherwise receive every keystroke unnoticed.
  useEffect(() => {
    const active = () => { lastActive.current = Date.now(); };
    const blur = () => {
      if (Date.now() - lastActive.current < 1500) {
        setFocusLost(true);
        layout({ action: 'focus-lost' });
      }
    };
    addEventListener('pointerdown', active, true);
    addEventListener('focus', active);
    addEventListener('blur', blur);
    return () => {
      removeEventListener('pointerdown', active, true);
      removeEventListener('focus', active);
      removeEventListener('blur', blur);
    };
  }, []);

  useEffect(() => {
    layout({ action: 'mode', mode: 'cover' });
    loadDraft();
    area.current?.focus();
    const refocus = () => area.current?.focus();
    addEventListener('focus', refocus);
    return () => removeEventListener('focus', refocus);
  }, []);

  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
    // The content's own height (the frame's min-height would only ever report the frame's size back).
    const box = inner.current;
    const height = box ? Math.ceil(box.getBoundingClientRect().height) + 12 : 0;
    // Not on every keystroke: only when a line is added or removed (each report is a round trip).
    if (box && Math.abs(height - sentHeight.current) > 1) {
      layout({ action: 'size', height });
      sentHeight.current = height;
    }
  }, [text, error, menu, confirmOff, focusLost, state]);

  // A draft sealed while the key was locked (after a browser restart) opens once it is unlocked.
  function loadDraft() {
    void ask('compose.draft', {}).then(({ text: saved, sealed: isSealed, unreadable: lost }) => {
      setSealed(isSealed);
      setUnreadable(!!lost);
      // Never overwrite what the user already typed while the draft was loading.
      if (saved && !area.current?.value) setText(saved);
    }, () => undefined);
  }
  useEffect(() => {
    if (sealed && !state.locked) loadDraft();
  }, [state.locked]);

  const edit = (value: string) => {
    setText(value);
    setError('');
    setUnreadable(false);
    // Saving can fail (storage full): say so while the text is still on screen.
    void ask('compose.draft', { text: value }).then(() => setUnsaved(''), (e) => setUnsaved(errorText(e)));
  };

  // The user may keep typing while a message is on its way: only the sent text leaves the draft.
  const send = async () => {
    const sending = text;
    if (!sending.trim() || busy) return;
    setBusy(true);
    setError('');
    try {
      await ask('compose.send', { text: sending });
      const rest = area.current && area.current.value.startsWith(sending) ? area.current.value.slice(sending.length) : '';
      edit(rest);
    } catch (e) {
      setError(errorText(e));
      if (e instanceof RemoteError && e.code === 'locked') onState({ ...state, locked: true });
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  };

  const names = state.recipients.map((r) => (r.verified ? r.name : `${r.name} (${t('composeUnverified')})`)).join(', ');
  return (
    <div class="composer"><div ref={inner}>
      <div class="composer-row">
        <span class="lock" title={t('composeLockLabel')} aria-label={t('composeLockLabel')}>🔒</span>
        <textarea
          ref={area}
          rows={1}
          value={text}
          // Sending needs the key unlocked anyway: unlock first, so the kept draft is never overwritten.
          disabled={sealed && state.locked}
          aria-label={t('composePlaceholder')}
          placeholder={t('composePlaceholder')}
          onInput={(e) => edit(e.currentTarget.value)}
          onKeyDown={(e) => {
            lastActive.current = Date.now();
            setFocusLost(false);
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <button type="button" class="menu-button" aria-label={t('composeMenu')} aria-expanded={menu} onClick={() => setMenu(!menu)}>⋯</button>
      </div>
      <div class="recipients" data-mantle-recipients>{t('composeTo', names)}</div>
      {busy && <div role="status" class="status">{t('composeSending')}</div>}
      {error && <div role="alert" class="error">{error}</div>}
      {state.recipients.length === 0 && <div role="alert" class="error">{t('errNoRecipients')}</div>}
      {focusLost && <div role="alert" class="error" data-mantle-focus-lost>{t('composeFocusLost')}</div>}
      {unsaved && <div role="alert" class="error" data-mantle-unsaved>{unsaved}</div>}
      {sealed && state.locked && <div role="status" class="status" data-mantle-sealed-draft>{t('composeSealedDraft')}</div>}
      {unreadable && <div role="status" class="status" data-mantle-unreadable-draft>{t('composeUnreadableDraft')}</div>}
      {state.locked && (
        <Unlock label={t('composeUnlockTitle')} onUnlocked={() => {
          setError('');
          onState({ ...state, locked: false });
          area.current?.focus();
        }} />
      )}
      {confirmOff && (
        <div role="alertdialog" aria-label={t('composeTurnOff')} class="menu">
          <p class="error">{t('composeTurnedOffConfirm')}</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void ask('compose.bind', { enabled: false, recipients: [] }).then(onState, (e) => setError(errorText(e)))}>{t('composeTurnOff')}</button>
            <button type="button" autoFocus onClick={() => setConfirmOff(false)}>{t('composeCancel')}</button>
          </div>
        </div>
      )}
      {menu && !confirmOff && (
        <div class="menu" role="menu">
          <button role="menuitem" type="button" onClick={() => void ask('compose.shareKey', {}).then(() => setMenu(false), (e) => setError(errorText(e)))}>{t('composeShareKey')}</button>
          <button role="menuitem" type="button" onClick={() => onState(null)}>{t('composeChangeRecipients')}</button>
          <button role="menuitem" type="button" class="danger" onClick={() => setConfirmOff(true)}>{t('composeTurnOff')}</button>
        </div>
      )}
    </div></div>
  );
}

function Compose() {
  const [chat, setChat] = useState<Chat | null | 'refused'>(null);
  const [state, setState] = useState<ChatState | null>(null);
  const [setup, setSetup] = useState(false);

  useEffect(() => {
    void claimFrame().then(async (claimed) => {
      const frame = claimed?.frame;
      if (!frame || frame.kind !== 'compose') return setChat('refused');
      setChat(frame);
      setState(await ask('compose.state', {}));
      // Bindings and the lock change elsewhere too (popup, options, a key imported from a bubble).
      // Firefox tells web-accessible frames nothing about storage.session, so also re-check
      // whenever the user comes back to the composer.
      const refresh = () =>
        void ask('compose.state', {}).then((next) => {
          setState(next);
          // Turned on elsewhere (e.g. by importing a key shared in the chat): leave the setup panel.
          if (next.enabled) setSetup(false);
        }, () => undefined);
      browser.storage.onChanged.addListener((changes) => {
        if (Object.keys(changes).some((k) => k === 'bindings' || k === 'mantle.keyring' || k === 'mantle.keyring.unlocked')) refresh();
      });
      onBroadcast(refresh);
      addEventListener('focus', refresh);
    });
  }, []);

  if (chat === 'refused') return <p class="refused" role="alert">{t('frameRefused')}</p>;
  if (!chat || !state) return null;
  if (setup) {
    return <Setup state={state} onDone={(s) => { setSetup(false); if (s) setState(s); }} />;
  }
  if (!state.enabled) return <Badge onOpen={() => setSetup(true)} />;
  return <Editor chat={chat} state={state} onState={(s) => (s ? setState(s) : setSetup(true))} />;
}

render(<Compose />, document.getElementById('root')!);
