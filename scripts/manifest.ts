/** Derives each browser's manifest from the single manifest.json. */
export type Browser = 'chrome' | 'firefox';

type Manifest = Record<string, unknown> & {
  background: { service_worker?: string; scripts?: string[]; type?: string };
  web_accessible_resources?: Record<string, unknown>[];
};

export function manifestFor(source: object, browser: Browser): Manifest {
  const m = structuredClone(source) as Manifest;
  if (browser === 'chrome') {
    // Chrome warns about keys it does not know.
    delete m.browser_specific_settings;
    return m;
  }
  // Firefox runs MV3 backgrounds as event pages, not service workers.
  const worker = m.background.service_worker;
  if (!worker) throw new Error('manifest.json: background.service_worker is required');
  m.background = { scripts: [worker], type: 'module' };
  // Firefox has no dynamic resource URLs (its per-install UUID already hides the id).
  for (const entry of m.web_accessible_resources ?? []) delete entry.use_dynamic_url;
  return m;
}
