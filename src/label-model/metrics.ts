import type { GoldLabels } from '../matrix/checked.js';
import { ConfigError } from '../util/errors.js';
import { goldFor, indexLabels } from './gold.js';
import { TIE_TOLERANCE } from './predict.js';

/**
 * Scores used to compare label models against gold labels: `accuracy`, binary `f1` (class 1 positive, WRENCH's
 * convention) and `f1_macro`. Rows whose gold label is -1 (unlabeled) are skipped; any other value outside the classes
 * (-2, 1.5, k) is an error by the one gold rule (see gold.ts), never "unknown".
 */
export type Metric = 'accuracy' | 'f1' | 'f1_macro';
export const METRICS: readonly Metric[] = ['accuracy', 'f1', 'f1_macro'];

export function parseMetric(s: string): Metric {
  if ((METRICS as readonly string[]).includes(s)) return s as Metric;
  throw new ConfigError(`unknown metric "${s}"; use one of ${METRICS.join(', ')}`);
}

/** Score of hard predictions (a -1 prediction counts as wrong, and as predicting no positive class). */
export function scorePredictions(goldLabels: GoldLabels | ArrayLike<number>, preds: ArrayLike<number>, k: number, metric: Metric): number {
  const gold = goldFor(goldLabels, indexLabels(k)).values;
  if (gold.length !== preds.length) throw new RangeError(`${gold.length} gold labels but ${preds.length} predictions`);
  const conf = new Float64Array(k * k); // conf[g·k + p]
  let total = 0;
  const abstainedPerGold = new Float64Array(k);
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    if (g < 0) continue;
    total++;
    const p = preds[i];
    if (p >= 0) checkClass(p, k, 'prediction', i);
    if (p < 0) abstainedPerGold[g]++;
    else conf[g * k + p]++;
  }
  return scoreConfusion(conf, abstainedPerGold, total, k, metric);
}

/**
 * Expected score of `probs` under a uniformly random tie-break among the classes within TIE_TOLERANCE of the row's
 * top probability. Deterministic, and lower-variance than one seeded tie-break when choosing among models on a dev set.
 */
export function expectedScore(goldLabels: GoldLabels | ArrayLike<number>, probs: Float64Array, k: number, metric: Metric): number {
  const gold = goldFor(goldLabels, indexLabels(k)).values;
  const n = probs.length / k;
  if (gold.length !== n) throw new RangeError(`${gold.length} gold labels but ${n} probability rows`);
  const conf = new Float64Array(k * k);
  let total = 0;
  const tied: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    if (g < 0) continue;
    total++;
    const base = i * k;
    let max = -Infinity;
    for (let y = 0; y < k; y++) if (probs[base + y] > max) max = probs[base + y];
    tied.length = 0;
    for (let y = 0; y < k; y++) if (max - probs[base + y] <= TIE_TOLERANCE) tied.push(y);
    for (const y of tied) conf[g * k + y] += 1 / tied.length;
  }
  return scoreConfusion(conf, new Float64Array(k), total, k, metric);
}

/** A class index outside 0..k-1 would land in another confusion cell (or none) and skew the score silently. */
function checkClass(x: number, k: number, what: string, row: number): void {
  if (!Number.isInteger(x) || x >= k) throw new RangeError(`${what} ${x} at row ${row} is not a class index 0..${k - 1} (or -1)`);
}

function scoreConfusion(conf: Float64Array, abstained: Float64Array, total: number, k: number, metric: Metric): number {
  if (total === 0) return NaN;
  if (metric === 'accuracy') {
    let correct = 0;
    for (let y = 0; y < k; y++) correct += conf[y * k + y];
    return correct / total;
  }
  if (metric === 'f1') {
    if (k !== 2) throw new ConfigError(`metric "f1" is binary (class 1 positive); this task has ${k} classes — use f1_macro or accuracy`);
    return f1Of(conf, abstained, k, 1);
  }
  let s = 0;
  for (let y = 0; y < k; y++) s += f1Of(conf, abstained, k, y);
  return s / k;
}

function f1Of(conf: Float64Array, abstained: Float64Array, k: number, c: number): number {
  const tp = conf[c * k + c];
  let fp = 0;
  let fn = abstained[c];
  for (let y = 0; y < k; y++) {
    if (y === c) continue;
    fp += conf[y * k + c];
    fn += conf[c * k + y];
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}
