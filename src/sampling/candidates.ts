import { deserialize, serialize } from 'node:v8';
import { ConfigError, DataError } from '../util/errors.js';
import { hash2 } from '../util/rng.js';
import type { Row } from '../data/types.js';
import { isRanked, quotaOf, rowFacts, strataOrder, type RankedSampler, type RowFacts } from './ranked.js';
import type { PreparedRecipe } from './recipe.js';
import { allocate, buildSampleReport, flatten, partRng, redistribute, type SampleReport, type TakenRows } from './allocation.js';
import { strataOf } from './strata.js';
import type { SampleContext } from './types.js';

// The batched sampling engine. A pool too large for one process's memory (or spread over many machines) is scored
// batch by batch: each part keeps, per stratum, only its best `budget` eligible rows by the ranking's order, plus the
// count of eligible rows. No part can pick a row outside those: the rows before its last pick in that order are rows
// it or another part picked, and all parts pick at most `budget` rows. Selection then replays the recipe's allocation
// on the kept rows, so the result is exactly the one-pass result, whatever the batches or shards.

/** Why a recipe cannot run on the batched engine (null when it can). */
export function batchable(prepared: PreparedRecipe): string | null {
  if (prepared.dedupe) return 'it dedupes the pool, which compares every row with every other';
  for (const p of prepared.parts) {
    if (!isRanked(p.sampler)) return `part "${p.name}" (${p.kind}) looks at the whole pool at once`;
    if (typeof p.sampler.ranking.by === 'function') return `part "${p.name}" stratifies by a function`;
  }
  return null;
}

/** A kept row: the facts of every part (so any part's counts can be updated when another part takes it) and its output values. */
export interface CandidateRow {
  /** Index in the whole pool. */
  i: number;
  eligible: Uint8Array;
  /** Stratum per part ('' for a part without strata). */
  stratum: string[];
  key: Float64Array;
  key2: Float64Array;
  hash: Uint32Array;
  probs: Float64Array;
  /** Hard label by the model's decision rule (-1 = tie). */
  pred: number;
  /** Non-abstain votes (-1 when the label matrix is not known). */
  votes: number;
  row?: Row;
}

/** The kept rows of one part and stratum, and the threshold a new row must beat once the list has been cut. */
interface Kept {
  rows: CandidateRow[];
  cut: CandidateRow | null;
}

const FORMAT = 'ballot-sample-candidates/1';

/** The best rows of a pool so far, per part and stratum, and the counts selection needs. */
export class SampleCandidates {
  readonly k: number;
  /** Rows seen. */
  n = 0;
  /** Rows excluded (already labeled). */
  excluded = 0;
  /** Rows per hard label, tie last. */
  readonly classes: Int32Array;
  /** Per part: eligible rows per stratum. */
  readonly eligible: Map<string, number>[];
  /** Per part: stratum names seen on any row. */
  readonly seen: Set<string>[];
  private readonly kept: Map<string, Kept>[];
  private readonly capacity: number;
  private readonly rankings: RankedSampler['ranking'][];
  private readonly tieSeeds: number[];
  private readonly hasVotes: { value: boolean | null } = { value: null };

  /**
   * `start`: the pool index of the first row this object will see (a shard's first row), so ties are broken by the
   * rows' indices in the whole pool and shards agree with one pass.
   */
  constructor(
    readonly recipe: PreparedRecipe,
    readonly labels: readonly string[],
    readonly start = 0,
  ) {
    const why = batchable(recipe);
    if (why) throw new ConfigError(`this recipe cannot be sampled in batches or shards: ${why}; sample it in one process`);
    this.k = labels.length;
    this.classes = new Int32Array(this.k + 1);
    const parts = recipe.parts;
    this.rankings = parts.map((p) => (p.sampler as RankedSampler).ranking);
    this.tieSeeds = parts.map((p) => partRng(recipe.seed, p.name).int(0x7fffffff));
    this.eligible = parts.map(() => new Map());
    this.seen = parts.map(() => new Set());
    this.kept = parts.map(() => new Map());
    this.capacity = recipe.budget;
  }

