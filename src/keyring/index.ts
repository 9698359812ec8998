export { Keyring } from './keyring';
export type { KeyringOptions } from './base';
export { KeyringError, isKeyringError, type KeyringErrorCode } from './errors';
export { formatFingerprint, normalizeHex, ownKeyOf } from './info';
export { MAX_INPUT_BYTES } from './armor';
export { zbase32, wkdHash, wkdUrls } from './lookup';
export { DEFAULT_EXPIRY_DAYS, REVOCATION_REASONS, type RevocationReason } from './manage';
export * from './types';
