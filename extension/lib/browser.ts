/**
 * The browser's own extension API, typed as webextension-polyfill's `browser`. The content script
 * runs in every chat tab and has a 40 KB budget (issue 7), of which the polyfill took 10 KB while
 * doing nothing there: Firefox has `browser` natively, and every call the content script and
 * lib/messaging.ts make (getURL, id, connect and ports, tabs.sendMessage, onMessage listeners that
 * answer through `sendResponse`) already returns a promise or works the same on Chromium's
 * `chrome` in MV3. Contexts that rely on the polyfill's wrapping (a listener returning a promise)
 * import the polyfill itself.
 */
import type Browser from 'webextension-polyfill';

const g = globalThis as unknown as { browser?: typeof Browser; chrome?: typeof Browser };
const api: typeof Browser = g.browser ?? g.chrome!;
export default api;
