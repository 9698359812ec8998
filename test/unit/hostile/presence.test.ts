import { describe, expect, test } from 'vitest';
import { allowedSenders, showsUserPresence, type BackgroundApi, type Context } from '../../../src/protocol';

// Auto-lock counts only use that a page cannot cause.
describe('what counts as use for auto-lock', () => {
  test('nothing a page can cause by rendering bubbles counts', () => {
    for (const [type, who] of Object.entries(allowedSenders) as [keyof BackgroundApi, readonly Context[]][]) {
      for (const context of who.filter((c) => c === 'content' || c === 'generic')) expect(showsUserPresence(type, context, {}), `${type} from ${context}`).toBe(false);
    }
    for (const type of ['frame.claim', 'frame.layout', 'message.open', 'keys.lockState'] as const) {
      expect(showsUserPresence(type, 'message', {}), type).toBe(false);
    }
    // A composer loading (the page can make the site re-render its compose box) is not use either.
    expect(showsUserPresence('compose.state', 'compose', {})).toBe(false);
    expect(showsUserPresence('compose.draft', 'compose', {})).toBe(false);
  });

  test('typing, sending, unlocking, and Mantle\'s own pages count', () => {
    expect(showsUserPresence('compose.draft', 'compose', { text: 'typed' })).toBe(true);
    expect(showsUserPresence('compose.send', 'compose', { text: 'x' })).toBe(true);
    expect(showsUserPresence('keys.unlock', 'message', { passphrase: 'p' })).toBe(true);
    expect(showsUserPresence('message.importKey', 'message', {})).toBe(true);
    expect(showsUserPresence('keys.state', 'options', {})).toBe(true);
    expect(showsUserPresence('popup.chat', 'popup', {})).toBe(true);
  });
});
