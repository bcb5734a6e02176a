/**
 * How well predicted probabilities match outcomes on labelled rows: expected calibration error over equal-width
 * confidence bins (confidence = the top probability), log loss, multi-class Brier score and accuracy.
 */
import { ConfigError } from '../util/errors.js';

export interface CalibrationBin {
  /** Bin range of the top probability [lo, hi). */
  lo: number;
  hi: number;
  rows: number;
  /** Mean top probability in the bin (NaN when empty). */
  confidence: number;
  /** Fraction of the bin's rows whose top class is the gold class (NaN when empty). */
  accuracy: number;
}

export interface CalibrationReport {
  /** Labelled rows scored (gold ≥ 0). */
  rows: number;
  accuracy: number;
  /** Σ_bins (rows_b / rows) · |accuracy_b − confidence_b|. */
  ece: number;
  /** Mean −ln p(gold), with p clipped at 1e-15 like scikit-learn. */
  logLoss: number;
  /** Mean Σ_c (p_c − [c = gold])². */
  brier: number;
  bins: CalibrationBin[];
}

/** Calibration of n × k probabilities against gold class indices (−1 = unlabelled, skipped). */
export function calibrationReport(probs: Float64Array, gold: Int32Array, bins = 10): CalibrationReport {
  const n = gold.length;
  if (n === 0 || probs.length % n !== 0 || probs.length / n < 2)
    throw new ConfigError(`calibration: ${probs.length} probabilities do not make n × k with n = ${n} gold labels and k ≥ 2`);
  if (!Number.isInteger(bins) || bins < 1) throw new ConfigError(`calibration: bins must be a positive integer, got ${bins}`);
  const k = probs.length / n;
  const count = new Float64Array(bins),
    conf = new Float64Array(bins),
    hit = new Float64Array(bins);
  let rows = 0,
    correct = 0,
    logLoss = 0,
    brier = 0;
  for (let i = 0; i < n; i++) {
    const y = gold[i];
    if (y < 0) continue;
    if (y >= k) throw new ConfigError(`calibration: gold label ${y} of row ${i} is outside 0..${k - 1}`);
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    const top = probs[i * k + best];
    const b = Math.min(bins - 1, Math.floor(top * bins));
    count[b]++;
    conf[b] += top;
    if (best === y) {
      hit[b]++;
      correct++;
    }
    logLoss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probs[i * k + y])));
    for (let c = 0; c < k; c++) {
      const d = probs[i * k + c] - (c === y ? 1 : 0);
      brier += d * d;
    }
    rows++;
  }
  if (rows === 0) throw new ConfigError('calibration: no row has a gold label');
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    const confidence = c ? conf[b] / c : NaN;
    const accuracy = c ? hit[b] / c : NaN;
    if (c) ece += (c / rows) * Math.abs(accuracy - confidence);
    out.push({ lo: b / bins, hi: (b + 1) / bins, rows: c, confidence, accuracy });
  }
  return { rows, accuracy: correct / rows, ece, logLoss: logLoss / rows, brier: brier / rows, bins: out };
}
