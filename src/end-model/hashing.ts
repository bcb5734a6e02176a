/**
 * Feature hashing: FNV-1a over UTF-16 code units, finished by murmur3's fmix32 so the low bits (the bucket) are
 * well mixed. Incremental (one code unit at a time) so character n-grams of every length share one pass.
 * Deterministic across platforms: only 32-bit integer arithmetic.
 */
export const FNV_OFFSET = 0x811c9dc5;

/** One FNV-1a step: the state after adding code unit c. */
export function fnvStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** murmur3's 32-bit finaliser (avalanche). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Raw (unfinished) FNV-1a state of s[start, end). */
export function fnvRange(s: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Combines two raw token states into the raw state of the pair (word bigrams). */
export function pairHash(a: number, b: number): number {
  return Math.imul(a ^ Math.imul(b ^ 0x5bd1e995, 0x01000193), 0x27d4eb2d) ^ 0x165667b1;
}

/** Hash of a whole string into [0, 2^bits) (categorical values). */
export function bucketOf(s: string, bits: number): number {
  return fmix32(fnvRange(s, 0, s.length)) & ((1 << bits) - 1);
}
