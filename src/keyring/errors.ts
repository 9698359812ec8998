/** Every failure the keyring reports; the UI maps each code to a localized message. */
export type KeyringErrorCode =
  | 'not-a-key' // garbage, or an OpenPGP block that holds no key (a message, a signature)
  | 'truncated' // armor without its END line, or packets cut short
  | 'checksum' // the armor's CRC-24 does not match its body
  | 'expected-public'
  | 'expected-private'
  | 'weak-key' // RSA under 2048 bits
  | 'unsupported' // an algorithm or key version openpgp cannot use
  | 'too-large' // input over MAX_INPUT_BYTES, refused before parsing
  | 'wrong-passphrase'
  | 'empty-passphrase'
  | 'invalid-input' // bad arguments from the caller (empty name, bad days, bad settings)
  | 'not-found'
  | 'not-own' // the operation needs a private key we hold
  | 'no-default' // no own key to sign with
  | 'locked'
  | 'expired'
  | 'revoked'
  | 'invalid' // the key's self-signatures do not verify
  | 'no-encryption-key'
  | 'no-signing-key'
  | 'bad-query' // lookup query is neither an email, a fingerprint nor a key ID
  | 'network' // every lookup source failed to answer
  | 'bad-backup';

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
  constructor(readonly code: KeyringErrorCode, readonly detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

export function isKeyringError(e: unknown, code?: KeyringErrorCode): e is KeyringError {
  return e instanceof KeyringError && (code === undefined || e.code === code);
}
