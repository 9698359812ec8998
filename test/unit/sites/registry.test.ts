// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { adapterFor, adapters } from '../../../src/sites/registry';
import { fixture } from './fixture';

describe('registry', () => {
  it('picks the adapter per URL', () => {
    expect(adapterFor(new URL('https://www.facebook.com/messages/e2ee/t/1/'))?.id).toBe('messenger');
    expect(adapterFor(new URL('https://www.messenger.com/t/1/'))?.id).toBe('messenger');
    expect(adapterFor(new URL('https://www.instagram.com/direct/t/1/'))?.id).toBe('instagram');
    expect(adapterFor(new URL('https://web.whatsapp.com/'))?.id).toBe('whatsapp');
    expect(adapterFor(new URL('https://www.facebook.com/'))).toBeNull();
    expect(adapterFor(new URL('https://discord.com/channels/1/2'))).toBeNull();
    expect(new Set(adapters.map((a) => a.id)).size).toBe(3);
  });

  it('recognises nothing on an unknown page, even with a stray Lexical editor and Send buttons', () => {
    const doc = fixture('unknown');
    const urls: Record<string, string> = {
      messenger: 'https://www.facebook.com/messages/t/1/',
      instagram: 'https://www.instagram.com/direct/t/1/',
      whatsapp: 'https://web.whatsapp.com/',
    };
    for (const a of adapters) {
      const conv = a.conversation(doc, new URL(urls[a.id]!));
      // Meta threads keep their URL id, but no title is invented beyond it; WhatsApp has no chat.
      if (a.id === 'whatsapp') expect(conv).toBeNull();
      else expect(conv?.title).toBe('1');
      expect(a.composeBox(doc), a.id).toBeNull();
      expect(a.sendButton(doc), a.id).toBeNull();
      expect(a.messageList(doc), a.id).toBeNull();
      expect(a.messages(doc), a.id).toEqual([]);
    }
  });
});
