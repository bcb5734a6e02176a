import type { GoldLabels } from '../matrix/checked.js';
import { ConfigError } from '../util/errors.js';
import { hash2 } from '../util/rng.js';
import { goldFor } from './gold.js';
import { TIE_TOLERANCE } from './predict.js';

/**
 * Decision thresholds for binary F1 (class 1 positive). Predicting the most probable class maximises expected
 * accuracy, not F1: F1 ignores true negatives, so when positives are rare the F1-best rule usually predicts class 1
 * below P = 0.5 (for calibrated probabilities at half the attainable F1). A label model's probabilities are not
 * calibrated, so the threshold is chosen on gold-labelled dev rows instead.
 *
 * Rule: predict class 1 iff P(class 1) > threshold. Candidate thresholds sit halfway between consecutive distinct
 * dev probabilities, so rows that share a probability (e.g. every row without votes gets the class balance) always
 * fall on the same side.
 */
export interface F1ThresholdChoice {
  /** Predict class 1 iff P(class 1) > threshold (chosen on all the rows given). */
  threshold: number;
  /** F1 at that threshold on the same rows (optimistic: the threshold was fitted there). */
  f1: number;
}

export interface TunedF1Threshold extends F1ThresholdChoice {
  /**
   * F1 of thresholds chosen without the rows they are scored on: each fold is predicted with the threshold that is
   * best on the other folds, and the confusion counts are pooled. An honest estimate to compare models by.
   */
  crossFittedF1: number;
  /** The pooled cross-fitted confusion counts behind crossFittedF1. */
  crossFitted: { tp: number; fp: number; fn: number };
}

/** Best F1 threshold on the rows listed (default: every row whose gold label is 0 or 1). */
export function bestF1Threshold(goldLabels: GoldLabels | ArrayLike<number>, probs: Float64Array, rows?: readonly number[]): F1ThresholdChoice {
  const gold = binaryGold(goldLabels, probs);
  const use = rows ?? labelledRows(gold);
  const order = use.filter((i) => gold[i] >= 0).sort((a, b) => probs[2 * b + 1] - probs[2 * a + 1] || a - b);
  let positives = 0;
  for (const i of order) if (gold[i] === 1) positives++;
  // Cut 0 predicts no positive; cut after each block of equal probabilities moves that block to class 1.
  let best = { threshold: 0.5, f1: -1, distance: Infinity };
  const consider = (threshold: number, tp: number, fp: number) => {
    const denom = 2 * tp + fp + (positives - tp);
    const f1 = denom === 0 ? 0 : (2 * tp) / denom;
    const distance = Math.abs(threshold - 0.5);
    // Among equal F1, keep the threshold nearest 0.5: the plain most-probable-class rule unless the data says otherwise.
    if (f1 > best.f1 + 1e-12 || (Math.abs(f1 - best.f1) <= 1e-12 && distance < best.distance)) best = { threshold, f1, distance };
  };
  if (order.length === 0) return { threshold: 0.5, f1: 0 };
  consider((probs[2 * order[0] + 1] + 1) / 2, 0, 0);
  let tp = 0;
  let fp = 0;
  for (let s = 0; s < order.length; ) {
    const v = probs[2 * order[s] + 1];
    while (s < order.length && probs[2 * order[s] + 1] === v) {
      if (gold[order[s]] === 1) tp++;
      else fp++;
      s++;
    }
    const next = s < order.length ? probs[2 * order[s] + 1] : -1;
    // Below the smallest probability: -1 when that is 0, so "p > threshold" still holds for every row.
    consider(next >= 0 ? (v + next) / 2 : v > 0 ? v / 2 : -1, tp, fp);
  }
  return { threshold: best.threshold, f1: best.f1 };
}

/**
 * The best F1 threshold on all labelled rows, and its cross-fitted F1 over `folds` folds (rows assigned to folds by a
 * seeded hash of their index, so the result is reproducible).
 */
