import { ConfigError } from '../util/errors.js';

// Checked value types: a value is parsed once at the boundary and the result carries its guarantee. Every function that
// needs gold labels or probabilities takes them through `toGold` / `toProbabilities`, so a bare array is checked by the
// one rule below and an already-checked value passes through without a second scan.

const CHECKED = Symbol('ballot.checked');

/** Classes within this distance of a row's top probability count as tied (Snorkel's default tolerance). */
export const TIE_TOLERANCE = 1e-5;

/** A probability may stray this far outside [0, 1] (float rounding in a softmax); row sums this far from 1. */
export const PROBABILITY_TOLERANCE = 1e-9;
const ROW_SUM_TOLERANCE = 1e-6;

/** Gold labels checked against a label space: every value is -1 (unknown) or a class index 0..k-1. */
export interface GoldLabels {
  readonly [CHECKED]: 'gold';
  readonly values: Int32Array;
  readonly labels: readonly string[];
  /** Rows with a known label (value ≥ 0). */
  readonly labelled: number;
}

/** Row-major n × k probabilities checked once: finite, in [0, 1], rows summing to 1; `top` is the tie-aware argmax. */
export interface Probabilities {
  readonly [CHECKED]: 'probs';
  readonly n: number;
  readonly k: number;
  readonly values: Float64Array;
  /** Most probable class per row, or -1 when classes tie within TIE_TOLERANCE. */
  readonly top: Int32Array;
}

/** True when both label spaces name the same classes in the same order. */
export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, y) => name === b[y]);
}

/** Checks gold labels: one per row (when `n` is given), each -1 (unknown) or a class index. */
export function checkGold(values: ArrayLike<number>, labels: readonly string[], source = 'gold labels', n?: number): GoldLabels {
  if (n !== undefined && values.length !== n) throw new ConfigError(`${source}: ${values.length} labels for a label matrix of ${n} rows`);
  const k = labels.length;
  const out = new Int32Array(values.length);
  let labelled = 0;
  for (let i = 0; i < values.length; i++) {
    const g = values[i];
    if (!Number.isInteger(g) || g < -1 || g >= k) {
      throw new ConfigError(`${source}: row ${i} has label ${g}, expected -1 (unknown) or a class index 0..${k - 1} (${labels.join(', ')})`);
    }
    out[i] = g;
    if (g >= 0) labelled++;
  }
  return Object.freeze({ [CHECKED]: 'gold' as const, values: out, labels: Object.freeze([...labels]), labelled });
}

/** Gold labels as a checked value: passes a checked one through (after matching its classes), checks anything else. */
export function toGold(gold: GoldLabels | ArrayLike<number>, labels: readonly string[], source = 'gold labels', n?: number): GoldLabels {
  if (isGold(gold)) {
    if (!sameLabels(gold.labels, labels))
      throw new ConfigError(`${source}: checked against classes ${gold.labels.join(', ')}, not ${labels.join(', ')}`);
    if (n !== undefined && gold.values.length !== n) throw new ConfigError(`${source}: ${gold.values.length} labels for a label matrix of ${n} rows`);
    return gold;
  }
  return checkGold(gold, labels, source, n);
}

export function isGold(x: unknown): x is GoldLabels {
  return typeof x === 'object' && x !== null && (x as { [CHECKED]?: unknown })[CHECKED] === 'gold';
}

/** Checks row-major n × k probabilities: the length is a multiple of k (or n·k when `n` is given), values are probabilities. */
export function checkProbabilities(values: ArrayLike<number>, labels: readonly string[], source = 'probabilities', n?: number): Probabilities {
  const k = labels.length;
  if (values.length % k !== 0) throw new ConfigError(`${source}: ${values.length} values, not a multiple of k = ${k} classes`);
  const rows = values.length / k;
  if (n !== undefined && rows !== n) throw new ConfigError(`${source}: ${values.length} values, expected n·k = ${n}·${k} (one row of ${k} per row)`);
  const out = values instanceof Float64Array ? values : Float64Array.from(values);
  const top = new Int32Array(rows);
  for (let i = 0, base = 0; i < rows; i++, base += k) {
    let sum = 0;
    let max = -Infinity;
    for (let y = 0; y < k; y++) {
      const p = out[base + y];
      if (!(p >= -PROBABILITY_TOLERANCE && p <= 1 + PROBABILITY_TOLERANCE)) {
        throw new ConfigError(`${source}: row ${i}, class ${labels[y]} is ${p}, expected a probability in [0, 1]`);
      }
      sum += p;
      if (p > max) max = p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) throw new ConfigError(`${source}: row ${i} sums to ${sum}, expected 1`);
    let best = -1;
    for (let y = 0; y < k; y++) {
      if (max - out[base + y] <= TIE_TOLERANCE) {
        if (best >= 0) {
          best = -1;
          break;
        }
        best = y;
      }
    }
    top[i] = best;
  }
  return Object.freeze({ [CHECKED]: 'probs' as const, n: rows, k, values: out, top });
}

/** Probabilities as a checked value: passes a checked one through (after matching its shape), checks anything else. */
export function toProbabilities(
  probs: Probabilities | ArrayLike<number>,
  labels: readonly string[],
  source = 'probabilities',
  n?: number,
): Probabilities {
  if (isProbabilities(probs)) {
    if (probs.k !== labels.length) throw new ConfigError(`${source}: ${probs.k} classes, expected ${labels.length} (${labels.join(', ')})`);
    if (n !== undefined && probs.n !== n) throw new ConfigError(`${source}: ${probs.n} rows, expected ${n}`);
    return probs;
  }
  return checkProbabilities(probs, labels, source, n);
}

export function isProbabilities(x: unknown): x is Probabilities {
  return typeof x === 'object' && x !== null && (x as { [CHECKED]?: unknown })[CHECKED] === 'probs';
}

/**
 * Hard labels given by a model's decision rule (e.g. `predictFromProbs`): one per row, each -1 (none) or a class
 * index. Returns them as an Int32Array (the same one when already so).
 */
export function checkPreds(preds: ArrayLike<number>, n: number, k: number): Int32Array {
  if (preds.length !== n) throw new ConfigError(`preds: ${preds.length} labels for ${n} rows`);
  for (let i = 0; i < n; i++) {
    const y = preds[i];
    if (!Number.isInteger(y) || y < -1 || y >= k) throw new ConfigError(`preds: row ${i} has label ${y}, expected -1 or 0..${k - 1}`);
  }
  return preds instanceof Int32Array ? preds : Int32Array.from(preds);
}
