import { createHash } from 'node:crypto';
import { ConfigError } from '../util/errors.js';
import { hash2 } from '../util/rng.js';
import type { TiePolicy } from './types.js';

import { TIE_TOLERANCE } from '../matrix/checked.js';

export { TIE_TOLERANCE };

export const TIE_POLICIES: readonly TiePolicy[] = ['abstain', 'random', 'snorkel'];

/** A tie policy given as text, checked: one ConfigError naming the option `tiePolicy` otherwise. */
export function parseTiePolicy(v: unknown): TiePolicy {
  if (!TIE_POLICIES.includes(v as TiePolicy))
    throw new ConfigError(`\`tiePolicy\` must be ${TIE_POLICIES.join(', ')}; got "${v}"`, { option: 'tiePolicy' });
  return v as TiePolicy;
}

/**
 * Turns n × k probabilities into hard labels. Ties:
 * - `abstain` gives -1;
 * - `random` picks among the tied classes with a hash of (seed, row index), so a seeded run reproduces exactly and a
 *   row's pick does not depend on other rows;
 * - `snorkel` reproduces Snorkel's `probs_to_preds(probs, "random")` pick for pick: tied means strictly within 1e-5 of
 *   the top, and row i takes tied class number sha1(decimal i) mod (number tied). It ignores `seed`. Use it to compare
 *   with figures measured with Snorkel's default tie-break.
 * Row indices count from `rowOffset` (default 0) within `probs`: a shard of a larger matrix passes its first row.
 */
export function probsToPreds(probs: Float64Array, k: number, tiePolicy: TiePolicy = 'abstain', seed = 0, rowOffset = 0): Int32Array {
  const n = probs.length / k;
  if (!Number.isInteger(n)) throw new RangeError(`probabilities length ${probs.length} is not a multiple of k = ${k}`);
  if (!(TIE_POLICIES as readonly string[]).includes(tiePolicy))
    throw new RangeError(`unknown tie policy "${String(tiePolicy)}"; use ${TIE_POLICIES.join(', ')}`);
  const strict = tiePolicy === 'snorkel';
  const out = new Int32Array(n);
  const tied: number[] = [];
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let max = -Infinity;
    for (let y = 0; y < k; y++) if (probs[base + y] > max) max = probs[base + y];
    tied.length = 0;
    for (let y = 0; y < k; y++) {
      const gap = max - probs[base + y];
      if (strict ? gap < TIE_TOLERANCE : gap <= TIE_TOLERANCE) tied.push(y);
    }
    if (tied.length === 1) out[i] = tied[0];
    else if (tiePolicy === 'abstain') out[i] = -1;
    else if (tiePolicy === 'snorkel') out[i] = tied[snorkelTiePick(rowOffset + i, tied.length)];
    else out[i] = tied[hash2(seed, rowOffset + i) % tied.length];
  }
  return out;
}

/**
 * Snorkel's deterministic tie pick for row i among `count` tied classes: the SHA-1 digest of the decimal string of i,
 * read as one big unsigned integer, modulo `count`. Reduced hex digit by hex digit, so no big integers are needed.
 */
export function snorkelTiePick(i: number, count: number): number {
  if (!Number.isInteger(i) || i < 0) throw new RangeError(`row index must be an integer ≥ 0, got ${i}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`tied class count must be an integer ≥ 1, got ${count}`);
  const hex = createHash('sha1').update(String(i)).digest('hex');
  let r = 0;
  for (let c = 0; c < hex.length; c++) r = (r * 16 + parseInt(hex[c], 16)) % count;
  return r;
}
