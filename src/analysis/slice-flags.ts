import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { TIE_TOLERANCE } from '../label-model/predict.js';
import { disagreements } from './disagreements.js';

/**
 * Which rows `disagreements` would flag as `label-error` (needs gold) or `lf-mistake`, as a per-row mask, so a slice's
 * flag rate can be counted. The per-class thresholds come from `disagreements` itself (run with empty top lists,
 * one cheap pass); the row rule is the one it documents. Also returns its counts so callers (and tests) can check
 * the two agree.
 */
export function flaggedRows(
  L: LabelMatrix,
  probs: ArrayLike<number>,
  gold?: ArrayLike<number>,
): { flagged: Uint8Array; labelErrors: number; lfMistakes: number; found: ReturnType<typeof disagreements>['found'] } {
  const { n, m, k, votes } = L;
  const report = disagreements(L, probs, { gold, top: 0, topPerLF: 0, kinds: gold ? ['label-error', 'lf-mistake'] : ['lf-mistake'] });
  const tErr = report.thresholds.labelError;
  const tCons = report.thresholds.consensus!;
  const flagged = new Uint8Array(n);
  let labelErrors = 0;
  let lfMistakes = 0;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let count = 0;
    for (let j = 0; j < m; j++) count += 1 + (votes[base + j] >> 31);
    if (count === 0) continue;
    const pRow = i * k;
    if (gold && tErr && gold[i] !== ABSTAIN) {
      const g = gold[i];
      let s = 0;
      for (let y = 1; y < k; y++) if (probs[pRow + y] > probs[pRow + s]) s = y;
      const t = tErr[s];
      if (probs[pRow + s] - probs[pRow + g] > TIE_TOLERANCE && t !== null && probs[pRow + s] >= t) {
        flagged[i] = 1;
        labelErrors++;
      }
    }
    // The model's top class, unless tied.
    let y1 = 0;
    for (let y = 1; y < k; y++) if (probs[pRow + y] > probs[pRow + y1]) y1 = y;
    let tied = false;
    for (let y = 0; y < k; y++) if (y !== y1 && probs[pRow + y1] - probs[pRow + y] <= TIE_TOLERANCE) tied = true;
    if (tied) continue;
    const t = tCons[y1];
    if (t === null || probs[pRow + y1] < t) continue;
    for (let j = 0; j < m; j++) {
      const v = votes[base + j];
      if (v !== ABSTAIN && v !== y1) {
        flagged[i] = 1;
        lfMistakes++;
      }
    }
  }
  return { flagged, labelErrors, lfMistakes, found: report.found };
}
