import { randomBytes } from 'node:crypto';
import { emptyLabelMatrix } from '../../data/label-matrix-stream.js';
import { checkModelFits } from '../../label-model/alignment.js';
import { sha, workerName } from './keys.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLabelModel } from '../../label-model/registry.js';
import { readTextOrFail } from '../../util/read-file.js';
import { UnrecoverableError } from 'bullmq';
import { LabelMatrix } from '../../matrix/label-matrix.js';
import type { LabelModel } from '../../label-model/types.js';
import { DataError } from '../../util/errors.js';
import { runFlow, type DistributedApplyOptions } from './coordinator.js';
import { decodeSegment, decodeStatsHeader, type StatsHeader } from './files.js';
import type { RedisTarget } from './redis.js';
import type { Shard } from './shards.js';
import type { ShardJobData, ShardJobResult } from './job.js';
import { DirectoryStore, type ShardStore } from './store.js';
import { columnsToRows } from '../../data/transpose.js';

// What the jobs that follow a distributed apply (predict, sample) share: the merged statistics that list the shards,
// the shard's matrix rebuilt from its stored segments, the checks that a worker sees the coordinator's store and files.

export { sha } from './keys.js';

/** Merged statistics: they list the store and the shards. */
export type MergedHeader = StatsHeader & Required<Pick<StatsHeader, 'shards' | 'store'>>;

/** The merged statistics next to a distributed apply's label matrix, with their shard list. */
export function readMergedStats(matrix: string): { header: MergedHeader; path: string } {
  const path = matrix.replace(/\.(arrow|feather|ipc)$/i, '.stats');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new DataError(path, 'no merged statistics next to the label matrix: a sharded run follows a distributed apply (ballot apply --queue)');
  }
  const { header } = decodeStatsHeader(bytes, path);
  if (!header.shards || !header.store)
    throw new DataError(path, 'these statistics do not list their shards (written by an older ballot?); re-run ballot apply --queue');
  return { header: header as MergedHeader, path };
}

/** Checks that a saved model was fitted on the classes and LFs of a distributed apply. */
export function checkModelMatches(model: LabelModel, modelPath: string, header: StatsHeader, statsPath: string): void {
  checkModelFits(model, emptyLabelMatrix({ ...header, errorCounts: Int32Array.from(header.errorCounts) }), { model: modelPath, matrix: statsPath });
}

/**
 * The coordinator's model of a derived run: its file read (workers read the same path and check this hash), loaded,
 * and checked against the distributed apply's classes and LFs.
 */
export function loadDerivedModel(
  cwd: string,
  file: string,
  header: StatsHeader,
  statsPath: string,
): { model: LabelModel; modelPath: string; modelHash: string } {
  const modelPath = resolve(cwd, file);
  const text = readTextOrFail(modelPath);
  const model = loadLabelModel(text);
  checkModelMatches(model, modelPath, header, statsPath);
  return { model, modelPath, modelHash: sha(text) };
}

/**
 * A worker's start on a shard job of a derived run: the store, the worker's name, and `done` building its result.
 * Refuses (without retries) a store in which the coordinator's token is not visible.
 */
export function startShardJob(
  job: ShardJobData,
  given?: ShardStore,
): { store: ShardStore; me: string; done: (rows: number, reused: boolean) => ShardJobResult } {
  const t0 = performance.now();
  const store = given ?? new DirectoryStore(job.store);
  const me = workerName();
  const token = store.get(`runs/${job.run}.token`);
  if (token === undefined || new TextDecoder().decode(token) !== job.token) {
    throw new UnrecoverableError(
      `storage not shared: worker ${me} does not see the coordinator's token runs/${job.run}.token in ${store.location} (the coordinator's store is ${job.store}); every worker must mount the same store`,
    );
  }
  const done = (rows: number, reused: boolean): ShardJobResult => ({
    shard: job.shard.index,
    rows,
    applied: 0,
    reused,
    seconds: (performance.now() - t0) / 1000,
    worker: me,
  });
  return { store, me, done };
}

const cache = new Map<string, unknown>();

/** Reads a shared file a job names, checking it is the coordinator's (by sha256); parsed once per `cacheKey`. */
export function sharedFile<T>(path: string, hash: string, what: string, parse: (text: string) => T | Promise<T>, cacheKey = hash): Promise<T> {
  const me = workerName();
  const hit = cache.get(cacheKey) as Promise<T> | undefined;
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UnrecoverableError(`worker ${me} cannot read the ${what} ${path}: it must be on the shared storage`);
  }
  if (sha(text) !== hash) throw new UnrecoverableError(`worker ${me} sees a different ${path} than the coordinator (sha256 differs)`);
  const p = Promise.resolve(parse(text));
  cache.set(cacheKey, p);
  return p;
}

