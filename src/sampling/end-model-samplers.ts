import { argmaxRow } from '../matrix/covered-sample.js';
import { ConfigError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { densityScores, poolDensity } from './density.js';
import { diverseSelect } from './diversity.js';
import type { EndModelView } from './feature-view.js';
import { eligibleRows, topByScore } from './select.js';
import type { SampleContext, Sampler } from './types.js';
import { rowEntropy, rowMargin } from './uncertainty.js';

// Samplers that look at the rows themselves through the end model: its features (for diversity and density) and its
// out-of-sample probabilities (for uncertainty), not only at the LF votes.

/** The end-model view of a context, or a ConfigError naming the sampler that needs it. */
export function requireEndModel(ctx: SampleContext, who: string): EndModelView {
  if (!ctx.endModel)
    throw new ConfigError(`the ${who} sampler needs the end model (its features and out-of-sample probabilities): pass \`endModel\``);
  return ctx.endModel;
}

/** How a diverse pick shares its batch over the end model's predicted classes. */
export type ClassBalance = 'equal' | 'sqrt' | 'proportional';

export interface DiverseOptions {
  /** Candidates considered per row asked for (the top max(`candidates · count`, 1000) by score; default 5). */
  candidates?: number;
  /**
   * Share of each predicted class in the batch: 'equal' (default; a rare class gets as many rows as a common one),
   * 'sqrt' (∝ √ of its rows in the pool: rare classes over-represented, less than with 'equal'), 'proportional'.
   */
  balance?: ClassBalance;
}

const BALANCES: readonly string[] = ['equal', 'sqrt', 'proportional'];
function checkBalance(v: ClassBalance | undefined, who: string): ClassBalance {
  const b = v ?? 'equal';
  if (!BALANCES.includes(b)) throw new ConfigError(`${who}: balance must be 'equal', 'sqrt' or 'proportional', got ${JSON.stringify(v)}`);
  return b;
}

export interface DiverseUncertainOptions extends DiverseOptions {
  /** 'margin' (default): 1 − (p1 − p2) of the end model; 'entropy': its entropy / log k. */
  measure?: 'margin' | 'entropy';
  /** Multiply uncertainty by representativeness (k-NN density), so outliers are not preferred (default false). */
  density?: boolean;
}

/** Uncertainty in [0, 1] of row i under row-major probabilities. */
export function rowUncertainty(probs: Float64Array, k: number, i: number, measure: 'margin' | 'entropy'): number {
  return measure === 'entropy' ? rowEntropy(probs, i * k, k) / Math.log(k) : rowMargin(probs, i * k, k);
}

/** Rows taken before this part runs (earlier parts, labeled rows): diversity keeps away from them. */
function takenRows(taken: Uint8Array): Int32Array {
  let c = 0;
  for (let i = 0; i < taken.length; i++) c += taken[i];
  const out = new Int32Array(c);
  for (let i = 0, j = 0; i < taken.length; i++) if (taken[i]) out[j++] = i;
  return out;
}

const MIN_CANDIDATES = 1000;

function checkFactor(v: number | undefined, who: string): number {
  const f = v ?? 5;
  if (!(f >= 1 && Number.isFinite(f))) throw new ConfigError(`${who}: candidates must be a number ≥ 1, got ${v}`);
  return f;
}

/**
 * Per class the end model predicts, the top `factor · count / k` rows of `pool` by `score` (at least
 * MIN_CANDIDATES / k, so a small batch can still reach beyond the single highest-scoring region); then a weighted
 * k-center pick of `count` among them, taking the classes in turn. Balancing by predicted class matters: without it
 * the most uncertain (or densest) rows are often all of one class, and a model trained on them learns nothing.
 */
function pickDiverse(
  ctx: SampleContext,
  em: EndModelView,
  pool: Int32Array,
  score: Float64Array,
  count: number,
  factor: number,
  taken: Uint8Array,
  rng: Rng,
  balance: ClassBalance = 'equal',
): number[] {
  const { k } = ctx;
  const want = Math.max(Math.ceil(count * factor), MIN_CANDIDATES);
  const tieSeed = rng.int(0x7fffffff);
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (const i of pool) byClass[argmaxRow(em.probs, i, k)].push(i);
  const groupWeights = byClass.map((rows) => (balance === 'equal' ? 1 : balance === 'sqrt' ? Math.sqrt(rows.length) : rows.length));
  const cand: number[] = [];
  const group: number[] = [];
  byClass.forEach((rows, y) => {
    for (const i of topByScore(rows, Math.ceil(want / k), score, tieSeed)) {
      cand.push(i);
      group.push(y);
    }
  });
  return diverseSelect(em.X, cand, score, count, rng, { anchors: takenRows(taken), groupOf: Int32Array.from(group), groups: k, groupWeights });
}

/**
 * The rows the end model is least sure of (out-of-sample probabilities), spread over the feature space: the top
 * candidates by uncertainty, then weighted k-center greedy so the batch covers different hard regions.
 */
export function diverseUncertainSampler(options: DiverseUncertainOptions = {}): Sampler {
  const measure = options.measure ?? 'margin';
  if (measure !== 'margin' && measure !== 'entropy')
    throw new ConfigError(`diverseUncertain measure must be 'margin' or 'entropy', got ${JSON.stringify(measure)}`);
  const factor = checkFactor(options.candidates, 'diverseUncertain');
  const useDensity = options.density ?? false;
  const balance = checkBalance(options.balance, 'diverseUncertain');
  return {
    kind: 'diverseUncertain',
    select(ctx, count, taken, rng) {
      const em = requireEndModel(ctx, 'diverseUncertain');
      const pool = eligibleRows(ctx.n, taken);
      const score = new Float64Array(ctx.n);
      for (const i of pool) score[i] = rowUncertainty(em.probs, ctx.k, i, measure) + 1e-6;
      if (useDensity) {
        const dens = poolDensity(em.X);
        for (const i of pool) score[i] *= dens[i] + 1e-3;
      }
      return pickDiverse(ctx, em, pool, score, count, factor, taken, rng, balance);
    },
  };
}

/**
 * Representative rows: high k-NN density in feature space (typical of the pool), spread by weighted k-center so the
 * batch covers the pool's dense regions rather than the single densest one.
 */
export function representativeSampler(options: DiverseOptions = {}): Sampler {
  const factor = checkFactor(options.candidates ?? 10, 'representative');
  const balance = checkBalance(options.balance, 'representative');
  return {
    kind: 'representative',
    select(ctx, count, taken, rng) {
      const em = requireEndModel(ctx, 'representative');
      const pool = eligibleRows(ctx.n, taken);
      const dens = poolDensity(em.X);
      const score = new Float64Array(ctx.n);
      for (const i of pool) score[i] = dens[i] + 1e-6;
      return pickDiverse(ctx, em, pool, score, count, factor, taken, rng, balance);
    },
  };
}

/**
 * Rows where the end model and the label model disagree most (total-variation distance between their class
 * distributions), among rows some LF voted on: two automated systems disagree, so a human label settles one of them.
 * Spread by weighted k-center.
 */
export function modelDisagreementSampler(options: DiverseOptions = {}): Sampler {
  const factor = checkFactor(options.candidates, 'modelDisagreement');
  const balance = checkBalance(options.balance, 'modelDisagreement');
  return {
    kind: 'modelDisagreement',
    select(ctx, count, taken, rng) {
      const em = requireEndModel(ctx, 'modelDisagreement');
      const votes = ctx.voteCounts;
      const pool = eligibleRows(ctx.n, taken, votes ? (i) => votes[i] > 0 : undefined);
      const { k, probs } = ctx;
      const score = new Float64Array(ctx.n);
      for (const i of pool) {
        let tv = 0;
        for (let y = 0; y < k; y++) tv += Math.abs(probs[i * k + y] - em.probs[i * k + y]);
        score[i] = tv / 2 + 1e-6;
      }
      return pickDiverse(ctx, em, pool, score, count, factor, taken, rng, balance);
    },
  };
}

/**
 * Uncovered rows (no LF vote) that are representative of the uncovered region: k-NN density computed among the
 * uncovered rows, spread by weighted k-center. Needs the label matrix and the end model's features.
 */
export function representativeGapSelect(ctx: SampleContext, count: number, taken: Uint8Array, rng: Rng, votes: Int32Array, factor = 10): number[] {
  const em = requireEndModel(ctx, 'coverageGap (representative)');
  const pool = eligibleRows(ctx.n, taken, (i) => votes[i] === 0);
  const score = densityScores(em.X, pool, rng.fork('density'));
  for (const i of pool) score[i] += 1e-6;
  return pickDiverse(ctx, em, pool, score, count, factor, taken, rng);
}
