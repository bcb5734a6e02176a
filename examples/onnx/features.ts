/**
 * Features of a YouTube comment for the example spam model (examples/onnx/spam-logreg.onnx).
 * The model script and the LF both import this, so training and voting see the same numbers.
 */
export const SPAM_FEATURE_NAMES = ['link', 'self_promo', 'exclamations', 'log_length', 'upper_ratio', 'music_words'] as const;

const LINK = /https?:\/\/|www\.|\.com\b/i;
const PROMO = /\b(check (out|my)|subscribe|my (channel|video|page)|follow me)\b/i;
const MUSIC = /\b(song|love|best|lol|beautiful|voice|dance|music)\b/i;

export function spamFeatures(text: string): Float32Array {
  let upper = 0;
  let letters = 0;
  let bangs = 0;
  for (const ch of text) {
    if (ch === '!') bangs++;
    if (ch.toLowerCase() !== ch.toUpperCase()) {
      letters++;
      if (ch === ch.toUpperCase()) upper++;
    }
  }
  return Float32Array.of(
    LINK.test(text) ? 1 : 0,
    PROMO.test(text) ? 1 : 0,
    Math.min(bangs, 5) / 5,
    Math.log1p(text.length) / 6,
    letters ? upper / letters : 0,
    MUSIC.test(text) ? 1 : 0,
  );
}
