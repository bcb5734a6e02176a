/**
 * A model-based LF: the logistic regression in spam-logreg.onnx (made by scripts/make-onnx-model.ts) votes when
 * it is confident. Apply it like any LF file:
 *   node bin/ballot.mjs apply --data examples/spam/data/Youtube05-Shakira.csv --lfs examples/onnx/lfs.ts --out out/onnx.arrow
 */
import { ABSTAIN, defineLabels, onnxLabelingFunction } from 'ballot';
import { spamFeatures } from './features.js';

export const labels = defineLabels(['HAM', 'SPAM'] as const);

/** Softmax regression over six text features; votes only above 80 % probability. */
export const lfLogreg = onnxLabelingFunction({
  name: 'onnx_logreg',
  model: new URL('./spam-logreg.onnx', import.meta.url),
  features: (r: { CONTENT: string }) => spamFeatures(r.CONTENT),
  vote: (p) => (p[1] >= 0.8 ? 'SPAM' : p[0] >= 0.8 ? 'HAM' : ABSTAIN),
});
