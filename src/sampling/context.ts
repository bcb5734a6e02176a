import type { LabelMatrix } from '../lf/label-matrix.js';
import { probsToPreds } from '../label-model/predict.js';
import { ConfigError, DataError } from '../util/errors.js';
import { checkEndModelView, type EndModelView } from './feature-view.js';
import type { Row, SampleContext } from './types.js';

export interface SampleInput {
  /** Probabilistic labels, row-major n × k (e.g. `model.predictProba(L)`). */
  probs: Float64Array;
  /** Class names; their number is k. Defaults to `L.labels`. */
  labels?: readonly string[];
  L?: LabelMatrix;
  rows?: readonly Row[];
  /** The file `rows` were read from (e.g. `ballot sample --data`), named in errors about their columns. */
  rowsSource?: string;
  /** The end model's features and out-of-sample probabilities of the same n rows (diverseUncertain, representative, …). */
  endModel?: EndModelView;
}

/** Checks that probs, L and rows describe the same n rows, and precomputes hard labels and vote counts. */
export function createSampleContext(input: SampleInput): SampleContext {
  const labels = input.labels ?? input.L?.labels;
  if (!labels) throw new ConfigError('sampling needs the class names: pass `labels` or a label matrix `L`');
  const k = labels.length;
  if (k < 2) throw new ConfigError(`sampling needs at least 2 classes, got ${k}`);
  const { probs, L, rows } = input;
  if (!(probs instanceof Float64Array)) throw new ConfigError('probs must be a Float64Array (row-major n × k)');
  if (probs.length % k !== 0) throw new ConfigError(`probs has ${probs.length} values, not a multiple of k = ${k} classes`);
  const n = probs.length / k;
  if (L) {
    if (L.n !== n) throw new ConfigError(`the label matrix has ${L.n} rows but the probabilities have ${n}`);
    if (L.k !== k) throw new ConfigError(`the label matrix has ${L.k} classes but ${k} class names were given`);
  }
  if (rows && rows.length !== n) throw new ConfigError(`the data has ${rows.length} rows but the probabilities have ${n}`);
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1 + 1e-9)) throw new ConfigError(`probability of row ${Math.floor(i / k)}, class ${labels[i % k]} is ${p}; expected a value in [0, 1]`);
  }
  if (input.endModel) checkEndModelView(input.endModel, n, k);
  return {
    n,
    k,
    labels: [...labels],
    probs,
    preds: probsToPreds(probs, k, 'abstain'),
    L,
    votes: L?.voteCounts(),
    rows,
    rowsSource: input.rowsSource,
    endModel: input.endModel,
  };
}

/** Name of a hard label in reports; ties (-1) show as '(tie)'. */
export function className(ctx: SampleContext, y: number): string {
  return y < 0 ? TIE_CLASS : ctx.labels[y];
}

export const TIE_CLASS = '(tie)';

/** The label matrix or a ConfigError saying which sampler needs it. */
export function requireL(ctx: SampleContext, who: string): { L: LabelMatrix; votes: Int32Array } {
  if (!ctx.L || !ctx.votes) throw new ConfigError(`the ${who} sampler needs the label matrix (pass L)`);
  return { L: ctx.L, votes: ctx.votes };
}

/** An error about the data rows: a DataError naming their file when it is known, else a ConfigError. */
export function dataProblem(source: string | undefined, what: string): Error {
  return source ? new DataError(source, what) : new ConfigError(what);
}