/** A shard's label matrix, from its stored LF segments. */
export function shardMatrix(store: ShardStore, stats: string): LabelMatrix {
  const statsKey = `stats/${stats}.bin`;
  const { header } = decodeStatsHeader(store.get(statsKey) ?? missing(`${store.location}/${statsKey}`), statsKey);
  const m = header.lfNames.length;
  const n = header.rows;
  const votes = new Int8Array(n * m);
  const columns = header.segments!.map((key) => {
    const seg = decodeSegment(store.get(`seg/${key}.bin`) ?? missing(`${store.location}/seg/${key}.bin`), key);
    if (seg.votes.length !== n) throw new DataError(`${store.location}/seg/${key}.bin`, `holds ${seg.votes.length} votes, the shard has ${n} rows`);
    return seg.votes;
  });
  if (!columnsToRows(columns, n, m, votes, header.labels.length))
    throw new DataError(`${store.location}/${statsKey}`, `a segment of this shard holds a vote outside the ${header.labels.length} classes`);
  return new LabelMatrix({ n, m, votes, lfNames: header.lfNames, labels: header.labels });
}

function missing(where: string): never {
  throw new DataError(where, 'missing from the store (was the apply run cleaned up?)');
}

/** The fields every shard job of a derived run has: the apply's shard job, its first row in the pool, its output key. */
export interface DerivedJobData extends ShardJobData {
  rowOffset: number;
  /** Store key of the shard's output (`<prefix>/<key>.bin`). */
  key: string;
  /** The merged statistics file, named in messages. */
  where: string;
}

/** A run that follows a distributed apply: one job per shard of the apply, each writing `<prefix>/<key>.bin`. */
export interface DerivedRun<R> {
  kind: 'predict' | 'sample';
  prefix: string;
  target: RedisTarget;
  store: ShardStore;
  header: MergedHeader;
  statsPath: string;
  /** Store key of each shard's output, in shard order (they identify the run with `out`). */
  keys: string[];
  out: string;
  merge: () => R;
  /** A shard's job: the fields every shard job has are given. */
  jobData: (s: Shard, base: DerivedJobData) => object;
  attempts?: number;
  lockDurationMs?: number;
  onProgress?: DistributedApplyOptions['onProgress'];
}

/**
 * Enqueues the shards whose output is not in the store yet (a re-run or a restarted coordinator reuses the others)
 * and merges when they are done. Returns the merge's result and how many shards were reused.
 */
export async function runDerived<R>(d: DerivedRun<R>): Promise<{ result: R; reusedShards: number }> {
  const { store, header, keys } = d;
  const shards = header.shards.map((s) => s.shard);
  const { offsets } = shardOffsets(header);
  const run = sha({ keys, out: d.out, kind: d.kind });
  const tokenKey = `runs/${run}.token`;
  const known = store.get(tokenKey);
  const token = known ? new TextDecoder().decode(known) : randomBytes(16).toString('hex');
  if (!known) store.put(tokenKey, token);
  const pending = shards.filter((s) => !store.exists(`${d.prefix}/${keys[s.index]}.bin`));
  const reusedShards = shards.length - pending.length;
  d.onProgress?.({ done: reusedShards, total: shards.length, reused: reusedShards });
  const result =
    pending.length === 0
      ? d.merge()
      : await runFlow({
          jobName: d.kind,
          target: d.target,
          run,
          shards,
          pending,
          attempts: d.attempts ?? 3,
          merge: d.merge,
          onProgress: d.onProgress,
          reusedShards,
          lockDurationMs: d.lockDurationMs ?? 30_000,
          dataShown: d.statsPath,
          jobData: (s: Shard) =>
            d.jobData(s, {
              run,
              token,
              store: store.location,
              shard: s,
              shardCount: shards.length,
              stats: header.shards[s.index].stats,
              rowOffset: offsets[s.index],
              key: keys[s.index],
              where: d.statsPath,
            }),
        });
  return { result, reusedShards };
}

/** The first row of each shard in the whole pool, and the pool's size. */
export function shardOffsets(header: MergedHeader): { offsets: number[]; n: number } {
  const offsets: number[] = [];
  let n = 0;
  for (const s of header.shards) {
    offsets.push(n);
    n += s.rows;
  }
  return { offsets, n };
}
