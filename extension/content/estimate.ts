/**
 * How tall a message frame will be once it shows its plaintext, guessed from the ciphertext alone
 * (issue 7, tenth round). A frame that goes in at the ciphertext's height shrinks only once its
 * document has loaded; only then does the site's list bring the next rows into view, and their
 * frames load in a second wave. Inserted near their final height, the first wave is already the
 * rows the user will see. The frame reports its real size as soon as it is shown.
 */
import type { BubbleStyle } from '@src/protocol';

/** OpenPGP bytes around the text of a signed 1:1 message with curve25519 v4 keys (docs/wire-format.md). */
const OVERHEAD_BYTES = 385;
/** An average character of chat text, in em: proportional fonts run ~0.45–0.55. */
const CHAR_EM = 0.5;
/** The signature line under the text (frame.css `.sig`: 11 px, 2 px above). */
const SIG_FONT_PX = 11;
const SIG_MARGIN_PX = 2;

/** The plaintext's UTF-8 bytes, from the base64 characters of a 1:1 message's parts (at least 1). */
export function plaintextBytes(payloads: number[]): number {
  const chars = payloads.reduce((n, c) => n + c, 0);
  return Math.max(Math.floor((chars * 3) / 4) - OVERHEAD_BYTES, 1);
}

/**
 * Never taller than the ciphertext was: a wrong guess then costs no more than no guess. Only for
 * Mantle messages (`payloads` from `detect`, 0 for anything else): a key share, a pasted armored
 * block or damaged text show something else.
 */
export function plaintextHeight(payloads: number[], style: BubbleStyle, width: number, ciphertextHeight: number): number {
  if (!payloads.every((c) => c > 0)) return ciphertextHeight;
  // UTF-8 beyond ASCII and extra recipients make this more than the characters shown: too tall, not too short.
  const bytes = plaintextBytes(payloads);
  const font = parseFloat(style.fontSize) || 14;
  // `normal` is about 1.2 em; a length in px is inherited as it is, by the signature line too.
  const px = style.lineHeight.endsWith('px') ? parseFloat(style.lineHeight) : NaN;
  const line = Number.isFinite(px) ? px : font * 1.2;
  const sigLine = Number.isFinite(px) ? px : SIG_FONT_PX * 1.2;
  const lines = width > 0 ? Math.max(1, Math.ceil((bytes * font * CHAR_EM) / width)) : 1;
  return Math.min(Math.ceil(lines * line + sigLine + SIG_MARGIN_PX), ciphertextHeight);
}
