/** Importing contacts' public keys: paste, file or lookup, with the loud key-change warning. */
import { useState } from 'preact/hooks';
import type { ImportReport, KeyInfo, LookupResult } from '@src/keyring/types';
import type { KeyInput } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { displayName, Fingerprint, TaskStatus, useTask, type Task } from './ui';
import { readKeyFile } from './util';

const sourceKey = { 'wkd-advanced': 'keysSourceWkd', 'wkd-direct': 'keysSourceWkd', vks: 'keysSourceVks' } as const;

function Report({ report }: { report: ImportReport }) {
  const names = (ks: KeyInfo[]) => ks.map(displayName).join(', ');
  return (
    <div role="status" class="report" data-testid="import-report">
      {report.imported.length > 0 && <p class="ok" data-result="imported">{t('keysReportImported', names(report.imported))}</p>}
      {report.updated.length > 0 && <p class="ok" data-result="updated">{t('keysReportUpdated', names(report.updated))}</p>}
      {report.unchanged.length > 0 && <p data-result="unchanged">{t('keysReportUnchanged', names(report.unchanged))}</p>}
    </div>
  );
}

/** Role alert: a contact's key was replaced by a different one. Nothing is imported until accepted. */
function KeyChangeWarning({ report, onAccept, onKeep }: { report: ImportReport; onAccept: (fprs: string[]) => void; onKeep: () => void }) {
  const pending = report.keyChanges.filter((c) => !c.confirmed);
  if (!pending.length) return null;
  return (
    <div role="alert" class="key-change" tabIndex={-1} ref={(el) => el?.focus()} data-testid="key-change">
      <h3>{t('keysKeyChangeTitle')}</h3>
      {pending.map((c) => (
        <div key={c.newFingerprint} class="change">
          <p>{t('keysKeyChangeText', c.email)}</p>
          <dl class="facts">
            <dt>{t('keysOldFingerprint')}</dt>
            <dd><Fingerprint fpr={c.oldFingerprint} /></dd>
            <dt>{t('keysNewFingerprint')}</dt>
            <dd><Fingerprint fpr={c.newFingerprint} /></dd>
          </dl>
        </div>
      ))}
      <p>{t('keysKeyChangeAdvice')}</p>
      <button type="button" class="danger accept-key-change" onClick={() => onAccept(pending.map((c) => c.newFingerprint))}>{t('keysAcceptNewKey')}</button>{' '}
      <button type="button" class="keep-old-key" onClick={onKeep}>{t('keysKeepOldKey')}</button>
    </div>
  );
}

function Lookup({ task, importInput }: { task: Task; importInput: (input: KeyInput) => Promise<void> }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<LookupResult[] | null>(null);
  const search = async (e: Event) => {
    e.preventDefault();
    setResults(null);
    const r = await task.run(t('keysSearching'), () => ask('keys.lookup', { query: query.trim() }));
    if (r) setResults(r);
  };
  return (
    <form id="lookup" onSubmit={(e) => void search(e)}>
      <label for="lookup-query">{t('keysLookupLabel')}</label>
      <input id="lookup-query" value={query} spellcheck={false} onInput={(e) => setQuery(e.currentTarget.value)} />{' '}
      <button type="submit" disabled={!query.trim() || !!task.busy}>{t('keysLookupButton')}</button>
      {results && results.length === 0 && <p role="status">{t('keysLookupNone')}</p>}
      {results && results.length > 0 && (
        <ul class="candidates" aria-label={t('keysLookupResults')} ref={(el) => el?.querySelector('button')?.focus()}>
          {results.map((r) => (
            <li key={r.key.fingerprint} class="candidate" data-fingerprint={r.key.fingerprint}>
              <span class="uid">{r.key.userIds.join(', ')}</span> <Fingerprint fpr={r.key.fingerprint} />{' '}
              <span class="muted">{t(sourceKey[r.source])}</span>{' '}
              <button type="button" class="import-candidate" onClick={() => void importInput({ text: r.armored })}>
                {t(r.known ? 'keysUpdate' : 'keysImport')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function ImportContacts({ onChanged }: { onChanged: () => void }) {
  const [mode, setMode] = useState<'paste' | 'file' | 'lookup'>('paste');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [last, setLast] = useState<KeyInput | null>(null);
  const task = useTask();

  const importInput = async (input: KeyInput, confirmKeyChange?: string[]) => {
    setReport(null);
    setLast(input);
    const r = await task.run(t('keysImporting'), () => ask('keys.importPublic', { input, confirmKeyChange }));
    if (!r) return;
    setReport(r);
    if (r.imported.length || r.updated.length) onChanged();
    if (mode === 'paste' && !r.keyChanges.some((c) => !c.confirmed)) setText('');
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (mode === 'paste') return importInput({ text });
    if (file) await importInput(await readKeyFile(file));
  };
  const tab = (m: typeof mode, key: 'keysByPaste' | 'keysByFile' | 'keysByLookup') => (
    <button type="button" id={`import-${m}`} aria-pressed={mode === m} onClick={() => { setMode(m); setReport(null); task.setError(null); }}>{t(key)}</button>
  );
  return (
    <section id="import" aria-labelledby="import-title">
      <h3 id="import-title">{t('keysImportTitle')}</h3>
      <div class="segmented" role="group" aria-label={t('keysImportHow')}>
        {tab('paste', 'keysByPaste')} {tab('file', 'keysByFile')} {tab('lookup', 'keysByLookup')}
      </div>
      {mode === 'lookup' ? <Lookup task={task} importInput={importInput} /> : (
        <form id="import-form" onSubmit={(e) => void submit(e)}>
          {mode === 'paste' ? (
            <>
              <label for="import-text">{t('keysPastePublic')}</label>
              <textarea id="import-text" class="armor" rows={8} cols={66} spellcheck={false} value={text}
                onInput={(e) => setText(e.currentTarget.value)} />
            </>
          ) : (
            <>
              <label for="import-file">{t('keysChooseFile')}</label>
              <input id="import-file" type="file" accept=".asc,.gpg,.pgp,.key,application/pgp-keys"
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
            </>
          )}
          <p><button type="submit" class="primary" id="import-submit" disabled={!!task.busy || (mode === 'paste' ? !text.trim() : !file)}>{t('keysImport')}</button></p>
        </form>
      )}
      <TaskStatus task={task} />
      {report && <Report report={report} />}
      {report && last && (
        <KeyChangeWarning report={report} onKeep={() => setReport(null)}
          onAccept={(fprs) => void importInput(last, fprs)} />
      )}
    </section>
  );
}
