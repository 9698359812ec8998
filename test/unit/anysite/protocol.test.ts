import { describe, expect, test } from 'vitest';
import { allowedSenders, classifySender } from '../../../src/protocol';

const self = { extensionId: 'mantle', extensionOrigin: 'chrome-extension://mantle/' };
const supported = (url: URL) => url.hostname === 'www.instagram.com';

describe('the generic content script as a sender', () => {
  test('our script in the top frame of another https site is "generic", not "content"', () => {
    const sender = { id: 'mantle', url: 'https://example.org/mail', tab: { id: 3 }, frameId: 0 };
    expect(classifySender(sender, self, supported)).toBe('generic');
    expect(classifySender({ ...sender, url: 'https://www.instagram.com/direct/t/1/' }, self, supported)).toBe('content');
  });

  test('subframes, http pages and other extensions are nobody', () => {
    const sender = { id: 'mantle', url: 'https://example.org/', tab: { id: 3 }, frameId: 0 };
    expect(classifySender({ ...sender, frameId: 2 }, self, supported)).toBeNull();
    expect(classifySender({ ...sender, url: 'http://example.org/' }, self, supported)).toBeNull();
    expect(classifySender({ ...sender, id: 'other' }, self, supported)).toBeNull();
  });

  test('a generic script may only ask for frame tokens (and give them back); only the popup may run it', () => {
    const allowed = Object.entries(allowedSenders).filter(([, who]) => who.includes('generic')).map(([type]) => type);
    expect(allowed).toEqual(['content.frameToken', 'content.framesGone']);
    expect(allowedSenders['anysite.run']).toEqual(['popup']);
  });
});
