import { ABSTAIN } from '../lf/labels.js';
import type { LabelMatrix } from '../lf/label-matrix.js';

/**
 * Row features shared by the drift report and the drift sampler: a vote-pattern key per row, and the distinct
 * tokens / bigrams of a text cell.
 */

/**
 * A 52-bit hash of each row's votes on the LF columns `cols` of L (two independent 32-bit FNV-1a-style mixes, so
 * distinct patterns collide with probability ~2^-52). Equal patterns give equal keys in both matrices when `cols`
 * lists the same LFs in the same order.
 */
export function patternKeys(L: LabelMatrix, cols: readonly number[]): Float64Array {
  const { n, m, votes } = L;
  const out = new Float64Array(n);
  const c = Int32Array.from(cols);
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let h1 = 0x811c9dc5 | 0, h2 = 0x01000193 | 0;
    for (let t = 0; t < c.length; t++) {
      const v = votes[base + c[t]] + 2;
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h2 = Math.imul(h2 ^ (v + t * 131), 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    out[i] = (h1 >>> 0) * 1048576 + ((h2 >>> 0) & 0xfffff);
  }
  return out;
}

/** "keyword_my=SPAM, short_comment=HAM", or "(no votes)": a readable form of row i's vote pattern. */
export function describePattern(L: LabelMatrix, cols: readonly number[], i: number): string {
  const parts: string[] = [];
  for (const j of cols) {
    const v = L.votes[i * L.m + j];
    if (v !== ABSTAIN) parts.push(`${L.lfNames[j]}=${L.labels[v]}`);
  }
  return parts.length ? parts.join(', ') : '(no votes)';
}

const TOKEN_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** The distinct lower-cased word tokens of a cell (letters and digits; "don't" stays one token). */
export function distinctTokens(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const text = String(value).toLowerCase();
  const seen = new Set<string>();
  for (const m of text.matchAll(TOKEN_RE)) seen.add(m[0]);
  return [...seen];
}

/** The distinct adjacent token pairs of a cell ("check out"). */
export function distinctBigrams(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const toks = String(value).toLowerCase().match(TOKEN_RE) ?? [];
  const seen = new Set<string>();
  for (let t = 1; t < toks.length; t++) seen.add(`${toks[t - 1]} ${toks[t]}`);
  return [...seen];
}

/** Document frequency of each gram over the rows' `column` (rows, not occurrences: rows are the independent units). */
export function documentFrequencies(rows: readonly Record<string, unknown>[], column: string, grams: 1 | 2): Map<string, number> {
  const df = new Map<string, number>();
  const split = grams === 1 ? distinctTokens : distinctBigrams;
  for (const r of rows) for (const g of split(r[column])) df.set(g, (df.get(g) ?? 0) + 1);
  return df;
}
