import { ConfigError } from '../util/errors.js';
import { allocate, buildSampleReport, flatten, partRng, redistribute, type PoolSummary, type SampleReport, type TakenRows } from './allocation.js';
import { createSampleContext, type SampleInput } from './context.js';
import { batchable, SampleCandidates, selectCandidates } from './candidates.js';
import { DUP_KEPT, findDuplicates, type DedupeResult } from './dedupe.js';
import { isPreparedRecipe, prepareRecipe, type PreparedRecipe, type Recipe } from './recipe.js';
import type { SampleContext } from './types.js';
import { isRanked } from './ranked.js';

export type { PartReport, ClassCount, SampleReport } from './allocation.js';

export interface RunOptions {
  /** Rows never to select (1 = excluded), e.g. the rows already labeled; diversity samplers keep away from them. */
  exclude?: Uint8Array;
  /**
   * 'auto' (default): a recipe whose parts all rank rows one by one (random, stratified, uncertainty, disagreement,
   * confident, coverageGap) and that has no dedupe runs on the batched engine; 'whole' always runs the in-memory
   * path. Both select the same rows; 'whole' exists to check that.
   */
  engine?: 'auto' | 'whole';
}

export interface SampleResult {
  /** Selected row indices: part by part in recipe order, each part's rows in selection order. */
  indices: Int32Array;
  /** The part (index into `report.parts`) that selected each row of `indices`. */
  partOf: Int32Array;
  report: SampleReport;
  ctx: SampleContext;
  dedupe: DedupeResult | null;
}

/**
 * Runs a recipe: dedupes the pool (if asked), splits the budget over the parts by largest remainder, runs the parts
 * in order (each with its own seeded stream, so one part's draws never shift another's), and hands a part's
 * shortfall to the parts that still have eligible rows, in proportion to their fractions. No row is picked twice.
 * The same recipe, seed and inputs give the same rows in the same order.
 */
export function runRecipe(recipe: Recipe | PreparedRecipe, input: SampleInput | SampleContext, options: RunOptions = {}): SampleResult {
  const prepared = isPreparedRecipe(recipe) ? recipe : prepareRecipe(recipe);
  const ctx = isContext(input) ? input : createSampleContext(input);
  if (options.exclude && options.exclude.length !== ctx.n)
    throw new ConfigError(`exclude has ${options.exclude.length} entries for a pool of ${ctx.n} rows`);
  if ((options.engine ?? 'auto') === 'auto' && batchable(prepared) === null) {
    // Every part ranks rows one by one: the batched engine, on one batch, so `sampleBatches` and the sharded run
    // give these very rows.
    const candidates = new SampleCandidates(prepared, ctx.labels);
    candidates.addBatch(ctx, 0, options.exclude);
    return { ...selectCandidates(prepared, candidates), ctx, dedupe: null };
  }
  const pool = dedupePool(prepared, ctx, options);
  const taken = pool.taken;
  const rngs = prepared.parts.map((p) => partRng(prepared.seed, p.name));
  const run = allocate(prepared, ctx.n, maskTaken(taken), (pi, count) => {
    const part = prepared.parts[pi];
    // A ranked sampler draws only its tie seed: give it the same one on every call (target, then shortfalls), as
    // the batched engine does (candidates.ts).
    const rng = isRanked(part.sampler) ? partRng(prepared.seed, part.name) : rngs[pi];
    return part.sampler.select(ctx, count, taken, rng);
  });
  redistribute(prepared, run);
  const { indices, partOf } = flatten(run.picks);
  const summary = poolSummary(ctx, pool.dedupe);
  const excludedGiven = options.exclude ? options.exclude.reduce((a, x) => a + (x ? 1 : 0), 0) : 0;
  const report = buildSampleReport(prepared, summary, excludedGiven, pool, run, indices, partOf);
  return { indices, partOf, report, ctx, dedupe: pool.dedupe };
}

/** Class counts of a pool held in memory (before and after dedupe), for the report. */
function poolSummary(ctx: SampleContext, dedupe: DedupeResult | null): PoolSummary {
  const { k, preds, n } = ctx;
  const pool = new Int32Array(k + 1);
  const after = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) {
    const s = preds[i] < 0 ? k : preds[i];
    pool[s]++;
    if (!dedupe || dedupe.status[i] === DUP_KEPT) after[s]++;
  }
  return { n, labels: ctx.labels, poolClasses: pool, afterClasses: after, predOf: (i) => preds[i] };
}

/** The pool after exclusions and dedupe: `taken` marks every row no part may select. */
export interface Pool {
  taken: Uint8Array;
  dedupe: DedupeResult | null;
  /** Rows left to select from. */
  after: number;
}

function dedupePool(prepared: PreparedRecipe, ctx: SampleContext, options: RunOptions): Pool {
  const { n } = ctx;
  const taken = new Uint8Array(n);
  let excluded = 0;
  if (options.exclude) {
    if (options.exclude.length !== n) throw new ConfigError(`exclude has ${options.exclude.length} entries for a pool of ${n} rows`);
    for (let i = 0; i < n; i++)
      if (options.exclude[i]) {
        taken[i] = 1;
        excluded++;
      }
  }
  let dedupe: DedupeResult | null = null;
  if (prepared.dedupe) {
    if (!ctx.rows) throw new ConfigError('the recipe asks for dedupe, which needs the data rows (their text)');
    dedupe = findDuplicates(ctx.rows, prepared.dedupe, ctx.rowsSource);
    for (let i = 0; i < n; i++)
      if (dedupe.status[i] !== DUP_KEPT && !taken[i]) {
        taken[i] = 1;
        excluded++;
      }
  }
  return { taken, dedupe, after: n - excluded };
}

function maskTaken(mask: Uint8Array): TakenRows {
  return {
    has: (i) => mask[i] === 1,
    add(i) {
      mask[i] = 1;
    },
  };
}

function isContext(x: SampleInput | SampleContext): x is SampleContext {
  return 'preds' in x && 'n' in x && 'k' in x;
}
