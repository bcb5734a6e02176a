import { ConfigError } from '../util/errors.js';
import { createRng, type Rng } from '../util/rng.js';
import { apportion } from './apportion.js';
import { TIE_CLASS } from './context.js';
import type { DedupeResult } from './dedupe.js';
import type { PreparedRecipe } from './recipe.js';

// How a recipe's budget becomes picks, shared by the in-memory run (run-recipe.ts) and the batched engine
// (candidates.ts): the split over parts, the hand-on of shortfalls, and the report.

/** The seeded stream of the part named `name`. */
export function partRng(seed: number, name: string): Rng {
  return createRng(seed).fork(`part:${name}`);
}

export interface PartReport {
  name: string;
  kind: string;
  fraction: number;
  /** Rows the budget gave this part (largest-remainder split of the budget by fraction). */
  target: number;
  /** Rows it selected in total (own picks + rows received from other parts' shortfalls). */
  picked: number;
  /** Rows of its own target it could not fill (no eligible rows left, or its `max` reached); these went to other parts. */
  shortfall: number;
  /** Its `max`, when the recipe gives one. */
  max?: number;
  /** Rows it selected beyond its target, covering other parts' shortfalls. */
  received: number;
}

export interface ClassCount {
  class: string;
  /** Rows of this predicted class in the pool, before and after dedupe. */
  pool: number;
  poolAfterDedupe: number;
  selected: number;
}

export interface SampleReport {
  budget: number;
  seed: number;
  selected: number;
  /** Budget minus selected: > 0 only when the parts ran out of eligible rows. */
  unfilled: number;
  pool: { rows: number; afterDedupe: number; exactDuplicates: number; nearDuplicates: number };
  dedupe: { columns: string[]; threshold: number; numHashes: number; bands: number; rowsPerBand: number } | null;
  parts: PartReport[];
  /** Predicted class ('(tie)' for tied rows) counts. */
  classes: ClassCount[];
  /** Selected rows per part and predicted class: perPartClass[part][class]. */
  perPartClass: Record<string, Record<string, number>>;
  notes: string[];
}

/** The state of a run: what each part was given, picked, missed and received, and how many rows in all. */
export interface PartRuns {
  targets: Int32Array;
  picks: number[][];
  received: Int32Array;
  shortfall: Int32Array;
  /** Parts that ran out of eligible rows or reached their max: they get no share of a shortfall. */
  exhausted: boolean[];
  total: number;
  /** Asks part `pi` for `count` more rows; returns how many it gave. */
  run: (pi: number, count: number) => number;
}

/** Which rows are taken so far: a mask over the pool in memory, or a set of the picks in the batched engine. */
export interface TakenRows {
  has(i: number): boolean;
  add(i: number): void;
}

/**
 * Splits the budget over the parts by largest remainder and runs each part once for its own target. `pick(pi, count)`
 * asks part pi for up to `count` rows not taken; every row it returns is checked and marked taken.
 */
export function allocate(prepared: PreparedRecipe, n: number, taken: TakenRows, pick: (pi: number, count: number) => number[]): PartRuns {
  const { budget, parts } = prepared;
  const targets = apportion(
    budget,
    parts.map((p) => p.fraction),
  );
  const picks: number[][] = parts.map(() => []);
  const exhausted = parts.map((p) => p.max === 0);

  const run = (pi: number, asked: number): number => {
    const part = parts[pi];
    // A part at its max runs short like one out of rows: it is asked for no more, and the rest goes to the others.
    const count = part.max === undefined ? asked : Math.min(asked, part.max - picks[pi].length);
    if (count < asked) exhausted[pi] = true;
    if (count <= 0) return 0;
    const got = pick(pi, count);
    if (!Array.isArray(got)) throw new ConfigError(`part "${part.name}": its sampler returned ${typeof got}, expected an array of row indices`);
    if (got.length > count) throw new ConfigError(`part "${part.name}": its sampler returned ${got.length} rows when asked for ${count}`);
    for (const i of got) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new ConfigError(`part "${part.name}": its sampler returned row ${i}, outside 0..${n - 1}`);
      if (taken.has(i))
        throw new ConfigError(`part "${part.name}": its sampler returned row ${i}, which is already taken (picked before, or a duplicate)`);
      taken.add(i);
      picks[pi].push(i);
    }
    if (got.length < count) exhausted[pi] = true;
    return got.length;
  };
  const state: PartRuns = {
    targets,
    picks,
    received: new Int32Array(parts.length),
    shortfall: new Int32Array(parts.length),
    exhausted,
    total: 0,
    run,
  };
  parts.forEach((_, pi) => {
    if (targets[pi] === 0) return;
    const got = run(pi, targets[pi]);
    state.shortfall[pi] = targets[pi] - got;
    state.total += got;
  });
  return state;
}
/**
 * Shortfalls flow to the parts that still have rows, by their fractions, until the budget is met or all run dry. Parts
 * of fraction 0 are the reserve: they take rows only when no part with a fraction above 0 has any left, in equal shares.
 */
export function redistribute(prepared: PreparedRecipe, state: PartRuns): void {
  const { budget, parts } = prepared;
  while (prepared.redistribute && state.total < budget) {
    let weights = parts.map((p, pi) => (state.exhausted[pi] ? 0 : p.fraction));
    if (!weights.some((w) => w > 0)) weights = parts.map((p, pi) => (state.exhausted[pi] || p.fraction > 0 ? 0 : 1));
    if (!weights.some((w) => w > 0)) break;
    const extra = apportion(budget - state.total, weights);
    let progressed = false;
    parts.forEach((_, pi) => {
      if (extra[pi] === 0) return;
      const got = state.run(pi, extra[pi]);
      state.received[pi] += got;
      state.total += got;
      progressed = true;
    });
    if (!progressed) break;
  }
}