  /**
   * Scores the rows of `batch` (a context over rows offset..offset+batch.n-1 of the pool; batches must come in order)
   * and keeps the best. `exclude` marks rows of the whole pool never to select.
   */
  addBatch(batch: SampleContext, offset: number, exclude?: Uint8Array): void {
    const next = this.start + this.n;
    if (offset !== next) throw new ConfigError(`sample batches out of order: expected a batch at row ${next}, got one at row ${offset}`);
    if (exclude && exclude.length < offset + batch.n)
      throw new ConfigError(`exclude has ${exclude.length} entries, but the pool has at least ${offset + batch.n} rows`);
    if (batch.labels.join('\u0000') !== this.labels.join('\u0000'))
      throw new ConfigError(`a sample batch has classes ${batch.labels.join(', ')}, expected ${this.labels.join(', ')}`);
    if (this.hasVotes.value === null) this.hasVotes.value = batch.voteCounts !== undefined;
    const parts = this.recipe.parts.length;
    const facts: RowFacts[] = this.rankings.map((r) => rowFacts(r, batch));
    const strata = this.rankings.map((r) => (r.by === undefined ? null : strataOf(batch, r.by)));
    strata.forEach((st, p) => {
      if (st) for (const name of st.names) this.seen[p].add(name);
      else if (batch.n > 0) this.seen[p].add('');
    });
    const { k } = this;
    // Per part, by the batch's stratum id: eligible rows counted and kept lists looked up once per stratum, not per row.
    const counts = strata.map((st) => new Int32Array(st ? st.names.length : 1));
    const keptBy: (Kept | undefined)[][] = strata.map((st) => new Array(st ? st.names.length : 1));
    for (let b = 0; b < batch.n; b++) {
      const i = offset + b;
      const pred = batch.preds[b];
      this.classes[pred < 0 ? k : pred]++;
      if (exclude?.[i]) {
        this.excluded++;
        continue;
      }
      let rec: CandidateRow | null = null;
      for (let p = 0; p < parts; p++) {
        if (facts[p].eligible[b] === 0) continue;
        const st = strata[p];
        const sid = st ? st.ids[b] : 0;
        counts[p][sid]++;
        const kept = (keptBy[p][sid] ??= this.keptList(p, st ? st.names[sid] : ''));
        if (kept.cut && !beats(facts[p].key[b], facts[p].key2[b], this.tieSeeds[p], i, kept.cut, p)) continue;
        rec ??= this.record(batch, b, i, facts, strata);
        this.keep(kept, rec, p);
      }
    }
    counts.forEach((byId, p) => {
      const st = strata[p];
      byId.forEach((c, sid) => {
        if (c === 0) return;
        const name = st ? st.names[sid] : '';
        this.eligible[p].set(name, (this.eligible[p].get(name) ?? 0) + c);
      });
    });
    this.n += batch.n;
  }

  /** Adds the candidates of the shard that follows this one's rows. */
  merge(other: SampleCandidates): void {
    if (other.labels.join('\u0000') !== this.labels.join('\u0000')) throw new ConfigError('sample candidates of other classes cannot be merged');
    if (other.start !== this.start + this.n)
      throw new ConfigError(`sample candidates out of order: expected a shard at row ${this.start + this.n}, got one at row ${other.start}`);
    this.n += other.n;
    this.excluded += other.excluded;
    for (let y = 0; y <= this.k; y++) this.classes[y] += other.classes[y];
    if (this.hasVotes.value === null) this.hasVotes.value = other.hasVotes.value;
    other.kept.forEach((byStratum, p) => {
      for (const name of other.seen[p]) this.seen[p].add(name);
      for (const [s, c] of other.eligible[p]) this.eligible[p].set(s, (this.eligible[p].get(s) ?? 0) + c);
      for (const [s, list] of byStratum) {
        const kept = this.keptList(p, s);
        for (const r of list.rows) if (!kept.cut || order(r, kept.cut, p) < 0) this.keep(kept, r, p);
      }
    });
  }

  /** Every kept row, by index. */
  rows(): Map<number, CandidateRow> {
    const out = new Map<number, CandidateRow>();
    for (const byStratum of this.kept) for (const kept of byStratum.values()) for (const r of kept.rows) out.set(r.i, r);
    return out;
  }