export function tuneF1Threshold(
  goldLabels: GoldLabels | ArrayLike<number>,
  probs: Float64Array,
  folds = 5,
  seed = 0,
  only?: readonly number[],
): TunedF1Threshold {
  const gold = binaryGold(goldLabels, probs);
  if (!Number.isInteger(folds) || folds < 2) throw new ConfigError(`threshold folds must be an integer ≥ 2, got ${folds}`, { option: 'folds' });
  const rows = only ? only.filter((i) => gold[i] >= 0) : labelledRows(gold);
  const all = bestF1Threshold(gold, probs, rows);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const held: number[] = [];
    for (const i of rows) (hash2(seed, i) % folds === f ? held : train).push(i);
    if (held.length === 0) continue;
    const { threshold } = bestF1Threshold(gold, probs, train);
    for (const i of held) {
      const predicted = probs[2 * i + 1] > threshold;
      if (predicted && gold[i] === 1) tp++;
      else if (predicted) fp++;
      else if (gold[i] === 1) fn++;
    }
  }
  const denom = 2 * tp + fp + fn;
  return { ...all, crossFittedF1: denom === 0 ? 0 : (2 * tp) / denom, crossFitted: { tp, fp, fn } };
}

/**
 * Rows without LF evidence: probabilities exactly equal to the class balance (every model here gives a row without
 * votes exactly its class balance; a covered row lands there only when its votes cancel out, and is no evidence
 * either). A decision cut is tuned and applied on the other rows only.
 */
export function noEvidenceRows(probs: Float64Array, prior: Float64Array): Uint8Array {
  const k = prior.length;
  const n = probs.length / k;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let y = 0; y < k; y++)
      if (probs[i * k + y] !== prior[y]) {
        same = false;
        break;
      }
    out[i] = same ? 1 : 0;
  }
  return out;
}

/**
 * The binary F1 cut for `auto`, tuned on the dev rows with LF evidence only (a cut tuned on rows no LF voted on would
 * then label every uncovered row at once). Its cross-fitted F1 counts every labelled row: rows with evidence by the
 * cut, rows without by the class balance's most probable class (ties split evenly, as the expected score does),
 * so it compares with the most probable class's expected F1 on the same rows.
 */
export function tuneCoveredF1Threshold(gold: ArrayLike<number>, probs: Float64Array, prior: Float64Array, folds = 5, seed = 0): TunedF1Threshold {
  const none = noEvidenceRows(probs, prior);
  const covered: number[] = [];
  for (let i = 0; i < gold.length; i++) if (gold[i] >= 0 && !none[i]) covered.push(i);
  const t = tuneF1Threshold(gold, probs, folds, seed, covered);
  // The prior's decision on uncovered rows: P(predict class 1).
  const gap = prior[1] - prior[0];
  const q1 = Math.abs(gap) <= TIE_TOLERANCE ? 0.5 : gap > 0 ? 1 : 0;
  let { tp, fp, fn } = t.crossFitted;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] < 0 || !none[i]) continue;
    if (gold[i] === 1) {
      tp += q1;
      fn += 1 - q1;
    } else fp += q1;
  }
  const denom = 2 * tp + fp + fn;
  return { ...t, crossFittedF1: denom === 0 ? 0 : (2 * tp) / denom, crossFitted: { tp, fp, fn } };
}

/** Hard labels by threshold: 1 iff P(class 1) > threshold. */
export function predsAtThreshold(probs: Float64Array, threshold: number): Int32Array {
  if (probs.length % 2 !== 0) throw new RangeError(`binary probabilities must have an even length, got ${probs.length}`);
  const n = probs.length / 2;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[2 * i + 1] > threshold ? 1 : 0;
  return out;
}

function labelledRows(gold: ArrayLike<number>): number[] {
  const rows: number[] = [];
  for (let i = 0; i < gold.length; i++) if (gold[i] >= 0) rows.push(i);
  return rows;
}

/** Binary gold labels by the one gold rule (so -2 is an error, not "unknown"). */
function binaryGold(gold: GoldLabels | ArrayLike<number>, probs: Float64Array): Int32Array {
  const g = goldFor(gold, ['0', '1'], 'gold label (an F1 threshold is binary)').values;
  if (probs.length !== 2 * g.length) throw new RangeError(`${g.length} gold labels but ${probs.length / 2} probability rows of 2 classes`);
  return g;
}
