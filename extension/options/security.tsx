/** Lock state, auto-lock, and the full keyring backup and restore. */
import { useState } from 'preact/hooks';
import type { KeysState } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import { LockControl } from '../popup/lock';
import { Confirm, TaskStatus, useTask, ViewHeading } from './ui';
import { download, readTextFile } from './util';

const AUTO_LOCK_CHOICES = [5, 10, 15, 30, 60, 120, 240, 480, 0];

function Backup({ onState }: { onState: (s: KeysState) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const task = useTask();
  const save = async () => {
    setDone(null);
    const r = await task.run(t('keysWorking'), () => ask('keys.backup', {}));
    if (!r) return;
    download(`mantle-keyring-${new Date().toISOString().slice(0, 10)}.json`, r.text, 'application/json');
    setDone(t('keysBackupSaved'));
  };
  const restore = async () => {
    setConfirming(false);
    setDone(null);
    if (!file) return;
    const s = await task.run(t('keysRestoring'), async () => ask('keys.restore', { text: await readTextFile(file) }));
    if (s) {
      onState(s);
      setDone(t('keysRestored'));
    }
  };
  return (
    <section id="backup" aria-labelledby="backup-title">
      <h3 id="backup-title">{t('keysBackupTitle')}</h3>
      <p class="muted">{t('keysBackupHelp')}</p>
      <p><button type="button" id="backup-save" onClick={() => void save()}>{t('keysBackupButton')}</button></p>
      <label for="restore-file">{t('keysRestoreFile')}</label>
      <input id="restore-file" type="file" accept=".json,application/json"
        onChange={(e) => { setFile(e.currentTarget.files?.[0] ?? null); setConfirming(false); }} />{' '}
      <button type="button" id="restore-start" disabled={!file || !!task.busy} onClick={() => setConfirming(true)}>{t('keysRestoreButton')}</button>
      {confirming && <Confirm danger text={t('keysRestoreConfirm')} yes={t('keysRestoreYes')} onYes={() => void restore()} onNo={() => setConfirming(false)} />}
      {done && <p role="status" class="ok">{done}</p>}
      <TaskStatus task={task} />
    </section>
  );
}

function AutoLock({ state, onState }: { state: KeysState; onState: (s: KeysState) => void }) {
  const task = useTask();
  const change = async (minutes: number) => {
    const s = await task.run(t('keysWorking'), () => ask('keys.settings', { ...state.settings, autoLockMinutes: minutes }));
    if (s) onState(s);
  };
  return (
    <div id="auto-lock">
      <label for="auto-lock-minutes">{t('keysAutoLock')}</label>
      <select id="auto-lock-minutes" value={String(state.settings.autoLockMinutes)} onChange={(e) => void change(Number(e.currentTarget.value))}>
        {AUTO_LOCK_CHOICES.map((m) => (
          <option key={m} value={String(m)}>{m === 0 ? t('keysAutoLockNever') : t('keysMinutes', String(m))}</option>
        ))}
      </select>
      <TaskStatus task={task} />
    </div>
  );
}

export function Security({ state, onState }: { state: KeysState; onState: (s: KeysState) => void }) {
  const refresh = () => void ask('keys.state', {}).then(onState, () => undefined);
  return (
    <section id="security" aria-labelledby="security-title">
      <ViewHeading id="security-title">{t('keysSecurityTitle')}</ViewHeading>
      <h3>{t('keysLockTitle')}</h3>
      <LockControl onChange={refresh} />
      <AutoLock state={state} onState={onState} />
      <Backup onState={onState} />
    </section>
  );
}
