import type { LabelMatrix } from '../matrix/label-matrix.js';
import { checkProbabilities } from '../matrix/checked.js';
import type { ReportData } from './types.js';

/** Per row, the top class, or -1 when two classes tie (the checked-probabilities rule every reader shares). */
export function topClasses(probs: ArrayLike<number>, n: number, k: number): Int32Array {
  return checkProbabilities(
    probs,
    Array.from({ length: k }, (_, y) => String(y)),
    'probabilities',
    n,
  ).top;
}

export { wilsonInterval } from '../analysis/stats.js';

/** Class shares from class-index counts; one entry per class. */
function shares(source: string, labels: readonly string[], counts: ArrayLike<number>): ReportData['classBalance'] {
  let total = 0;
  for (let y = 0; y < labels.length; y++) total += counts[y];
  return labels.map((label, y) => ({ source, label, count: counts[y], share: total ? counts[y] / total : 0 }));
}

/** Counts of each class in a class-index array (-1 left out). */
function classCounts(values: ArrayLike<number>, k: number): Int32Array {
  const out = new Int32Array(k);
  for (let i = 0; i < values.length; i++) if (values[i] >= 0) out[values[i]]++;
  return out;
}

/** Class balance by votes, label model, end model and gold: each a share of the rows (or votes) it decides. */
export function classBalance(
  L: LabelMatrix,
  votesPerClass: readonly number[],
  lmTop: Int32Array,
  endTop: Int32Array | null,
  gold: ArrayLike<number> | null,
  covered: Uint8Array,
): ReportData['classBalance'] {
  const out = shares('votes', L.labels, votesPerClass);
  // The label model only knows the prior on uncovered rows; count the rows it actually judged.
  const lm = new Int32Array(L.k);
  for (let i = 0; i < L.n; i++) if (covered[i] && lmTop[i] >= 0) lm[lmTop[i]]++;
  out.push(...shares('label model', L.labels, lm));
  if (endTop) out.push(...shares('end model', L.labels, classCounts(endTop, L.k)));
  if (gold) out.push(...shares('gold', L.labels, classCounts(gold, L.k)));
  return out;
}

export const CONFIDENCE_BINS = 20;
export const RELIABILITY_BINS = 10;

/** Histogram of the label model's confidence (max probability) per predicted class, over covered rows without a tie. */
export function confidenceHistogram(
  labels: readonly string[],
  probs: ArrayLike<number>,
  top: Int32Array,
  covered: Uint8Array,
): ReportData['confidence'] {
  const k = labels.length;
  const counts = new Int32Array(k * CONFIDENCE_BINS);
  for (let i = 0; i < top.length; i++) {
    const y = top[i];
    if (!covered[i] || y < 0) continue;
    const b = Math.min(CONFIDENCE_BINS - 1, Math.floor(probs[i * k + y] * CONFIDENCE_BINS));
    counts[y * CONFIDENCE_BINS + b]++;
  }
  const out: ReportData['confidence'] = [];
  for (let y = 0; y < k; y++) {
    for (let b = 0; b < CONFIDENCE_BINS; b++)
      out.push({ label: labels[y], lo: b / CONFIDENCE_BINS, hi: (b + 1) / CONFIDENCE_BINS, count: counts[y * CONFIDENCE_BINS + b] });
  }
  return out;
}

/**
 * Reliability of one model on rows with a known given label: per confidence bin, the mean confidence (max probability)
 * and the share of rows whose top class is the given one (a tie counts as wrong). Also the expected calibration error.
 */
export function reliability(
  model: string,
  probs: ArrayLike<number>,
  k: number,
  gold: ArrayLike<number>,
  top: Int32Array,
): { bins: ReportData['reliability']; summary: ReportData['calibration'][number] } {
  const count = new Float64Array(RELIABILITY_BINS);
  const conf = new Float64Array(RELIABILITY_BINS);
  const right = new Float64Array(RELIABILITY_BINS);
  let rows = 0;
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    if (g < 0) continue;
    let p = probs[i * k];
    for (let y = 1; y < k; y++) if (probs[i * k + y] > p) p = probs[i * k + y];
    const b = Math.min(RELIABILITY_BINS - 1, Math.floor(p * RELIABILITY_BINS));
    const ok = top[i] === g ? 1 : 0;
    count[b]++;
    conf[b] += p;
    right[b] += ok;
    rows++;
    correct += ok;
  }
  const bins: ReportData['reliability'] = [];
  let ece = 0;
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    if (count[b] === 0) continue;
    const c = conf[b] / count[b];
    const a = right[b] / count[b];
    ece += (count[b] / rows) * Math.abs(a - c);
    bins.push({ model, lo: b / RELIABILITY_BINS, hi: (b + 1) / RELIABILITY_BINS, count: count[b], confidence: c, accuracy: a });
  }
  return { bins, summary: { model, rows, ece, accuracy: rows ? correct / rows : 0 } };
}

/** 1 for rows with at least one vote. */
export function coveredRows(L: LabelMatrix): Uint8Array {
  const { n, m, votes } = L;
  const out = new Uint8Array(n);
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let c = 0;
    for (let j = 0; j < m; j++) c |= 1 + (votes[base + j] >> 31);
    out[i] = c;
  }
  return out;
}
