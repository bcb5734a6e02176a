import type { LabelMatrix } from '../matrix/label-matrix.js';
import { checkPreds, toProbabilities, type Probabilities } from '../matrix/checked.js';
import { ConfigError, DataError } from '../util/errors.js';
import type { DriftReference, Row, SampleContext } from './types.js';
import { checkEndModelView, type EndModelView } from './feature-view.js';

export interface SampleInput {
  /** Probabilistic labels, row-major n × k (e.g. `model.predictProba(L)`). */
  probs: Probabilities | Float64Array;
  /** Class names; their number is k. Defaults to `L.labels`. */
  labels?: readonly string[];
  L?: LabelMatrix;
  rows?: readonly Row[];
  /** The file `rows` were read from (e.g. `ballot sample --data`), named in errors about their columns. */
  rowsSource?: string;
  /** Slice memberships by name (see `SampleContext.slices`). */
  slices?: ReadonlyMap<string, Uint8Array>;
  /** The old training set, for the `drift` sampler. */
  reference?: DriftReference;
  /**
   * Hard labels by the label model's own decision rule (`model.predictFromProbs(probs)`, which applies `auto`'s F1 cut),
   * so `_label` and class strata match `ballot predict`. Default: the most probable class (-1 on ties).
   */
  preds?: Int32Array;
  /** The end model's features and out-of-sample probabilities of the same n rows (diverseUncertain, representative, …). */
  endModel?: EndModelView;
}

/** Checks that probs, L and rows describe the same n rows, and precomputes hard labels and vote counts. */
export function createSampleContext(input: SampleInput): SampleContext {
  const labels = input.labels ?? input.L?.labels;
  if (!labels) throw new ConfigError('sampling needs the class names: pass `labels` or a label matrix `L`');
  const k = labels.length;
  if (k < 2) throw new ConfigError(`sampling needs at least 2 classes, got ${k}`);
  const { L, rows } = input;
  const checked = toProbabilities(input.probs, labels, 'probabilities');
  const { n, values: probs } = checked;
  if (L) {
    if (L.n !== n) throw new ConfigError(`the label matrix has ${L.n} rows but the probabilities have ${n}`);
    if (L.k !== k) throw new ConfigError(`the label matrix has ${L.k} classes but ${k} class names were given`);
  }
  if (rows && rows.length !== n) throw new ConfigError(`the data has ${rows.length} rows but the probabilities have ${n}`);
  if (input.endModel) checkEndModelView(input.endModel, n, k);
  return {
    n,
    k,
    labels: [...labels],
    probs,
    preds: input.preds ? checkPreds(input.preds, n, k) : checked.top,
    L,
    voteCounts: L?.voteCounts(),
    rows,
    rowsSource: input.rowsSource,
    ...checkedExtras(input, n),
    endModel: input.endModel,
  };
}

/** Slice masks must cover the n rows; the drift reference must share the classes. */
function checkedExtras(input: SampleInput, n: number): Pick<SampleContext, 'slices' | 'reference'> {
  for (const [name, mask] of input.slices ?? []) {
    if (mask.length !== n) throw new ConfigError(`slice "${name}" has ${mask.length} rows of membership but the pool has ${n}`);
  }
  const ref = input.reference;
  if (ref && input.L && ref.L.labels.join('\u0000') !== input.L.labels.join('\u0000')) {
    throw new ConfigError(`the drift reference has classes ${ref.L.labels.join(', ')} but the pool has ${input.L.labels.join(', ')}`);
  }
  return { ...(input.slices ? { slices: input.slices } : {}), ...(ref ? { reference: ref } : {}) };
}

/** Name of a hard label in reports; ties (-1) show as '(tie)'. */
export function className(ctx: SampleContext, y: number): string {
  return y < 0 ? TIE_CLASS : ctx.labels[y];
}

export const TIE_CLASS = '(tie)';

/** The label matrix or a ConfigError saying which sampler needs it. */
export function requireL(ctx: SampleContext, who: string): { L: LabelMatrix; votes: Int32Array } {
  if (!ctx.L || !ctx.voteCounts) throw new ConfigError(`the ${who} sampler needs the label matrix (pass L)`);
  return { L: ctx.L, votes: ctx.voteCounts };
}

/** An error about the data rows: a DataError naming their file when it is known, else a ConfigError. */
export function dataProblem(source: string | undefined, what: string): Error {
  return source ? new DataError(source, what) : new ConfigError(what);
}
