import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { Rng } from '../util/rng.js';
import type { EndModelView } from './feature-view.js';

/** One data row: column name → value. */
export type { Row } from '../data/types.js';
import type { Row } from '../data/types.js';

/**
 * Everything a sampler may look at, for a pool of n rows. Built once by `createSampleContext`, which checks that
 * the shapes agree; the derived arrays (hard labels, vote counts) are computed once and shared by all parts.
 */
export interface SampleContext {
  readonly n: number;
  readonly k: number;
  /** Class names, `labels[y]` for class y. */
  readonly labels: readonly string[];
  /** Probabilistic labels, row-major n × k. */
  readonly probs: Float64Array;
  /** Hard labels from `probs` (ties → -1), as `probsToPreds(probs, k, 'abstain')`. */
  readonly preds: Int32Array;
  /** The label matrix, when known (needed by `disagreement` and `coverageGap`). */
  readonly L?: LabelMatrix;
  /** Non-abstain votes per row, when L is known. */
  readonly voteCounts?: Int32Array;
  /** The data rows (needed to stratify by a column, and for dedupe). */
  readonly rows?: readonly Row[];
  /** The file the rows were read from, when known: errors about their columns name it. */
  readonly rowsSource?: string;
  /** Slice memberships by slice name (1 = in the slice), for stratifying by 'slice:<name>'. */
  readonly slices?: ReadonlyMap<string, Uint8Array>;
  /** The old training set, for the `drift` sampler (rows most unlike it). */
  readonly reference?: DriftReference;
  /** The end model's view of the pool (features + out-of-sample probabilities), for the samplers that use it. */
  readonly endModel?: EndModelView;
}

/** The training set new rows are compared with: its label matrix and, for token scores, its rows. */
export interface DriftReference {
  L: LabelMatrix;
  rows?: readonly Row[];
}

/**
 * A sampler picks up to `count` rows that are not `taken` (1 = already picked by another part or removed by dedupe),
 * best first, without repeats. Returning fewer than `count` means it has no more eligible rows. It must draw all its
 * randomness from `rng` so a seeded run reproduces exactly. It must not modify `taken`.
 */
export interface Sampler {
  /** The sampler's kind, e.g. 'uncertainty'; shown in reports. */
  readonly kind: string;
  select(ctx: SampleContext, count: number, taken: Uint8Array, rng: Rng): number[];
}

/** What a stratified sampler groups rows by: 'class' (predicted class), a column name, or a function of the row. */
export type StratifyBy = 'class' | string | ((row: Row | undefined, index: number, ctx: SampleContext) => string | number | null | undefined);

/** How a count is split over strata: in proportion to their sizes, or the same for each. */
export type Allocation = 'proportional' | 'equal';
