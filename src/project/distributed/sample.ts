import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { loadLabelModel } from '../../label-model/registry.js';
import type { Row } from '../../data/types.js';
import { columnsOf } from '../../data/write.js';
import { batchable, SampleCandidates, selectCandidates } from '../../sampling/candidates.js';
import { createSampleContext } from '../../sampling/context.js';
import { writeSample } from '../../sampling/output.js';
import { overrideRecipe, parseRecipeText, type PreparedRecipe } from '../../sampling/recipe.js';
import type { SampleReport } from '../../sampling/run-recipe.js';
import { ConfigError, DataError } from '../../util/errors.js';
import type { DistributedApplyOptions } from './coordinator.js';
import type { StatsHeader } from './files.js';
import {
  type DerivedJobData,
  loadDerivedModel,
  readMergedStats,
  runDerived,
  sha,
  sharedFile,
  shardMatrix,
  shardOffsets,
  startShardJob,
} from './derived.js';
import type { RunSpec, ShardJobResult } from './job.js';
import { parseRedisUrl, pingRedis } from './redis.js';
import { readShardRows } from './shards.js';
import { DirectoryStore, type ShardStore } from './store.js';
import { decide } from '../../label-model/decide.js';
import { readTextOrFail } from '../../util/read-file.js';

// `ballot sample --queue`: each worker scores its shard (label model → probabilities → every part's per-row facts)
// and keeps only the best `budget` rows per part and stratum (sampling/candidates.ts); the coordinator merges the
// shards' candidates in shard order and replays the recipe's allocation. The selection is exactly the one-process
// `ballot sample` selection for the same seed: every ranking is a property of the row and its index in the pool.

export interface DistributedSampleOptions {
  /** The label matrix of a distributed apply; its merged statistics `<name>.stats` (which list the shards) are read. */
  L: string;
  model: string;
  /** A JSON recipe (workers read it too: it must be on the shared storage). */
  recipe: string;
  out: string;
  queue: string;
  /** The data the apply read; when given, the rows are copied out and columns can stratify (as `ballot sample --data`). */
  data?: string;
  budget?: number;
  seed?: number;
  csvSafe?: boolean;
  attempts?: number;
  lockDurationMs?: number;
  cwd?: string;
  onProgress?: DistributedApplyOptions['onProgress'];
}

export interface DistributedSampleReport {
  out: string;
  model: string;
  report: SampleReport;
  shards: number;
  reusedShards: number;
  seconds: number;
}

/** What a worker needs to score one shard for a sample. */
export interface SampleJobData extends DerivedJobData {
  model: string;
  modelHash: string;
  recipe: string;
  recipeHash: string;
  budget: number;
  seed: number;
  /** The apply run whose spec names the data file, when rows are read. */
  dataRun?: string;
}

/** The recipe of exactly the text that was hashed (not a second read of the file), with the run's overrides. */
function preparedRecipe(text: string, path: string, budget: number | undefined, seed: number | undefined): PreparedRecipe {
  return overrideRecipe(parseRecipeText(text, path), { budget, seed }, 'command line');
}

