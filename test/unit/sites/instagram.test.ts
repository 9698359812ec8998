// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { instagram } from '../../../src/sites/instagram';
import { fixture } from './fixture';

const ONE = 'https://www.instagram.com/direct/t/340282366841710301244276027867648171/';
const GROUP = 'https://www.instagram.com/direct/t/340282366841710301244276027867648172/';

describe('instagram: conversation', () => {
  it('takes the id from /direct/t/<id>/ and the title from h2 span[title]', () => {
    const doc = fixture('instagram');
    expect(instagram.matches(new URL(ONE))).toBe(true);
    expect(instagram.matches(new URL('https://www.instagram.com/'))).toBe(true);
    expect(instagram.conversation(doc, new URL(ONE))).toEqual({ id: '340282366841710301244276027867648171', title: 'Alice' });
    expect(instagram.conversation(doc, new URL('https://www.instagram.com/direct/t/340282366841710301244276027867648171'))?.id)
      .toBe('340282366841710301244276027867648171');
    expect(instagram.conversation(doc, new URL('https://www.instagram.com/direct/inbox/'))).toBeNull();
  });

  it('uses the untruncated title attribute, else the container label', () => {
    const doc = fixture('instagram-nogrid');
    expect(instagram.conversation(doc, new URL(GROUP))?.title).toBe('Mantle Friends');
    doc.querySelector('h2')!.remove();
    expect(instagram.conversation(doc, new URL(GROUP))?.title).toBe('Mantle Friends');
  });
});

describe('instagram: compose and send', () => {
  it('finds the box and the "Send" button, not a message reading "Send"', () => {
    const doc = fixture('instagram');
    expect(instagram.composeBox(doc)?.getAttribute('aria-placeholder')).toBe('Message...');
    expect(instagram.sendButton(doc)?.id).toBe('send');
  });

  it('has no send button while the box is empty', () => {
    const doc = fixture('instagram');
    doc.getElementById('send')!.remove();
    expect(instagram.sendButton(doc)).toBeNull(); // the "Send" bubble above is not taken
    const nogrid = fixture('instagram-nogrid');
    expect(instagram.composeBox(nogrid)).not.toBeNull();
    expect(instagram.sendButton(nogrid)).toBeNull();
  });

  it('accepts the svg-icon variant of the send button', () => {
    const doc = fixture('instagram-nogrid');
    const box = instagram.composeBox(doc)!;
    const button = doc.createElement('div');
    button.setAttribute('role', 'button');
    const svg = doc.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('aria-label', 'Send');
    button.append(svg);
    box.parentElement!.append(button);
    expect(instagram.sendButton(doc)).toBe(button);
  });
});

describe('instagram: messages', () => {
  it('reads bubbles inside role=grid with ids, direction and sender', () => {
    const doc = fixture('instagram');
    const list = instagram.messageList(doc)!;
    expect(list.getAttribute('role')).toBe('grid');
    const msgs = instagram.messages(list);
    expect(msgs.map((m) => [m.id, m.own, m.sender, instagram.messageText(m)])).toEqual([
      ['mid.$cAAAAIN1', false, 'Alice', 'CIPHERTEXT_IN'],
      ['mid.$cAAAAOUT1', true, 'You', 'CIPHERTEXT_OUT'],
      ['mid.$cAAAAOUT2', true, 'You', 'Send'],
    ]);
    expect(msgs[0]!.row.getAttribute('role')).toBe('row');
    expect(instagram.expand(msgs[0]!)).toBe(false);
  });

  it('reads a group without role=grid, carrying senders through runs', () => {
    const doc = fixture('instagram-nogrid');
    const list = instagram.messageList(doc)!;
    expect(list.getAttribute('data-pagelet')).toBe('IGDOpenMessageList');
    const msgs = instagram.messages(list);
    expect(msgs.map((m) => [m.id, m.own, m.sender, instagram.messageText(m)])).toEqual([
      ['mid.$gBOB1', false, 'Bob Jones', 'from bob'],
      ['mid.$gBOB2', false, 'Bob Jones', 'line oneline two'],
      ['mid.$gCAR1', false, 'Carol White', 'from carol'],
      ['mid.$gOUT1', true, 'You', 'mine, no heading'],
    ]);
    expect(msgs[1]!.text.tagName).toBe('SPAN');
    expect(instagram.messages(doc).length).toBe(4);
  });

  it('has a 1,000-character limit', () => {
    expect(instagram.maxMessageLength).toBe(1000);
  });
});
