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
};

/** A message for the user that says what happened and what to do next. */
export function errorText(e: unknown): string {
  const code = e instanceof RemoteError ? e.code : '';
  const key = byCode[code];
  if (key) return t(key);
  return t('errGeneric', e instanceof Error ? e.message : String(e));
}