/** Samples the pool of a distributed apply on the workers; writes the same file as `ballot sample` on the merged matrix. */
export async function sampleDistributed(o: DistributedSampleOptions): Promise<DistributedSampleReport> {
  const t0 = performance.now();
  const cwd = resolve(o.cwd ?? process.cwd());
  const target = parseRedisUrl(o.queue);
  await pingRedis(target);
  const { header, path: statsPath } = readMergedStats(resolve(cwd, o.L));
  const recipePath = resolve(cwd, o.recipe);
  if (!/\.json$/i.test(recipePath))
    throw new ConfigError(`${recipePath}: a sharded sample needs a JSON recipe (workers load it from the shared storage)`);
  const recipeText = readTextOrFail(recipePath, { what: 'the recipe' });
  const recipe = preparedRecipe(recipeText, recipePath, o.budget, o.seed);
  const why = batchable(recipe);
  if (why) throw new ConfigError(`${recipePath} cannot be sampled in shards: ${why}; run ballot sample without --queue`);
  const { model, modelPath, modelHash } = loadDerivedModel(cwd, o.model, header, statsPath);
  const store = new DirectoryStore(header.store);
  let dataRun: string | undefined;
  if (o.data !== undefined) dataRun = checkData(store, header, resolve(cwd, o.data), statsPath);
  const { offsets, n } = shardOffsets(header);
  const recipeHash = sha(recipeText);
  const keys = header.shards.map((s, i) =>
    sha({ model: modelHash, recipe: recipeHash, budget: recipe.budget, seed: recipe.seed, stats: s.stats, rowOffset: offsets[i], dataRun }),
  );
  const out = resolve(cwd, o.out);
  const merge = (): SampleReport => {
    const all = new SampleCandidates(recipe, header.labels);
    const columns = new Set<string>();
    keys.forEach((key) => {
      const where = `${store.location}/samp/${key}.bin`;
      const bytes = store.get(`samp/${key}.bin`);
      if (!bytes) throw new DataError(where, 'shard sample candidates are missing');
      const { candidates, columns: cols } = decodeShardSample(bytes, recipe, header.labels, where);
      for (const c of cols) columns.add(c);
      all.merge(candidates);
    });
    if (all.n !== n) throw new DataError(out, `shard candidates cover ${all.n} rows, the matrix ${n}`);
    const result = selectCandidates(recipe, all);
    writeSample(out, result, dataRun ? [...columns] : undefined, { csvSafe: o.csvSafe });
    return result.report;
  };
  const { result: report, reusedShards } = await runDerived({
    kind: 'sample',
    prefix: 'samp',
    target,
    store,
    header,
    statsPath,
    keys,
    out,
    merge,
    jobData: (_s, base): SampleJobData => ({
      ...base,
      model: modelPath,
      modelHash,
      recipe: recipePath,
      recipeHash,
      budget: recipe.budget,
      seed: recipe.seed,
      ...(dataRun ? { dataRun } : {}),
    }),
    attempts: o.attempts,
    lockDurationMs: o.lockDurationMs,
    onProgress: o.onProgress,
  });
  return {
    out,
    model: model.kind,
    report,
    shards: header.shards.length,
    reusedShards,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The data file given to a sharded sample must be the one the apply read (its rows are read by shard). */
function checkData(store: ShardStore, header: StatsHeader, data: string, statsPath: string): string {
  const spec = header.run ? readSpec(store, header.run) : undefined;
  if (!spec)
    throw new DataError(statsPath, 'these statistics do not name their apply run (written by an older ballot?); re-run ballot apply --queue');
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      throw new DataError(p, 'no such file');
    }
  };
  if (real(data) !== real(spec.data))
    throw new ConfigError(
      `\`data\` ${data} is not the file the distributed apply read (${spec.data}); a sharded sample reads the apply's shards of it`,
    );
  return header.run!;
}

function readSpec(store: ShardStore, run: string): RunSpec | undefined {
  const bytes = store.get(`runs/${run}.json`);
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as RunSpec) : undefined;
}

function encodeShardSample(candidates: SampleCandidates, columns: string[]): Uint8Array {
  const body = candidates.toBytes();
  const json = new TextEncoder().encode(JSON.stringify(columns));
  const out = new Uint8Array(4 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(body, 4 + json.length);
  return out;
}

function decodeShardSample(
  bytes: Uint8Array,
  recipe: PreparedRecipe,
  labels: readonly string[],
  where: string,
): { candidates: SampleCandidates; columns: string[] } {
  const len = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) : -1;
  if (len < 0 || 4 + len > bytes.length) throw new DataError(where, 'shard sample candidates are cut short');
  const columns = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as string[];
  return { candidates: SampleCandidates.fromBytes(bytes.subarray(4 + len), recipe, labels, where), columns };
}

/** Worker side: scores one shard and stores its candidates. Idempotent, like processShard. */
export async function processSampleShard(job: SampleJobData, ctx: { store?: ShardStore } = {}): Promise<ShardJobResult> {
  const { store, me, done } = startShardJob(job, ctx.store);
  if (store.exists(`samp/${job.key}.bin`)) return done(-1, true);
  const model = await sharedFile(job.model, job.modelHash, 'model', (t) => loadLabelModel(t));
  const recipe = await sharedFile(
    job.recipe,
    job.recipeHash,
    'recipe',
    (text) => preparedRecipe(text, job.recipe, job.budget, job.seed),
    `${job.recipeHash}:${job.budget}:${job.seed}`,
  );
  const L = shardMatrix(store, job.stats);
  let rows: Row[] | undefined;
  if (job.dataRun) {
    const spec = readSpec(store, job.dataRun);
    if (!spec) throw new UnrecoverableError(`worker ${me} does not see the apply's run file runs/${job.dataRun}.json in ${store.location}`);
    rows = await readShardRows(spec.data, spec.format, job.shard.range, spec.read);
    if (rows.length !== L.n) throw new DataError(spec.data, `shard ${job.shard.index + 1} has ${rows.length} rows now, ${L.n} when it was applied`);
  }
  const { probs, preds } = decide(model, L, { what: job.model });
  const candidates = new SampleCandidates(recipe, L.labels, job.rowOffset);
  candidates.addBatch(createSampleContext({ probs, L, rows, preds }), job.rowOffset);
  store.put(`samp/${job.key}.bin`, encodeShardSample(candidates, rows ? columnsOf(rows) : []));
  return done(L.n, false);
}
