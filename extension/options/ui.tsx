/** Building blocks shared by the options views: busy state, errors, focus, key facts. */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { KeyInfo } from '@src/keyring/types';
import { t } from '../lib/i18n';
import { keysErrorText } from './errors';
import { formatDate, groups } from './util';

export interface Task {
  /** The status text while something runs, else null. */
  busy: string | null;
  error: string | null;
  /** Runs `fn` with a busy state; errors become a localized alert and resolve to undefined. */
  run<T>(label: string, fn: () => Promise<T>): Promise<T | undefined>;
  setError(text: string | null): void;
}

export function useTask(): Task {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return {
    busy,
    error,
    setError,
    async run(label, fn) {
      setError(null);
      setBusy(label);
      try {
        return await fn();
      } catch (e) {
        setError(keysErrorText(e));
        return undefined;
      } finally {
        setBusy(null);
      }
    },
  };
}

/** A live region for progress, and an alert that takes focus so keyboard users land on it. */
export function TaskStatus({ task }: { task: Task }) {
  const alert = useRef<HTMLDivElement>(null);
  // In the same task as the render: nothing (a keypress, a test) can see the alert before it has focus.
  useLayoutEffect(() => {
    if (task.error) alert.current?.focus();
  }, [task.error]);
  return (
    <>
      <p role="status" class="busy" aria-live="polite">
        {task.busy && <span class="spinner" aria-hidden="true" />}
        {task.busy ?? ''}
      </p>
      {task.error && (
        <div role="alert" class="error alert" tabIndex={-1} ref={alert} data-testid="error">
          {task.error}
        </div>
      )}
    </>
  );
}

/**
 * A heading that receives focus when its view appears: in the same task as the view, so that a
 * keystroke right after it (or a screen reader) never lands on the page's body.
 */
export function ViewHeading({ level = 2, children, id }: { level?: 2 | 3; children: ComponentChildren; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  const H = level === 2 ? 'h2' : 'h3';
  return <H tabIndex={-1} ref={ref} id={id}>{children}</H>;
}

export function Fingerprint({ fpr, label }: { fpr: string; label?: string }) {
  return (
    <span class="fpr" data-fingerprint={fpr} aria-label={label}>
      {groups(fpr)}
    </span>
  );
}

const statusKey = {
  valid: 'keysStatusValid',
  expired: 'keysStatusExpired',
  revoked: 'keysStatusRevoked',
  invalid: 'keysStatusInvalid',
} as const;

export function StatusBadges({ k }: { k: KeyInfo }) {
  return (
    <span class="badges">
      <span class={`badge status-${k.status}`} data-status={k.status}>{t(statusKey[k.status])}</span>
      {!k.own && (
        <span class={`badge ${k.verified ? 'verified' : 'unverified'}`} data-verified={String(k.verified)}>
          {t(k.verified ? 'keysVerified' : 'keysUnverified')}
        </span>
      )}
      {k.own && k.isDefault && <span class="badge default">{t('keysDefault')}</span>}
    </span>
  );
}

/** The facts of one key, every user-provided string as text. */
export function KeyFacts({ k }: { k: KeyInfo }) {
  return (
    <dl class="facts">
      <dt>{t('keysUserIds')}</dt>
      <dd>
        <ul class="uids">
          {k.userIds.map((u, i) => <li key={i} class="uid">{u}</li>)}
        </ul>
      </dd>
      <dt>{t('keysFingerprint')}</dt>
      <dd><Fingerprint fpr={k.fingerprint} /></dd>
      <dt>{t('keysAlgorithm')}</dt>
      <dd>{k.algorithm}</dd>
      <dt>{t('keysCreated')}</dt>
      <dd>{formatDate(k.created)}</dd>
      <dt>{t('keysExpires')}</dt>
      <dd>{k.expires ? formatDate(k.expires) : t('keysNeverExpires')}</dd>
      {k.warnings.includes('old-algorithm') && (
        <>
          <dt class="warn">{t('keysWarning')}</dt>
          <dd class="warn">{t('keysWarnOldAlgorithm')}</dd>
        </>
      )}
      {!k.hasEncryption && (
        <>
          <dt class="warn">{t('keysWarning')}</dt>
          <dd class="warn">{t('keysWarnNoEncryption')}</dd>
        </>
      )}
    </dl>
  );
}

/** An inline "are you sure" step: the confirming button takes focus, Escape cancels. */
export function Confirm({ text, yes, onYes, onNo, danger }: { text: string; yes: string; onYes: () => void; onNo: () => void; danger?: boolean }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-label={text} onKeyDown={(e) => e.key === 'Escape' && onNo()}>
      <p>{text}</p>
      <button type="button" ref={ref} class={danger ? 'danger' : 'primary'} onClick={onYes}>{yes}</button>{' '}
      <button type="button" onClick={onNo}>{t('keysCancel')}</button>
    </div>
  );
}

export function displayName(k: KeyInfo): string {
  return k.name || k.email || k.userIds[0] || k.keyId;
}
