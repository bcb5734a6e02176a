import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { createRng } from '../util/rng.js';
import { createSampleContext, type SampleInput } from './context.js';
import { toGold } from '../matrix/checked.js';
import type { SparseRowsView } from './feature-view.js';
import { isPreparedRecipe, type PreparedRecipe, type Recipe } from './recipe.js';
import { runRecipe, type SampleResult } from './run-recipe.js';
import type { Row } from './types.js';

/** Soft training targets for the end model (the shape of src/end-model's `Targets` of kind 'soft'). */
export interface SoftTargets {
  kind: 'soft';
  /** n × k row-major class distributions. */
  probs: Float64Array;
  /** Per-row weight; 0 = ignored. */
  weights: Float64Array;
}

/** Trains the end model on targets over the pool and returns out-of-sample probabilities for every pool row (n × k). */
export type CrossFit = (targets: SoftTargets) => Float64Array;

export interface PlanInput {
  /** The pool's feature rows (the end model's featurizer applied to the rows). */
  X: SparseRowsView;
  /** Class names. */
  labels: readonly string[];
  /** The label model's probabilities for the pool, n × k: the weak labels. */
  labelProbs: Float64Array;
  /** The label matrix (rows without votes get no weak-label weight; needed by LF-based parts). */
  L?: LabelMatrix;
  rows?: readonly Row[];
  rowsSource?: string;
  /** Gold labels gathered so far (-1 = not labeled). Rounds mode when any row has one; those rows are never selected. */
  gold?: Int32Array;
  /** Cross-fitted training of the end model (e.g. `endModelCrossFit(...)`). */
  crossFit: CrossFit;
  /**
   * Weight of a weak (label-model) target relative to a gold one (default 1 with no gold, else chosen so that all weak
   * rows together weigh `weakShare` × the gold rows).
   */
  weakWeight?: number;
  /**
   * With gold: total weak weight as a multiple of the number of gold rows. Default 0 (gold only once there is gold):
   * measured by bench/next-set.ts on three sets, weakShare 0.3 scored 81.8 at 200 rows against 91.1 for 0 (the weak
   * labels pull the retrained model back to the LFs' blind spots); pass e.g. 0.3 to keep them.
   */
  weakShare?: number;
  /**
   * At most this many weak-labeled rows train the end model (a seeded random subset of the covered, unlabeled rows;
   * default: all). Keeps a round's retraining cheap on a large pool; the weights are scaled so the subset weighs what
   * all weak rows would.
   */
  weakRows?: number;
  /** Seed of the weak-row subset (default: the recipe's seed). */
  seed?: number;
  /** Slice memberships and the drift reference, passed to the sample context (see SampleInput). */
  slices?: SampleInput['slices'];
  /** Hard labels by the label model's decision rule (see SampleInput.preds). */
  preds?: SampleInput['preds'];
  reference?: SampleInput['reference'];
}

export interface PlanResult extends SampleResult {
  /** The end model's out-of-sample probabilities the samplers saw (n × k). */
  endProbs: Float64Array;
  /** Gold rows used for training, and the weight each weak row got. */
  goldRows: number;
  weakWeight: number;
}

/**
 * Training targets: gold rows one-hot at weight 1, rows some LF voted on their label-model distribution at
 * `weakWeight`, uncovered rows weight 0 (their weak label is only the prior).
 */
export function planTargets(
  labelProbs: Float64Array,
  k: number,
  votes: Int32Array | undefined,
  gold: Int32Array | undefined,
  weakWeight: number,
): SoftTargets {
  const n = labelProbs.length / k;
  const probs = new Float64Array(labelProbs);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = gold ? gold[i] : -1;
    if (g >= 0) {
      for (let y = 0; y < k; y++) probs[i * k + y] = y === g ? 1 : 0;
      weights[i] = 1;
    } else if (!votes || votes[i] > 0) weights[i] = weakWeight;
  }
  return { kind: 'soft', probs, weights };
}

/**
 * Picks the next batch to label. One-shot (no gold): the end model is cross-fitted on the label model's
 * probabilities. Rounds (some gold): it is cross-fitted on the gold rows plus the weak labels elsewhere (weighted),
 * and the gold rows are excluded from selection (and act as anchors the diversity samplers keep away from).
 * Then the recipe runs with the end model's out-of-sample probabilities and features in its context.
 */
export function planNextBatch(recipe: Recipe | PreparedRecipe, input: PlanInput): PlanResult {
  const { X, labels, labelProbs, L, gold } = input;
  const k = labels.length;
  const n = X.n;
  if (labelProbs.length !== n * k) throw new ConfigError(`label-model probabilities: ${labelProbs.length} values for ${n} rows of ${k} classes`);
  const exclude = new Uint8Array(n);
  let goldRows = 0;
  if (gold) {
    toGold(gold, labels, 'gold labels', n);
    for (let i = 0; i < n; i++) {
      if (gold[i] >= 0) {
        exclude[i] = 1;
        goldRows++;
      }
    }
  }
  const votes = L?.voteCounts();
  let weakWeight = input.weakWeight ?? 1;
  if (input.weakWeight === undefined && goldRows > 0) {
    let weak = 0;
    for (let i = 0; i < n; i++) if (exclude[i] === 0 && (!votes || votes[i] > 0)) weak++;
    weakWeight = weak > 0 ? Math.min(1, ((input.weakShare ?? 0) * goldRows) / weak) : 0;
  }
  const targets = planTargets(labelProbs, k, votes, gold, weakWeight);
  if (input.weakRows !== undefined && weakWeight > 0)
    capWeakRows(targets, exclude, input.weakRows, input.seed ?? (isPreparedRecipe(recipe) ? recipe.seed : (recipe.seed ?? 0)));
  const endProbs = input.crossFit(targets);
  if (!(endProbs instanceof Float64Array) || endProbs.length !== n * k)
    throw new ConfigError(`crossFit returned ${endProbs?.length} probabilities, expected ${n * k}`);
  const ctx = createSampleContext({
    probs: labelProbs,
    labels,
    L,
    rows: input.rows,
    rowsSource: input.rowsSource,
    endModel: { X, probs: endProbs },
    slices: input.slices,
    reference: input.reference,
    preds: input.preds,
  });
  const result = runRecipe(recipe, ctx, { exclude });
  return { ...result, endProbs, goldRows, weakWeight };
}

/** Keeps `cap` of the weighted non-gold rows (seeded), scaling their weights up so their total is unchanged. */
function capWeakRows(targets: SoftTargets, gold: Uint8Array, cap: number, seed: number): void {
  if (!Number.isInteger(cap) || cap < 0) throw new ConfigError(`weakRows must be a whole number ≥ 0, got ${cap}`);
  const { weights } = targets;
  const weak: number[] = [];
  for (let i = 0; i < weights.length; i++) if (!gold[i] && weights[i] > 0) weak.push(i);
  if (weak.length <= cap) return;
  const rng = createRng(seed).fork('weak-rows');
  for (let t = 0; t < cap; t++) {
    const j = t + rng.int(weak.length - t);
    [weak[t], weak[j]] = [weak[j], weak[t]];
  }
  const scale = weak.length / Math.max(cap, 1);
  for (let t = 0; t < weak.length; t++) weights[weak[t]] = t < cap ? weights[weak[t]] * scale : 0;
}
