import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { GoldLabels, Probabilities } from '../matrix/checked.js';
import { judgeMatrix, type disagreements } from './disagreements.js';

/**
 * Which rows `disagreements` flags as `label-error` (needs gold) or `lf-mistake`, as a per-row mask, so a slice's
 * flag rate can be counted: its own judges mark them in the same one pass (top lists empty). Also returns its counts.
 */
export function flaggedRows(
  L: LabelMatrix,
  probs: Probabilities | ArrayLike<number>,
  gold?: GoldLabels | ArrayLike<number>,
  /** The model's decisions (`DisagreementOptions.preds`), so flags follow its decision rule. */
  preds?: ArrayLike<number>,
): { flagged: Uint8Array; labelErrors: number; lfMistakes: number; found: ReturnType<typeof disagreements>['found'] } {
  const flagged = new Uint8Array(L.n);
  const report = judgeMatrix(L, probs, { gold, preds, top: 0, topPerLF: 0, kinds: gold ? ['label-error', 'lf-mistake'] : ['lf-mistake'] }, flagged);
  const mistakes = report.found['lf-mistake'] as Record<string, number>;
  const lfMistakes = Object.values(mistakes).reduce((a, b) => a + b, 0);
  return { flagged, labelErrors: (report.found['label-error'] as number | undefined) ?? 0, lfMistakes, found: report.found };
}
