import { crossFitProba, type EndModel } from '../end-model/end-model.js';
import type { SparseRows } from '../end-model/sparse.js';
import type { CrossFit } from './plan.js';

/**
 * A `CrossFit` for planNextBatch from a saved end model: its featurizer and training options (l2, iterations,
 * tolerance), K-fold out-of-sample probabilities on the pool's features, seeded.
 */
export function endModelCrossFit(model: EndModel, X: SparseRows, options: { folds?: number; seed?: number } = {}): CrossFit {
  const { l2, maxIter, tol } = model.training;
  return (targets) =>
    crossFitProba(X, model.featurizer, targets, model.labels, { l2, maxIter, tol, folds: options.folds ?? 3, seed: options.seed ?? 0 });
}