  /** The kept rows of part p, stratum s, best first. */
  ordered(p: number, s: string): CandidateRow[] {
    const kept = this.kept[p].get(s);
    if (!kept) return [];
    kept.rows.sort((a, b) => order(a, b, p));
    if (kept.rows.length > this.capacity) kept.rows.length = this.capacity;
    return kept.rows;
  }

  get votesKnown(): boolean {
    return this.hasVotes.value === true;
  }

  /** The candidates as bytes (a shard's output). */
  toBytes(): Uint8Array {
    const rows = [...this.rows().values()];
    const id = new Map(rows.map((r, at) => [r, at]));
    return serialize({
      format: FORMAT,
      labels: this.labels,
      parts: this.recipe.parts.map((p) => p.name),
      budget: this.recipe.budget,
      seed: this.recipe.seed,
      start: this.start,
      n: this.n,
      excluded: this.excluded,
      classes: this.classes,
      hasVotes: this.hasVotes.value,
      eligible: this.eligible.map((m) => [...m]),
      seen: this.seen.map((s) => [...s]),
      rows,
      kept: this.kept.map((m) => [...m].map(([s, kept]) => [s, kept.rows.map((r) => id.get(r)!)])),
    });
  }

  /** Reads a shard's candidates written by `toBytes` for the same recipe; `where` names them in errors. */
  static fromBytes(bytes: Uint8Array, recipe: PreparedRecipe, labels: readonly string[], where: string): SampleCandidates {
    let x: Record<string, unknown>;
    try {
      x = deserialize(bytes) as Record<string, unknown>;
    } catch (e) {
      throw new DataError(where, `unreadable sample candidates (${(e as Error).message})`);
    }
    if (x?.format !== FORMAT) throw new DataError(where, `not ballot sample candidates (format ${JSON.stringify(x?.format)})`);
    if (
      (x.labels as string[]).join('\u0000') !== labels.join('\u0000') ||
      (x.parts as string[]).join('\u0000') !== recipe.parts.map((p) => p.name).join('\u0000') ||
      x.budget !== recipe.budget ||
      x.seed !== recipe.seed
    )
      throw new DataError(where, 'these sample candidates were made for another recipe, budget, seed or classes');
    const c = new SampleCandidates(recipe, labels, x.start as number);
    c.n = x.n as number;
    c.excluded = x.excluded as number;
    c.classes.set(x.classes as Int32Array);
    c.hasVotes.value = x.hasVotes as boolean | null;
    (x.eligible as [string, number][][]).forEach((list, p) => {
      for (const [s, n] of list) c.eligible[p].set(s, n);
    });
    (x.seen as string[][]).forEach((list, p) => {
      for (const s of list) c.seen[p].add(s);
    });
    const rows = x.rows as CandidateRow[];
    (x.kept as [string, number[]][][]).forEach((list, p) => {
      for (const [s, ids] of list) c.kept[p].set(s, { rows: ids.map((at) => rows[at]), cut: null });
    });
    return c;
  }

  private record(batch: SampleContext, b: number, i: number, facts: RowFacts[], strata: (ReturnType<typeof strataOf> | null)[]): CandidateRow {
    const { k } = this;
    return {
      i,
      eligible: Uint8Array.from(facts, (f) => f.eligible[b]),
      stratum: strata.map((st) => (st ? st.names[st.ids[b]] : '')),
      key: Float64Array.from(facts, (f) => f.key[b]),
      key2: Float64Array.from(facts, (f) => f.key2[b]),
      hash: Uint32Array.from(this.tieSeeds, (seed) => hash2(seed, i)),
      probs: batch.probs.slice(b * k, b * k + k),
      pred: batch.preds[b],
      votes: batch.voteCounts ? batch.voteCounts[b] : -1,
      ...(batch.rows ? { row: batch.rows[b] } : {}),
    };
  }

  /** The kept list of part p and stratum s, made when first needed. */
  private keptList(p: number, s: string): Kept {
    let kept = this.kept[p].get(s);
    if (!kept) {
      kept = { rows: [], cut: null };
      this.kept[p].set(s, kept);
    }
    return kept;
  }

