/**
 * A hostile page script: everything the site's own JavaScript could observe, recorded into
 * window.__hostile. It runs in the page's main world (installed through the automation protocol
 * after the replica loads, as a script the site could ship at any time) with exactly the page's
 * powers. Tests search the log for plaintext, passphrases and key material.
 */
export function installRecorder(): void {
  const w = window as unknown as { __hostile?: { log: string[]; dump(): string } };
  if (w.__hostile) return;
  const log: string[] = [];
  const rec = (kind: string, value: unknown) => {
    try {
      log.push(`${kind}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    } catch {
      log.push(`${kind}: [unserialisable]`);
    }
  };
  w.__hostile = { log, dump: () => log.join('\n') };

  const events = ['keydown', 'keyup', 'keypress', 'input', 'beforeinput', 'compositionstart', 'compositionupdate',
    'compositionend', 'copy', 'cut', 'paste', 'focus', 'blur', 'focusin', 'focusout', 'selectionchange', 'message'];
  for (const type of events) {
    window.addEventListener(type, (e) => {
      const ev = e as KeyboardEvent & InputEvent & ClipboardEvent & MessageEvent;
      rec(`event ${type}`, {
        key: ev.key, data: ev.data, target: (e.target as HTMLElement | null)?.textContent?.slice(0, 2000),
        clip: ev.clipboardData?.getData('text/plain'), msg: type === 'message' ? ev.data : undefined,
        selection: String(getSelection()),
      });
    }, true);
  }
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') rec('mutation text', r.target.textContent);
      if (r.type === 'attributes') rec(`mutation attr ${r.attributeName}`, (r.target as Element).getAttribute(r.attributeName!));
      for (const n of r.addedNodes) rec('mutation added', n.textContent);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  setInterval(() => {
    rec('scan innerText', document.body.innerText);
    rec('scan textContent', document.documentElement.textContent);
    rec('scan selection', String(getSelection()));
    for (const frame of document.querySelectorAll('iframe')) {
      try {
        rec('frame read', frame.contentDocument?.documentElement.textContent ?? 'null contentDocument');
      } catch (err) {
        rec('frame read refused', String(err));
      }
      try {
        rec('frame window read', (frame.contentWindow as Window).document.body.textContent);
      } catch (err) {
        rec('frame window refused', String(err));
      }
    }
  }, 100);
  // Everything the page could send out.
  const origFetch = window.fetch;
  window.fetch = (input, init) => {
    rec('fetch', { url: String(input), body: typeof init?.body === 'string' ? init.body : null });
    return origFetch(input, init);
  };
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    rec('xhr', typeof body === 'string' ? body : null);
    return origSend.call(this, body);
  };
  const origBeacon = navigator.sendBeacon?.bind(navigator);
  if (origBeacon) navigator.sendBeacon = (url, data) => (rec('beacon', { url: String(url), data: typeof data === 'string' ? data : null }), origBeacon(url, data));
  const origWsSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    rec('websocket', typeof data === 'string' ? data : null);
    return origWsSend.call(this, data);
  };
  const origPost = window.postMessage.bind(window);
  window.postMessage = ((msg: unknown, opts?: unknown) => (rec('postMessage', msg), origPost(msg, opts as string))) as typeof window.postMessage;
  // Patched prototypes: every listener the page (or anyone using the page's prototypes) adds.
  const origAdd = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type: string, listener: EventListenerOrEventListenerObject | null, opts?: boolean | AddEventListenerOptions) {
    if (typeof listener === 'function') {
      const wrapped = function (this: unknown, e: Event) {
        rec(`listener ${type}`, { data: (e as InputEvent).data, key: (e as KeyboardEvent).key });
        return (listener as EventListener).call(this, e);
      };
      return origAdd.call(this, type, wrapped, opts);
    }
    return origAdd.call(this, type, listener, opts);
  };
  const origShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = origShadow.call(this, { ...init, mode: 'open' });
    rec('attachShadow', init.mode);
    return root;
  };
  const origExec = document.execCommand.bind(document);
  document.execCommand = (cmd: string, ui?: boolean, value?: string) => (rec('execCommand', { cmd, value }), origExec(cmd, ui, value));
}

/** Secrets (or any 8-character piece of them) found in the log. */
export function leaks(log: string, secrets: string[], min = 8): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const chars = [...secret];
    if (chars.length < min) {
      if (log.includes(secret)) found.push(secret);
      continue;
    }
    for (let i = 0; i + min <= chars.length; i++) {
      const piece = chars.slice(i, i + min).join('');
      if (log.includes(piece) || log.includes(JSON.stringify(piece).slice(1, -1))) {
        found.push(piece);
        break;
      }
    }
  }
  return found;
}