/** The picks part by part in recipe order, with the part that selected each row. */
export function flatten(picks: number[][]): { indices: Int32Array; partOf: Int32Array } {
  let total = 0;
  for (const list of picks) total += list.length;
  const indices = new Int32Array(total);
  const partOf = new Int32Array(total);
  let at = 0;
  picks.forEach((list, pi) => {
    for (const i of list) {
      indices[at] = i;
      partOf[at++] = pi;
    }
  });
  return { indices, partOf };
}

/** What the report needs to know of the pool: its size and classes (by the hard label), and each row's label. */
export interface PoolSummary {
  n: number;
  labels: readonly string[];
  /** Rows per hard label, tie (-1) last: before and after dedupe. */
  poolClasses: Int32Array;
  afterClasses: Int32Array;
  predOf: (i: number) => number;
}

export function buildSampleReport(
  prepared: PreparedRecipe,
  summary: PoolSummary,
  excludedGiven: number,
  pool: { dedupe: DedupeResult | null; after: number },
  state: PartRuns,
  indices: Int32Array,
  partOf: Int32Array,
): SampleReport {
  const { n } = summary;
  const { budget, seed, parts } = prepared;
  const { dedupe, after: poolAfter } = pool;
  const { total } = state;
  const notes: string[] = [];
  const partReports: PartReport[] = parts.map((p, pi) => ({
    name: p.name,
    kind: p.kind,
    fraction: p.fraction,
    target: state.targets[pi],
    picked: state.picks[pi].length,
    shortfall: state.shortfall[pi],
    received: state.received[pi],
    ...(p.max === undefined ? {} : { max: p.max }),
  }));
  if (excludedGiven > 0) notes.push(`${excludedGiven} rows were excluded before sampling (already labeled)`);
  if (poolAfter < budget) {
    notes.push(
      dedupe
        ? `the pool has only ${poolAfter} rows after dedupe (${n} before), fewer than the budget of ${budget}`
        : `the pool has only ${n} rows, fewer than the budget of ${budget}`,
    );
  }
  for (const p of partReports) {
    if (p.shortfall > 0 && p.max !== undefined && p.target - p.shortfall >= p.max) {
      notes.push(
        `part "${p.name}" stopped at its max of ${p.max} rows (its target was ${p.target})${prepared.redistribute ? '; the rest was offered to the other parts (see received)' : ' (redistribution is off)'}`,
      );
    } else if (p.shortfall > 0) {
      notes.push(
        `part "${p.name}" had only ${p.target - p.shortfall} eligible rows for its target of ${p.target}${prepared.redistribute ? '; its shortfall was offered to the other parts (see received)' : ' (redistribution is off)'}`,
      );
    }
  }
  if (dedupe && dedupe.cappedRows > 0)
    notes.push(
      `dedupe compared ${dedupe.cappedRows} rows with only the most recent kept rows of oversized LSH buckets (short, low-vocabulary text); a near-duplicate of an older row may have been kept`,
    );
  if (total < budget) notes.push(`selected ${total} of the budget of ${budget}: no part had eligible rows left`);
  if (prepared.fill === 'scale' && prepared.fractionSum < 1 - 1e-9)
    notes.push(`fractions sum to ${prepared.fractionSum}; parts were scaled up to fill the budget`);

  return {
    budget,
    seed,
    selected: total,
    unfilled: budget - total,
    pool: { rows: n, afterDedupe: poolAfter, exactDuplicates: dedupe?.exact ?? 0, nearDuplicates: dedupe?.near ?? 0 },
    dedupe: dedupe
      ? { columns: dedupe.columns, threshold: dedupe.threshold, numHashes: dedupe.numHashes, bands: dedupe.bands, rowsPerBand: dedupe.rowsPerBand }
      : null,
    parts: partReports,
    ...classCounts(summary, indices, partOf, partReports),
    notes,
  };
}

function classCounts(summary: PoolSummary, indices: Int32Array, partOf: Int32Array, parts: PartReport[]) {
  const { labels, poolClasses: pool, afterClasses: after, predOf } = summary;
  const k = labels.length;
  const slot = (y: number) => (y < 0 ? k : y);
  const name = (y: number) => (y < 0 ? TIE_CLASS : labels[y]);
  const selected = new Int32Array(k + 1);
  const byPart = parts.map(() => new Int32Array(k + 1));
  for (let r = 0; r < indices.length; r++) {
    const s = slot(predOf(indices[r]));
    selected[s]++;
    byPart[partOf[r]][s]++;
  }
  const ys = [...Array(k).keys(), ...(pool[k] > 0 ? [-1] : [])];
  const classes: ClassCount[] = ys.map((y) => ({
    class: name(y),
    pool: pool[slot(y)],
    poolAfterDedupe: after[slot(y)],
    selected: selected[slot(y)],
  }));
  const perPartClass: Record<string, Record<string, number>> = {};
  parts.forEach((p, pi) => {
    perPartClass[p.name] = Object.fromEntries(ys.map((y) => [name(y), byPart[pi][slot(y)]]));
  });
  return { classes, perPartClass };
}
