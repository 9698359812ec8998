/**
 * The anysite tool's message frame: one decrypted message inside a bubble of a site Mantle has no
 * adapter for (the chat sites get the thread frame, thread.tsx). The plaintext exists only in this
 * extension-origin document; the content script only ever handled the ciphertext.
 */
import { render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { BubbleStyle, Rendered } from '@src/protocol';
import type { Shown } from '@src/render/outcome';
import { t } from '../lib/i18n';
import { layout } from '../lib/layout';
import { ask, mayRetry, onBroadcast } from '../lib/messaging';
import { claimFrame } from './claim';
import { errorText } from './errors';
import { Body } from './bubble';
import './style';

function applyStyle(s: BubbleStyle): void {
  const root = document.documentElement.style;
  root.setProperty('color', s.color);
  root.setProperty('font-size', s.fontSize);
  root.setProperty('font-family', s.fontFamily);
  root.setProperty('line-height', s.lineHeight);
  root.setProperty('color-scheme', s.dark ? 'dark' : 'light');
}

/** The background can be stopped mid-decrypt (an MV3 worker is stopped at will): ask again. */
async function open(): Promise<Shown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask('message.open', {});
    } catch (e) {
      if (!mayRetry(e)) return { state: 'damaged', detail: errorText(e) };
      if (attempt >= 3) return { state: 'damaged', detail: 'unavailable' };
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  }
}

function Message() {
  const [r, setR] = useState<Shown | 'refused' | null>(null);
  const current = useRef(r);
  current.current = r;
  // Set once content has been measured: new content (unlocked, a key imported) may need more width.
  const measured = useRef(false);
  useEffect(() => {
    // Unlocked from another bubble, the composer or the popup: open without asking again.
    // Locked: the plaintext leaves the screen too, not only the background's caches.
    onBroadcast(() => {
      const now = current.current;
      // Only a change re-renders: the same content would be measured (and widened) again.
      if (now && now !== 'refused') void open().then((next) => JSON.stringify(next) !== JSON.stringify(current.current) && setR(next));
    });
    void claimFrame().then(async (claimed) => {
      const frame = claimed?.frame;
      if (!frame || frame.kind !== 'message') return setR('refused');
      applyStyle(frame.style);
      setR(claimed.shown ?? (await open()));
    });
  }, []);
  useLayoutEffect(() => {
    const el = document.querySelector<HTMLElement>('.wrap');
    if (!el) return;
    // Each report is a round trip through the background to the page: send a size once, and again
    // only when it really changes (the observer also fires for the frame's own resize).
    let last = '';
    let pending = 0;
    // The frame was narrowed to the previous content: give it the bubble's width back first.
    let widen = measured.current;
    measured.current = true;
    const size = () => {
      pending = 0;
      const box = el.getBoundingClientRect();
      if (widen) {
        widen = false;
        last = '';
        layout({ action: 'size', height: box.height, widen: true });
        return;
      }
      // Text that fills the frame is wrapping to it: asking for its width (plus the host's slack)
      // would widen the frame, let the text fill that, and so on. Only a narrower content shrinks it.
      const width = box.width < innerWidth - 3 ? box.width : undefined;
      const key = `${Math.ceil(box.height)}x${width === undefined ? '' : Math.ceil(width)}`;
      if (key === last) return;
      last = key;
      layout({ action: 'size', height: box.height, ...(width === undefined ? {} : { width }) });
    };
    // At most one report per animation frame, with the size the content settled on.
    const schedule = () => (pending ||= requestAnimationFrame(size));
    const ro = new ResizeObserver(schedule);
    ro.observe(el);
    // After widening, content that does not wrap keeps its size: the frame's own resize says when to measure.
    addEventListener('resize', schedule);
    return () => {
      ro.disconnect();
      removeEventListener('resize', schedule);
      cancelAnimationFrame(pending);
    };
  }, [r]);
  if (r === 'refused') return <p class="refused" role="alert">{t('frameRefused')}</p>;
  if (!r) return null;
  // An inline-block wrapper measures the content's natural size, so the bubble can shrink to it.
  return (
    <div class="wrap">
      <Body r={r} reopen={() => void ask('message.open', {}).then(setR)} importKey={(confirmKeyChange) => ask('message.importKey', { confirmKeyChange }).then((n) => (setR(n), n))} />
    </div>
  );
}

document.documentElement.classList.add('message-frame');
render(<Message />, document.getElementById('root')!);
