import { ConfigError } from '../util/errors.js';

/**
 * The CSR shape of the end model's feature rows (src/end-model's SparseRows is assignable to it). Sampling only reads
 * it, so it is declared structurally here and sampling does not depend on how the features were built.
 */
export interface SparseRowsView {
  readonly n: number;
  readonly dim: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * What the end model adds to a sampling context: every pool row's feature vector and its out-of-sample class
 * probabilities (row i's from a model that never saw row i's target), row-major n × k.
 */
export interface EndModelView {
  readonly X: SparseRowsView;
  readonly probs: Float64Array;
}

/** Checks that an end-model view describes n rows of k classes. */
export function checkEndModelView(view: EndModelView, n: number, k: number): void {
  const { X, probs } = view;
  if (!(probs instanceof Float64Array)) throw new ConfigError('endModel.probs must be a Float64Array (row-major n × k)');
  if (probs.length !== n * k) throw new ConfigError(`the end model's probabilities have ${probs.length} values, expected n·k = ${n}·${k}`);
  if (X.n !== n) throw new ConfigError(`the end model's features have ${X.n} rows but the pool has ${n}`);
  if (X.indptr.length !== n + 1) throw new ConfigError(`the end model's features have ${X.indptr.length} row pointers, expected ${n + 1}`);
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1 + 1e-9)) throw new ConfigError(`end-model probability of row ${Math.floor(i / k)} is ${p}; expected a value in [0, 1]`);
  }
}
