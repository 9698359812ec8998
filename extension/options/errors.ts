/** Every keyring error code, and the background's own, mapped to a message that says what to do next. */
import type { KeyringErrorCode } from '@src/keyring/errors';
import { t, type MessageKey } from '../lib/i18n';
import { RemoteError } from '../lib/messaging';

// Typed by the keyring's codes, so a new code cannot land without a message.
const keyringCodes: Record<KeyringErrorCode, MessageKey> = {
  'not-a-key': 'keysErrNotAKey',
  truncated: 'keysErrTruncated',
  checksum: 'keysErrChecksum',
  'expected-public': 'keysErrExpectedPublic',
  'expected-private': 'keysErrExpectedPrivate',
  'weak-key': 'keysErrWeakKey',
  unsupported: 'keysErrUnsupported',
  'too-large': 'keysErrTooLarge',
  'wrong-passphrase': 'keysErrWrongPassphrase',
  'empty-passphrase': 'keysErrEmptyPassphrase',
  'invalid-input': 'keysErrInvalidInput',
  'not-found': 'keysErrNotFound',
  'not-own': 'keysErrNotOwn',
  'no-default': 'keysErrNoDefault',
  locked: 'keysErrLocked',
  expired: 'keysErrExpired',
  revoked: 'keysErrRevoked',
  invalid: 'keysErrInvalid',
  'no-encryption-key': 'keysErrNoEncryptionKey',
  'no-signing-key': 'keysErrNoSigningKey',
  'bad-query': 'keysErrBadQuery',
  network: 'keysErrNetwork',
  'bad-backup': 'keysErrBadBackup',
};

const byCode: Record<string, MessageKey> = {
  ...keyringCodes,
  'no-reply': 'keysErrNoReply',
  forbidden: 'keysErrForbidden',
};

export function errorCode(e: unknown): string {
  return e instanceof RemoteError ? e.code : '';
}

export function keysErrorText(e: unknown): string {
  const key = byCode[errorCode(e)];
  if (key) return t(key);
  return t('keysErrGeneric', e instanceof Error ? e.message : String(e));
}