  /** Adds a row to a kept list; past twice the capacity, sorts and cuts back to the capacity (amortised O(log)). */
  private keep(kept: Kept, rec: CandidateRow, p: number): void {
    kept.rows.push(rec);
    if (kept.rows.length >= 2 * Math.max(1, this.capacity)) {
      kept.rows.sort((a, b) => order(a, b, p));
      kept.rows.length = this.capacity;
      kept.cut = kept.rows[this.capacity - 1] ?? null;
    }
  }
}

/** The ranking's order for part p: key, then key2 (both higher first), then the tie hash, then the index. */
function order(a: CandidateRow, b: CandidateRow, p: number): number {
  if (a.key[p] !== b.key[p]) return a.key[p] > b.key[p] ? -1 : 1;
  if (a.key2[p] !== b.key2[p]) return a.key2[p] > b.key2[p] ? -1 : 1;
  if (a.hash[p] !== b.hash[p]) return a.hash[p] < b.hash[p] ? -1 : 1;
  return a.i - b.i;
}

function beats(key: number, key2: number, tieSeed: number, i: number, cut: CandidateRow, p: number): boolean {
  if (key !== cut.key[p]) return key > cut.key[p];
  if (key2 !== cut.key2[p]) return key2 > cut.key2[p];
  // The tie hash only when both keys tie (most rows are decided by the keys).
  const hash = hash2(tieSeed, i);
  if (hash !== cut.hash[p]) return hash < cut.hash[p];
  return i < cut.i;
}

/** What a batched or sharded run selected: the rows' indices, their parts, the report, and their output values. */
export interface BatchedSampleResult {
  indices: Int32Array;
  partOf: Int32Array;
  report: SampleReport;
  /** The selected rows' probabilities, hard labels, votes and data. */
  selected: Map<number, CandidateRow>;
  labels: readonly string[];
  votesKnown: boolean;
}

/** Replays the recipe's allocation on the kept rows: the same rows, parts and order as a one-pass run. */
export function selectCandidates(recipe: PreparedRecipe, c: SampleCandidates): BatchedSampleResult {
  const rows = c.rows();
  const parts = recipe.parts;
  const takenIn = parts.map(() => new Map<string, number>());
  const takenSet = new Set<number>();
  const taken: TakenRows = {
    has: (i) => takenSet.has(i),
    add(i) {
      takenSet.add(i);
      const r = rows.get(i)!;
      parts.forEach((_, p) => {
        if (r.eligible[p]) takenIn[p].set(r.stratum[p], (takenIn[p].get(r.stratum[p]) ?? 0) + 1);
      });
    },
  };
  const rankings = parts.map((p) => (p.sampler as RankedSampler).ranking);
  const strataNames = rankings.map((r, p) => (r.by === undefined ? [''] : strataOrder(r.by, c.labels, c.seen[p])));
  const state = allocate(recipe, c.start + c.n, taken, (p, count) => {
    const names = strataNames[p];
    const available = names.map((s) => (c.eligible[p].get(s) ?? 0) - (takenIn[p].get(s) ?? 0));
    const alloc = rankings[p].by === undefined ? [count] : quotaOf(rankings[p], count, available);
    const out: number[] = [];
    names.forEach((s, at) => {
      let want = Math.min(alloc[at], available[at]);
      for (const r of c.ordered(p, s)) {
        if (want <= 0) break;
        if (takenSet.has(r.i)) continue;
        out.push(r.i);
        want--;
      }
    });
    return out;
  });
  redistribute(recipe, state);
  const { indices, partOf } = flatten(state.picks);
  const report = buildSampleReport(
    recipe,
    { n: c.start + c.n, labels: c.labels, poolClasses: c.classes, afterClasses: c.classes, predOf: (i) => rows.get(i)!.pred },
    c.excluded,
    { dedupe: null, after: c.n - c.excluded },
    state,
    indices,
    partOf,
  );
  const selected = new Map<number, CandidateRow>();
  for (const i of indices) selected.set(i, rows.get(i)!);
  return { indices, partOf, report, selected, labels: c.labels, votesKnown: c.votesKnown };
}
