/**
 * Tokenisers that emit hashed feature ids straight into a buffer (no token strings are built):
 * - words like scikit-learn's default `token_pattern` `(?u)\b\w\w+\b` (runs of ≥ 2 word characters), as n-grams;
 * - characters like `analyzer='char_wb'`: n-grams inside each whitespace-separated word padded with one space.
 * Input is expected lower-cased already (the featurizer does it once per value).
 */
import { fmix32, FNV_OFFSET, pairHash } from './hashing.js';

/** Word-character table for the BMP: letters, digits (Unicode L and N) and underscore, like Python's `\w`. */
const WORD = new Uint8Array(65536);
/** Whitespace table: what Python's `str.split()` splits on. */
const SPACE = new Uint8Array(65536);
{
  const re = /[\p{L}\p{N}_]/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c < 0xe000) continue; // surrogates: emoji and other astral symbols are not word characters
    if (c < 128 ? (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 : re.test(String.fromCharCode(c))) WORD[c] = 1;
  }
  for (const c of [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]) SPACE[c] = 1;
  for (let c = 0x2000; c <= 0x200a; c++) SPACE[c] = 1;
}

/** A growable buffer of feature ids. */
export class IdBuffer {
  ids = new Int32Array(256);
  len = 0;
  push(id: number): void {
    if (this.len === this.ids.length) {
      const next = new Int32Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    this.ids[this.len++] = id;
  }
}

// Scratch for the raw hashes of the current word tokens (grown on demand).
let tokenHashes = new Int32Array(256);

/**
 * Emits one id per word n-gram (n in [lo, hi]) of `text` into `out`: bucket of the n-gram's hash, plus `offset`.
 * `mask` is 2^bits − 1.
 */
export function wordNgramIds(text: string, lo: number, hi: number, mask: number, offset: number, out: IdBuffer): void {
  let nTok = 0;
  const len = text.length;
  let i = 0;
  while (i < len) {
    if (WORD[text.charCodeAt(i)] === 0) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (WORD[c] === 0) break;
      h = Math.imul(h ^ c, 0x01000193);
      i++;
    }
    if (i - start < 2) continue;
    if (nTok === tokenHashes.length) {
      const next = new Int32Array(nTok * 2);
      next.set(tokenHashes);
      tokenHashes = next;
    }
    tokenHashes[nTok++] = h;
  }
  for (let n = lo; n <= hi; n++) {
    for (let t = 0; t + n <= nTok; t++) {
      let h = tokenHashes[t];
      for (let u = 1; u < n; u++) h = pairHash(h, tokenHashes[t + u]);
      out.push((fmix32(h ^ Math.imul(n, 0x9e3779b1)) & mask) + offset);
    }
  }
}

/**
 * Emits one id per character n-gram (n in [lo, hi]) of every whitespace-separated word padded as " word ", the way
 * scikit-learn's `char_wb` analyzer does (a padded word shorter than lo counts once, whole).
 */
export function charNgramIds(text: string, lo: number, hi: number, mask: number, offset: number, out: IdBuffer): void {
  const len = text.length;
  let i = 0;
  while (i < len) {
    if (SPACE[text.charCodeAt(i)] === 1) {
      i++;
      continue;
    }
    const s = i;
    while (i < len && SPACE[text.charCodeAt(i)] === 0) i++;
    const L = i - s + 2; // padded length
    for (let o = 0; o < L; o++) {
      let h = FNV_OFFSET;
      const maxLen = Math.min(hi, L - o);
      for (let n = 1; n <= maxLen; n++) {
        const t = o + n - 1;
        const c = t === 0 || t === L - 1 ? 32 : text.charCodeAt(s + t - 1);
        h = Math.imul(h ^ c, 0x01000193);
        if (n >= lo) out.push((fmix32(h) & mask) + offset);
      }
    }
    if (L < lo) {
      let h = Math.imul(FNV_OFFSET ^ 32, 0x01000193);
      for (let t = s; t < i; t++) h = Math.imul(h ^ text.charCodeAt(t), 0x01000193);
      h = Math.imul(h ^ 32, 0x01000193);
      out.push((fmix32(h) & mask) + offset);
    }
  }
}
