import { TIE_CLASS } from './context.js';
import { eligibleRows, groupByStratum, topByScore } from './select.js';
import { strataOf } from './strata.js';
import type { SampleContext, Sampler, StratifyBy } from './types.js';

// A ranked sampler judges every row by that row alone (its probabilities, hard label, votes, column values): whether
// it is eligible, its stratum, and two sort keys. Its pick of `count` rows is then one fixed rule over those facts —
// the best rows by key (ties by a seeded hash of the row's index in the whole pool), split over strata by a quota —
// so a pool can be scored batch by batch, or shard by shard on many machines, keeping only each stratum's best rows,
// and still give exactly the rows a one-pass run over the whole pool gives.

/** Per-row facts of one part over the rows of a context (a whole pool or one batch of it). */
export interface RowFacts {
  /** 1 = the part may pick the row. */
  eligible: Uint8Array;
  /** Higher first. */
  key: Float64Array;
  /** Higher first, when `key` ties. */
  key2: Float64Array;
}

export interface Ranking {
  /** Strata the count is split over; undefined = one stratum. A function of the row cannot be ranked in batches. */
  readonly by?: StratifyBy;
  /** Fills the facts of every row of `ctx`; must look at row i's own values only. */
  facts(ctx: SampleContext, out: RowFacts): void;
  /** Rows per stratum for `count`, given the rows still available in each (in stratum order). */
  quota?(count: number, available: readonly number[]): ArrayLike<number>;
}

export interface RankedSampler extends Sampler {
  readonly ranking: Ranking;
}

export function isRanked(s: Sampler): s is RankedSampler {
  return typeof (s as Partial<RankedSampler>).ranking === 'object';
}

/** A part's facts over all rows of `ctx`. */
export function rowFacts(ranking: Ranking, ctx: SampleContext): RowFacts {
  const out: RowFacts = { eligible: new Uint8Array(ctx.n), key: new Float64Array(ctx.n), key2: new Float64Array(ctx.n) };
  ranking.facts(ctx, out);
  return out;
}

/**
 * The one rule every ranked sampler picks by, over a whole pool held in memory: the eligible rows not `taken`,
 * split over strata by the quota, each stratum's best first (key, key2, then hash of the row index with `tieSeed`).
 * `candidates.ts` applies the same rule to the best rows kept from batches.
 */
export function selectRanked(ranking: Ranking, ctx: SampleContext, count: number, taken: Uint8Array, tieSeed: number): number[] {
  const f = rowFacts(ranking, ctx);
  const pool = eligibleRows(ctx.n, taken, (i) => f.eligible[i] === 1);
  if (ranking.by === undefined) return topByScore(pool, count, f.key, tieSeed, f.key2);
  const strata = strataOf(ctx, ranking.by);
  const groups = groupByStratum(pool, strata.ids, strata.names.length);
  const alloc = quotaOf(
    ranking,
    count,
    groups.map((g) => g.length),
  );
  const out: number[] = [];
  groups.forEach((g, s) => {
    if (alloc[s] > 0) for (const i of topByScore(g, alloc[s], f.key, tieSeed, f.key2)) out.push(i);
  });
  return out;
}

export function quotaOf(ranking: Ranking, count: number, available: readonly number[]): ArrayLike<number> {
  if (ranking.quota) return ranking.quota(count, available);
  return available.map(() => count);
}

/** Builds a ranked sampler: `select` applies `selectRanked` with the part's tie seed (its stream's first draw). */
export function rankedSampler(kind: string, ranking: Ranking): RankedSampler {
  return {
    kind,
    ranking,
    select: (ctx, count, taken, rng) => selectRanked(ranking, ctx, count, taken, rng.int(0x7fffffff)),
  };
}

/**
 * The stratum names of `by` in the order `strataOf` gives them over a whole pool, from the names seen: classes in
 * label order then '(tie)'; a slice before its complement; column values sorted (ordinal).
 */
export function strataOrder(by: StratifyBy, labels: readonly string[], seen: Iterable<string>): string[] {
  const names = new Set(seen);
  if (by === 'class') return [...labels, TIE_CLASS].filter((s) => names.has(s));
  if (typeof by === 'string' && by.startsWith('slice:')) {
    const name = by.slice('slice:'.length);
    return [name, `not ${name}`].filter((s) => names.has(s));
  }
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
