import { t, type MessageKey } from '../lib/i18n';
import { RemoteError } from '../lib/messaging';

const byCode: Record<string, MessageKey> = {
  locked: 'errLocked',
  'no-compose-box': 'errNoCompose',
  'editor-mismatch': 'errEditorMismatch',
  'send-failed': 'errSendFailed',
  'no-recipients': 'errNoRecipients',
  expired: 'errRecipientKey',
  revoked: 'errRecipientKey',
  'not-found': 'errRecipientKey',
  'no-encryption-key': 'errRecipientKey',
  'page-gone': 'errPageGone',
  'too-long': 'composeTooLong',
  'storage-full': 'errStorageFull',
  'draft-not-saved': 'errDraftNotSaved',
};

/** A message for the user that says what happened and what to do next. */
export function errorText(e: unknown): string {
  const code = e instanceof RemoteError ? e.code : '';
  const key = byCode[code];
  if (key) return t(key);
  if (interrupted(e)) return t('errInterrupted');
  return t('errGeneric', e instanceof Error ? e.message : String(e));
}

/** The background was stopped or restarted while it held the request (MV3 workers stop at will). */
function interrupted(e: unknown): boolean {
  if (e instanceof RemoteError) return e.code === 'no-reply';
  const msg = e instanceof Error ? e.message : String(e);
  return /message (channel|port) closed|receiving end does not exist|could not establish connection|extension context invalidated/i.test(msg);
}
