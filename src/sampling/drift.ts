import { distinctTokens, patternKeys } from '../analysis/drift-features.js';
import { ConfigError } from '../util/errors.js';
import { requireL } from './context.js';
import { eligibleRows, topByScore } from './select.js';
import type { DriftReference, Row, Sampler, SampleContext } from './types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';

export interface DriftSamplerOptions {
  /** Text column whose tokens add to the score (needs rows on both sides). */
  textColumn?: string;
}

/**
 * Rows of the new pool most unlike the old training set (`ctx.reference`), most unlike first: what to add to the
 * training set after drift. The score is a density-ratio estimate log p_new(x) / p_old(x) under a naive model of a
 * row: its vote pattern (on the LFs both matrices share) plus, with a text column, the mean over its distinct tokens
 * of log df_new(t) / df_old(t), each add-½ smoothed. A row scores high when rows like it are common now and were rare
 * before, which is systematic drift rather than one odd row. No model to train, linear in rows.
 */
export function driftSampler(options: DriftSamplerOptions = {}): Sampler {
  return {
    kind: 'drift',
    select(ctx, count, taken, rng) {
      const score = driftScores(ctx, options);
      return topByScore(eligibleRows(ctx.n, taken), count, score, rng.int(0x7fffffff));
    },
  };
}

/** The drift score of every row of the pool (see `driftSampler`). */
export function driftScores(ctx: SampleContext, options: DriftSamplerOptions = {}): Float64Array {
  const ref: DriftReference | undefined = ctx.reference;
  if (!ref) throw new ConfigError('the drift sampler needs the old training set to compare with (pass its label matrix as the reference)');
  const { L } = requireL(ctx, 'drift');
  const shared = ref.L.lfNames.filter((x) => L.lfNames.includes(x));
  if (shared.length === 0) throw new ConfigError('the drift sampler: the pool and the reference share no LF');
  const score = patternLogRatio(
    ref.L,
    shared.map((x) => ref.L.lfIndex(x)),
    L,
    shared.map((x) => L.lfIndex(x)),
  );
  const col = options.textColumn;
  if (col !== undefined) {
    if (!ctx.rows || !ref.rows) throw new ConfigError(`the drift sampler's textColumn "${col}" needs the rows of the pool and of the reference`);
    for (const [rows, what] of [
      [ctx.rows, 'pool'],
      [ref.rows, 'reference'],
    ] as const) {
      if (rows.length && !rows.some((r) => Object.hasOwn(r, col)))
        throw new ConfigError(`the drift sampler: the ${what} rows have no column "${col}"`);
    }
    const tokens = ctx.rows.map((r) => distinctTokens(r[col]));
    const dfNew = new Map<string, number>();
    for (const ts of tokens) for (const t of ts) dfNew.set(t, (dfNew.get(t) ?? 0) + 1);
    const dfOld = new Map<string, number>();
    for (const r of ref.rows as readonly Row[]) for (const t of distinctTokens(r[col])) dfOld.set(t, (dfOld.get(t) ?? 0) + 1);
    const nNew = ctx.rows.length,
      nOld = ref.rows.length;
    tokens.forEach((ts, i) => {
      if (ts.length === 0) return;
      let s = 0;
      for (const t of ts) s += Math.log(((dfNew.get(t) ?? 0) + 0.5) / (nNew + 1)) - Math.log(((dfOld.get(t) ?? 0) + 0.5) / (nOld + 1));
      score[i] += s / ts.length;
    });
  }
  return score;
}

/** log (share of the row's vote pattern in the pool) − log (its share in the reference), add-½ smoothed. */
function patternLogRatio(A: LabelMatrix, colsA: number[], B: LabelMatrix, colsB: number[]): Float64Array {
  const ka = patternKeys(A, colsA),
    kb = patternKeys(B, colsB);
  const ca = new Map<number, number>(),
    cb = new Map<number, number>();
  for (const x of ka) ca.set(x, (ca.get(x) ?? 0) + 1);
  for (const x of kb) cb.set(x, (cb.get(x) ?? 0) + 1);
  const distinct = new Set([...ca.keys(), ...cb.keys()]).size;
  const out = new Float64Array(B.n);
  for (let i = 0; i < B.n; i++) {
    out[i] = Math.log((cb.get(kb[i])! + 0.5) / (B.n + 0.5 * distinct)) - Math.log(((ca.get(kb[i]) ?? 0) + 0.5) / (A.n + 0.5 * distinct));
  }
  return out;
}
