/**
 * Text normalization for duplicate detection: lowercase, drop everything that is not a letter, combining mark or
 * digit, collapse whitespace runs to one space, trim. "FREE iPhone!!!  Click:" and "free iphone click" normalize alike.
 * Works on UTF-16 code units in a reusable buffer so a million texts do not allocate a million strings.
 */
const KEEP = 1;
const SPACE = 2;
const DROP = 3;
/** Per-BMP-code-unit class, filled lazily (0 = not classified yet). */
const charClass = new Uint8Array(65536);
const LETTER_OR_DIGIT = /^[\p{L}\p{M}\p{N}]$/u;
const WHITESPACE = /^\s$/u;

function classify(ch: string): number {
  if (LETTER_OR_DIGIT.test(ch)) return KEEP;
  if (WHITESPACE.test(ch)) return SPACE;
  return DROP;
}
for (let c = 0; c < 128; c++) charClass[c] = classify(String.fromCharCode(c));

export class TextNormalizer {
  /** Normalized UTF-16 code units of the last `normalize` call, in `buf[0..length)`. */
  buf = new Uint16Array(256);
  length = 0;

  /** Normalizes `text` into `buf`; returns the normalized length. */
  normalize(text: string): number {
    const x = text.toLowerCase();
    if (this.buf.length < x.length) this.buf = new Uint16Array(x.length * 2);
    const buf = this.buf;
    let len = 0;
    let pendingSpace = false;
    for (let i = 0; i < x.length; i++) {
      const c = x.charCodeAt(i);
      let cls: number;
      let width = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < x.length) {
        // Astral character (emoji, rare scripts): classify the whole code point.
        width = 2;
        cls = classify(x.slice(i, i + 2));
      } else {
        cls = charClass[c];
        if (cls === 0) cls = charClass[c] = classify(x[i]);
      }
      if (cls === KEEP) {
        if (pendingSpace && len > 0) buf[len++] = 32;
        pendingSpace = false;
        buf[len++] = c;
        if (width === 2) buf[len++] = x.charCodeAt(i + 1);
      } else if (cls === SPACE) pendingSpace = true;
      i += width - 1;
    }
    this.length = len;
    return len;
  }

  /** The normalized text as a string (for display and tests). */
  toString(): string {
    let s = '';
    for (let i = 0; i < this.length; i += 4096) s += String.fromCharCode(...this.buf.subarray(i, Math.min(this.length, i + 4096)));
    return s;
  }
}

/** Normalizes one text (see TextNormalizer). */
export function normalizeText(text: string): string {
  const t = new TextNormalizer();
  t.normalize(text);
  return t.toString();
}
