import { toProbabilities, type Probabilities } from '../matrix/checked.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { LabelModel, TiePolicy } from './types.js';

export interface DecideOptions {
  tiePolicy?: TiePolicy;
  seed?: number;
  /** Index of L's first row in the whole matrix (a chunk or shard), so seeded tie-breaks equal a one-pass run. */
  rowOffset?: number;
  /** Names the probabilities in errors (e.g. the model file). */
  what?: string;
}

/**
 * A model's probabilities for the rows of L, checked once, and its hard labels by its own decision rule
 * (`predictFromProbs`: an auto model's F1 cut, ties by `tiePolicy`): what predict, sample, disagreements and slices
 * label rows with. The checked probabilities pass through later checks (sample context, disagreements) for free.
 */
export function decide(model: LabelModel, L: LabelMatrix, options: DecideOptions = {}): { probs: Probabilities; preds: Int32Array } {
  const probs = toProbabilities(model.predictProba(L), L.labels, options.what ?? 'probabilities', L.n);
  return { probs, preds: model.predictFromProbs(probs, options.tiePolicy ?? 'abstain', options.seed ?? 0, options.rowOffset ?? 0) };
}
