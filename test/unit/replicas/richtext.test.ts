// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { renderRich } from '../../fixtures/replicas/common/richtext';

function html(text: string, code = false): string {
  const div = document.createElement('div');
  div.append(renderRich(text, { code }));
  return div.innerHTML;
}

describe('replica display rules', () => {
  it('formats bold, italic and strike; code only where asked', () => {
    expect(html('a *b* _c_ ~d~ `e`')).toBe('a <strong>b</strong> <em>c</em> <del>d</del> `e`');
    expect(html('`e`', true)).toBe('<code>e</code>');
  });

  it('leaves markers inside words and unbalanced ones alone', () => {
    expect(html('snake_case_name 2*3*4 * x*')).toBe('snake_case_name 2*3*4 * x*');
  });

  it('nests formatting', () => {
    expect(html('*bold _both_*')).toBe('<strong>bold <em>both</em></strong>');
  });

  it('linkifies URLs and www. without trailing punctuation, and does not format inside them', () => {
    expect(html('see www.a.com/x_y_z, and https://b.org/p.')).toBe(
      'see <a href="https://www.a.com/x_y_z" target="_blank" rel="nofollow noopener noreferrer">www.a.com/x_y_z</a>, and '
      + '<a href="https://b.org/p" target="_blank" rel="nofollow noopener noreferrer">https://b.org/p</a>.');
  });

  it('keeps the exact text, markup characters included, as text', () => {
    const text = '<img src=x onerror=alert(1)> & "q"\nline';
    const div = document.createElement('div');
    div.append(renderRich(text));
    expect(div.textContent).toBe(text);
    expect(div.querySelector('img')).toBeNull();
  });

  it('keeps base64 ciphertext whole', () => {
    const b64 = 'MANTLE1:wcBMA+x/y9Z0AQf/UGh1bXB0eSBEdW1wdHk=';
    const div = document.createElement('div');
    div.append(renderRich(b64, { code: true }));
    expect(div.childNodes.length).toBe(1);
    expect(div.textContent).toBe(b64);
  });
});
