// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { parsePrePlainText, whatsapp } from '../../../src/sites/whatsapp';
import { byId, fixture } from './fixture';

const WA = new URL('https://web.whatsapp.com/');

describe('whatsapp: conversation', () => {
  it('derives the id from the header title', () => {
    expect(whatsapp.matches(WA)).toBe(true);
    expect(whatsapp.matches(new URL('https://www.whatsapp.com/'))).toBe(false);
    expect(whatsapp.conversation(fixture('whatsapp'), WA)).toEqual({ id: 'wa:Alice', title: 'Alice' });
    // older build without the title testid
    expect(whatsapp.conversation(fixture('whatsapp-group'), WA)).toEqual({ id: 'wa:Mantle Friends', title: 'Mantle Friends' });
  });

  it('has no conversation while no chat is open', () => {
    const doc = fixture('whatsapp');
    doc.getElementById('main')!.remove();
    expect(whatsapp.conversation(doc, WA)).toBeNull();
    expect(whatsapp.composeBox(doc)).toBeNull();
    expect(whatsapp.messageList(doc)).toBeNull();
  });
});

describe('whatsapp: compose and send', () => {
  it('finds the box in the footer and the Send button', () => {
    const doc = fixture('whatsapp');
    expect(whatsapp.composeBox(doc)?.getAttribute('aria-label')).toBe('Type a message to Alice');
    expect(whatsapp.sendButton(doc)?.tagName).toBe('BUTTON');
    const group = fixture('whatsapp-group');
    expect(whatsapp.composeBox(group)?.getAttribute('aria-label')).toBe('Type a message to group Mantle Friends');
    expect(whatsapp.sendButton(group)?.getAttribute('role')).toBe('button');
  });

  it('finds the send button by its icon when unlabelled', () => {
    const doc = fixture('whatsapp');
    const button = doc.querySelector('footer button')!;
    button.removeAttribute('aria-label');
    expect(whatsapp.sendButton(doc)).toBe(button);
    button.remove();
    expect(whatsapp.sendButton(doc)).toBeNull();
  });
});

describe('whatsapp: messages', () => {
  it('parses data-pre-plain-text', () => {
    expect(parsePrePlainText('[10:54, 12/9/2025] Alice: ')).toEqual({ time: '10:54, 12/9/2025', sender: 'Alice' });
    expect(parsePrePlainText('[9:01 PM, 1/2/2026] +1 555 333 3333: ')).toEqual({ time: '9:01 PM, 1/2/2026', sender: '+1 555 333 3333' });
    expect(parsePrePlainText('[09:03, 1/2/2026] Dr. No: Yes: ')).toEqual({ time: '09:03, 1/2/2026', sender: 'Dr. No: Yes' });
    expect(parsePrePlainText('Alice: ')).toBeNull();
    expect(parsePrePlainText(null)).toBeNull();
  });

  it('reads true_/false_ and opaque ids, quoted replies and linkified text', () => {
    const doc = fixture('whatsapp');
    const list = whatsapp.messageList(doc)!;
    expect(list.dataset.testid).toBe('conversation-panel-messages');
    const msgs = whatsapp.messages(list);
    expect(msgs.map((m) => [m.row.id, m.own, m.sender, m.id])).toEqual([
      ['w1', false, 'Alice', 'false_15551234567@c.us_3A12F0908922EFDD735D'],
      ['w2', true, 'Bob', 'true_15551234567@c.us_AC4140A2A99DD530'],
      ['w3', true, 'Bob', '3EB0C0FFEE01'],
      ['w4', true, 'Bob', '3EB0C0FFEE02'],
      ['w5', false, 'Alice', '3EB0C0FFEE03'],
    ]);
    expect(msgs.slice(1).map((m) => whatsapp.messageText(m))).toEqual([
      'CIPHERTEXT_OUT', 'MANTLE1 abc https://x.example/ def', 'opaque, run continues', 'the reply',
    ]);
    expect(whatsapp.messages(doc).length).toBe(5); // the chat list is not read
  });

  it('falls back to the hidden "You:" label for an opaque id without a tail', () => {
    const doc = fixture('whatsapp');
    const w2 = byId(doc, 'w2');
    w2.querySelector('[data-id]')!.setAttribute('data-id', 'ABCDEF');
    w2.querySelector('[data-icon="tail-out"]')!.remove();
    w2.querySelector('[data-icon="msg-dblcheck"]')!.remove();
    const m = whatsapp.messages(doc).find((x) => x.row === w2)!;
    expect(m.own).toBe(true);
    w2.querySelector('[aria-label="You:"]')!.remove();
    w2.querySelector('[data-pre-plain-text]')!.removeAttribute('data-pre-plain-text');
    // nothing left on the row: it follows the run before it (Alice's), sender unknown
    expect(whatsapp.messages(doc).find((x) => x.row === w2)).toMatchObject({ own: false, sender: 'Alice' });
  });

  it('reports cut text as null until "Read more" is clicked', () => {
    const doc = fixture('whatsapp');
    const msg = whatsapp.messages(doc)[0]!;
    expect(whatsapp.messageText(msg)).toBeNull();
    const more = doc.querySelector<HTMLElement>('.read-more-button')!;
    let clicked = 0;
    more.addEventListener('click', () => {
      clicked++;
      msg.text.firstElementChild!.textContent = 'CIPHERTEXT_IN the whole of it';
      more.remove(); // the site drops the control once everything shows
    });
    expect(whatsapp.expand(msg)).toBe(true);
    expect(clicked).toBe(1);
    expect(whatsapp.messageText(msg)).toBe('CIPHERTEXT_IN the whole of it');
    expect(whatsapp.expand(msg)).toBe(false);
  });

  it('recognises a role=button "Read more" without the class', () => {
    const doc = fixture('whatsapp');
    doc.querySelector('.read-more-button')!.removeAttribute('class');
    expect(whatsapp.messageText(whatsapp.messages(doc)[0]!)).toBeNull();
  });

  it('reads a group: participant suffixes, phone-number senders, own name', () => {
    const doc = fixture('whatsapp-group');
    const list = whatsapp.messageList(doc)!;
    expect(list.getAttribute('role')).toBe('application');
    expect(whatsapp.messages(list).map((m) => [m.own, m.sender, whatsapp.messageText(m)])).toEqual([
      [false, 'Bob Jones', 'hi all'],
      [false, '+1 555 333 3333', 'hello'],
      [true, 'Alice Smith', 'mine'],
    ]);
  });

  it('keeps parts short enough that Read more never cuts them', () => {
    expect(whatsapp.maxMessageLength).toBeLessThanOrEqual(768);
  });
});
