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
  if (metric === 'f1' && k !== 2)
    throw new ConfigError(`metric "f1" is binary (class 1 positive); this task has ${k} classes — use f1_macro or accuracy`);
  const classes = Array.from({ length: k }, (_, c): ClassCounts => {
    let fp = 0;
    let fn = abstained[c];
    for (let y = 0; y < k; y++) {
      if (y === c) continue;
      fp += conf[y * k + c];
      fn += conf[c * k + y];
    }
    return { tp: conf[c * k + c], fp, fn };
  });
  return metric === 'f1' ? binaryF1(classes) : macroF1(classes);
}

/** One class's counts against gold: true positives, false positives, false negatives (abstains on its rows included). */
export interface ClassCounts {
  tp: number;
  fp: number;
  fn: number;
}

/** F1 of one class, 2·tp / (2·tp + fp + fn); null when the class is neither in the gold labels nor predicted. */
export function classF1(c: ClassCounts): number | null {
  const denom = 2 * c.tp + c.fp + c.fn;
  return denom === 0 ? null : (2 * c.tp) / denom;
}

/** Binary F1 with class 1 positive (WRENCH's convention); 0 when class 1 is neither in the gold labels nor predicted. */
export function binaryF1(classes: readonly ClassCounts[]): number {
  return classF1(classes[1]!) ?? 0;
}

/**
 * Macro F1 as scikit-learn's `f1_score(average='macro')`: the mean F1 over the classes present in the gold labels or
 * the predictions (a class in neither is left out, not counted as 0); an abstain is a miss, not a class. 0 if none.
 */
export function macroF1(classes: readonly ClassCounts[]): number {
  let sum = 0;
  let present = 0;
  for (const c of classes) {
    const f = classF1(c);
    if (f === null) continue;
    sum += f;
    present++;
  }
  return present === 0 ? 0 : sum / present;
}
