// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { fieldOf, focusedField, insertText, readField } from '../../../src/anysite/field';

const WIRE = 'MNTL1 M 0a1b2c3d 001/001 AAECAwQFBgcICQ==';

describe('fieldOf', () => {
  test('takes textareas, text inputs and the host of a contenteditable editor', () => {
    const area = document.createElement('textarea');
    const input = document.createElement('input');
    const host = document.createElement('div');
    host.contentEditable = 'true';
    const inner = document.createElement('p');
    host.append(inner);
    document.body.replaceChildren(area, input, host);
    expect(fieldOf(area)).toEqual({ el: area, kind: 'textarea' });
    expect(fieldOf(input)).toEqual({ el: input, kind: 'input' });
    expect(fieldOf(inner)?.el).toBe(host);
  });

  test('refuses passwords, checkboxes, read-only and plain elements', () => {
    const pass = Object.assign(document.createElement('input'), { type: 'password' });
    const box = Object.assign(document.createElement('input'), { type: 'checkbox' });
    const ro = Object.assign(document.createElement('textarea'), { readOnly: true });
    const div = document.createElement('div');
    document.body.replaceChildren(pass, box, ro, div);
    for (const el of [pass, box, ro, div, null]) expect(fieldOf(el)).toBeNull();
  });

  test('focusedField follows focus', () => {
    const area = document.createElement('textarea');
    document.body.replaceChildren(area);
    area.focus();
    expect(focusedField(document)?.el).toBe(area);
  });
});

describe('insertText into plain fields', () => {
  test('replaces a textarea\'s value through the prototype setter, with input events', () => {
    const area = document.createElement('textarea');
    area.value = 'old draft';
    document.body.replaceChildren(area);
    const events: string[] = [];
    area.addEventListener('input', () => events.push('input'));
    return insertText({ el: area, kind: 'textarea' }, WIRE).then((ok) => {
      expect(ok).toBe(true);
      expect(area.value).toBe(WIRE);
      expect(events).toEqual(['input']);
    });
  });

  test('a single-line input refuses multi-line text rather than mangling it', async () => {
    const input = document.createElement('input');
    document.body.replaceChildren(input);
    expect(await insertText({ el: input, kind: 'input' }, 'a\nb')).toBe(false);
    expect(input.value).toBe('');
  });

  test('reports failure when the page rewrites the value (no read-back match)', async () => {
    const area = document.createElement('textarea');
    document.body.replaceChildren(area);
    area.addEventListener('input', () => (area.value = area.value.toUpperCase()));
    expect(await insertText({ el: area, kind: 'textarea' }, WIRE)).toBe(false);
    expect(readField({ el: area, kind: 'textarea' })).not.toBe(WIRE);
  });
});
