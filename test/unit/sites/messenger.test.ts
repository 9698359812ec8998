// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { messenger } from '../../../src/sites/messenger';
import { byId, fixture } from './fixture';

const u = (s: string): URL => new URL(s);

describe('messenger: pages and conversations', () => {
  it('matches facebook.com only under /messages, and messenger.com', () => {
    expect(messenger.matches(u('https://www.facebook.com/messages/t/1/'))).toBe(true);
    expect(messenger.matches(u('https://www.facebook.com/messages'))).toBe(true);
    expect(messenger.matches(u('https://www.facebook.com/'))).toBe(false);
    expect(messenger.matches(u('https://www.facebook.com/messagesfoo'))).toBe(false);
    expect(messenger.matches(u('https://www.messenger.com/'))).toBe(true);
    expect(messenger.matches(u('https://www.instagram.com/direct/t/1/'))).toBe(false);
    expect(messenger.matches(u('http://www.messenger.com/t/1/'))).toBe(false);
  });

  it('maps every URL variant of one thread to the same id', () => {
    const doc = fixture('messenger');
    for (const url of [
      'https://www.facebook.com/messages/t/7720540997985648/',
      'https://www.facebook.com/messages/e2ee/t/7720540997985648/',
      'https://www.facebook.com/messages/e2ee/t/7720540997985648',
      'https://www.messenger.com/t/7720540997985648/',
      'https://www.messenger.com/e2ee/t/7720540997985648/?foo=1#x',
    ]) {
      expect(messenger.conversation(doc, u(url)), url).toEqual({ id: '7720540997985648', title: 'Alice Smith' });
    }
  });

  it('has no conversation off a thread URL', () => {
    const doc = fixture('messenger');
    expect(messenger.conversation(doc, u('https://www.facebook.com/messages/'))).toBeNull();
    expect(messenger.conversation(doc, u('https://www.messenger.com/'))).toBeNull();
    // messenger.com-style path on facebook.com is not a Messenger page at all
    expect(messenger.conversation(doc, u('https://www.facebook.com/t/7720540997985648/'))).toBeNull();
  });

  it('falls back from the main label to the header link, the h2, then document.title', () => {
    const doc = fixture('messenger');
    const url = u('https://www.messenger.com/t/42/');
    const main = doc.querySelector('[role="main"]')!;
    const link = main.querySelector('a[aria-label]')!;
    main.setAttribute('aria-label', 'Conversation titled Alice S.');
    expect(messenger.conversation(doc, url)?.title).toBe('Alice S.');
    main.removeAttribute('aria-label');
    link.setAttribute('aria-label', 'Alice (link)');
    expect(messenger.conversation(doc, url)?.title).toBe('Alice (link)');
    link.removeAttribute('aria-label');
    expect(messenger.conversation(doc, url)?.title).toBe('Alice Smith');
    main.querySelector('h2')!.remove();
    doc.title = '(3) Someone Else | Messenger';
    expect(messenger.conversation(doc, url)?.title).toBe('Someone Else');
    doc.title = 'Messenger';
    expect(messenger.conversation(doc, url)).toEqual({ id: '42', title: '42' });
  });
});

describe('messenger: compose and send', () => {
  it('finds the Lexical box in main, not a "Send a Like" button', () => {
    const doc = fixture('messenger');
    const box = messenger.composeBox(doc);
    expect(box?.getAttribute('aria-label')).toBe('Write to Alice Smith');
    expect(messenger.sendButton(doc)).toBeNull();
    const like = doc.querySelector('[aria-label="Send a Like"]')!;
    like.setAttribute('aria-label', 'Press enter to send');
    expect(messenger.sendButton(doc)).toBe(like);
  });

  it('refuses an ambiguous or missing compose box', () => {
    const doc = fixture('messenger');
    const box = messenger.composeBox(doc)!;
    box.parentElement!.append(box.cloneNode(true));
    expect(messenger.composeBox(doc)).toBeNull();
    expect(messenger.sendButton(doc)).toBeNull();
    for (const b of doc.querySelectorAll('[data-lexical-editor]')) b.remove();
    expect(messenger.composeBox(doc)).toBeNull();
  });
});

describe('messenger: messages', () => {
  it('reads the grid structure with runs, skipping rows without text', () => {
    const doc = fixture('messenger');
    const list = messenger.messageList(doc)!;
    expect(list.getAttribute('aria-label')).toBe('Messages in conversation titled Alice Smith');
    const msgs = messenger.messages(list);
    expect(msgs.map((m) => [m.row.id, m.own, m.sender, messenger.messageText(m)])).toEqual([
      ['r1', false, 'Alice Smith', 'CIPHERTEXT_IN'],
      ['r2', false, 'Alice Smith', 'second in the run: see https://example.org/x now'],
      ['r4', true, 'You', 'CIPHERTEXT_OUT'],
      ['r5', true, 'You', 'own, run continues'],
    ]);
    expect(msgs[0]!.text.tagName).toBe('DIV');
    expect(messenger.expand(msgs[0]!)).toBe(false);
    // the chat list's grid (in navigation) is never read
    expect(messenger.messages(doc).length).toBe(4);
  });

  it('takes direction from flex-end or the delivery status when the row has no heading', () => {
    const doc = fixture('messenger');
    const r4 = byId(doc, 'r4');
    r4.querySelector('h5')!.remove();
    r4.querySelector('[aria-label^="Enter"]')!.removeAttribute('aria-label');
    let m = messenger.messages(doc).find((x) => x.row === r4)!;
    expect([m.own, m.sender]).toEqual([true, 'You']);
    r4.firstElementChild!.removeAttribute('style');
    m = messenger.messages(doc).find((x) => x.row === r4)!;
    expect(m.own).toBe(true); // delivery status
  });

  it('reads the aria-roledescription structure in a group', () => {
    const doc = fixture('messenger-group');
    const url = u('https://www.messenger.com/t/7720540997985649/');
    expect(messenger.conversation(doc, url)).toEqual({ id: '7720540997985649', title: 'Mantle Friends' });
    const msgs = messenger.messages(messenger.messageList(doc)!);
    expect(msgs.map((m) => [m.row.id, m.own, m.sender, m.id, messenger.messageText(m)])).toEqual([
      ['g1', false, 'Bob Jones', 'mid.$gAAA1', 'hello group'],
      ['g2', false, 'Carol White', undefined, 'MANTLE1 part: x'],
      ['g3', true, 'You', undefined, 'mine'],
      ['g4', true, 'You', undefined, 'unlabelled, follows own run'],
    ]);
    expect(messenger.sendButton(doc)?.getAttribute('aria-label')).toBe('Press enter to send');
  });

  it('never returns a bubble twice, whatever root is given', () => {
    const doc = fixture('messenger-group');
    const g1 = byId(doc, 'g1');
    expect(messenger.messages(g1).length).toBe(1);
    expect(messenger.messages(g1.firstElementChild as HTMLElement).length).toBe(1);
  });
});

it('maxMessageLength stays under the ~20,000 limit', () => {
  expect(messenger.maxMessageLength).toBeLessThanOrEqual(20000);
});
