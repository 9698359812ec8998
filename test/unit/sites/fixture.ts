import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Parses a fixture from test/fixtures/sites/ into its own Document (happy-dom's DOMParser),
 * so no markup passes through innerHTML and tests don't share state. */
export function fixture(name: string): Document {
  const html = readFileSync(resolve(import.meta.dirname, '../../fixtures/sites', `${name}.html`), 'utf8');
  return new DOMParser().parseFromString(html, 'text/html');
}

export const byId = (doc: Document, id: string): HTMLElement => {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`fixture has no #${id}`);
  return el;
};
