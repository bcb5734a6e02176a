import { resolve } from 'node:path';
import { PredictionWriter, type PredictionSummary } from '../predictions.js';
import { parseTiePolicy } from '../../label-model/predict.js';
import { loadLabelModel } from '../../label-model/registry.js';
import type { TiePolicy } from '../../label-model/types.js';
import { DataError } from '../../util/errors.js';
import type { DistributedApplyOptions } from './coordinator.js';
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
import { parseRedisUrl, pingRedis } from './redis.js';
import type { ShardJobResult } from './job.js';
import { DirectoryStore, type ShardStore } from './store.js';
import { decide } from '../../label-model/decide.js';

export interface DistributedPredictOptions {
  /** The label matrix of a distributed apply; its merged statistics `<name>.stats` (which list the shards) are read, not the matrix. */
  L: string;
  model: string;
  /** .csv, .tsv, .jsonl or .arrow with columns row, label, label_index, p_<class>… (as `ballot predict`). */
  out: string;
  queue: string;
  tiePolicy?: TiePolicy;
  seed?: number;
  attempts?: number;
  lockDurationMs?: number;
  cwd?: string;
  onProgress?: DistributedApplyOptions['onProgress'];
}

export interface DistributedPredictReport {
  out: string;
  model: string;
  rows: number;
  perClass: Record<string, number>;
  abstained: number;
  shards: number;
  reusedShards: number;
  seconds: number;
}

/** What a worker needs to predict one shard: the shard job (its `stats` key's header lists the LF segments), plus the model. */
export interface PredictJobData extends DerivedJobData {
  model: string;
  modelHash: string;
  tiePolicy: TiePolicy;
  seed: number;
}

/**
 * `ballot predict --queue`: predicts each shard of a distributed apply on the workers (probabilities and hard labels
 * per row; ties broken by the global row index, so shards agree with one pass) and writes the same file as
 * `ballot predict` on the merged matrix.
 */
export async function predictDistributed(o: DistributedPredictOptions): Promise<DistributedPredictReport> {
  const t0 = performance.now();
  const cwd = resolve(o.cwd ?? process.cwd());
  const target = parseRedisUrl(o.queue);
  await pingRedis(target);
  const tiePolicy = parseTiePolicy(o.tiePolicy ?? 'abstain');
  const seed = o.seed ?? 0;
  const { header, path: statsPath } = readMergedStats(resolve(cwd, o.L));
  const { model, modelPath, modelHash } = loadDerivedModel(cwd, o.model, header, statsPath);
  const store = new DirectoryStore(header.store);
  const { offsets, n } = shardOffsets(header);
  const keys = header.shards.map((s, i) => sha({ model: modelHash, stats: s.stats, tiePolicy, seed, rowOffset: offsets[i] }));
  const out = resolve(cwd, o.out);
  const { result: written, reusedShards } = await runDerived({
    kind: 'predict',
    prefix: 'pred',
    target,
    store,
    header,
    statsPath,
    keys,
    out,
    merge: () => writeMergedPredictions(store, keys, header.labels, out, n),
    jobData: (_s, base): PredictJobData => ({ ...base, model: modelPath, modelHash, tiePolicy, seed }),
    attempts: o.attempts,
    lockDurationMs: o.lockDurationMs,
    onProgress: o.onProgress,
  });
  return {
    out,
    model: model.kind,
    rows: n,
    perClass: { ...written.perClass },
    abstained: written.abstained,
    shards: header.shards.length,
    reusedShards,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Writes the shards' predictions in order, shard by shard, exactly as `ballot predict` writes them (memory: one shard). */
function writeMergedPredictions(store: ShardStore, keys: string[], labels: string[], out: string, n: number): Omit<PredictionSummary, 'preds'> {
  const k = labels.length;
  const w = new PredictionWriter(out, labels);
  try {
    let at = 0;
    for (const key of keys) {
      const part = decodePred(store.get(`pred/${key}.bin`), `${store.location}/pred/${key}.bin`, k);
      w.write(part.probs, part.preds);
      at += part.preds.length;
    }
    if (at !== n) throw new DataError(out, `shard predictions cover ${at} rows, the matrix ${n}`);
    return w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

function encodePred(probs: Float64Array, preds: Int32Array): Uint8Array {
  const out = new Uint8Array(8 + probs.byteLength + preds.byteLength);
  new DataView(out.buffer).setUint32(0, preds.length, true);
  out.set(new Uint8Array(probs.buffer, probs.byteOffset, probs.byteLength), 8);
  out.set(new Uint8Array(preds.buffer, preds.byteOffset, preds.byteLength), 8 + probs.byteLength);
  return out;
}

function decodePred(bytes: Uint8Array | undefined, where: string, k: number): { probs: Float64Array; preds: Int32Array } {
  if (!bytes) throw new DataError(where, 'shard predictions are missing');
  const copy = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes); // Float64Array views need 8-byte alignment
  const n = new DataView(copy.buffer, copy.byteOffset).getUint32(0, true);
  if (copy.length !== 8 + n * k * 8 + n * 4) throw new DataError(where, 'shard predictions have the wrong size');
  return { probs: new Float64Array(copy.buffer, copy.byteOffset + 8, n * k), preds: new Int32Array(copy.buffer, copy.byteOffset + 8 + n * k * 8, n) };
}

/** Worker side: predicts one shard from its stored segments (no data rows read). Idempotent, like processShard. */
export async function processPredictShard(job: PredictJobData, ctx: { store?: ShardStore } = {}): Promise<ShardJobResult> {
  const { store, done } = startShardJob(job, ctx.store);
  if (store.exists(`pred/${job.key}.bin`)) return done(-1, true);
  const model = await sharedFile(job.model, job.modelHash, 'model', (t) => loadLabelModel(t));
  const L = shardMatrix(store, job.stats);
  const { probs, preds } = decide(model, L, { tiePolicy: job.tiePolicy, seed: job.seed, rowOffset: job.rowOffset, what: job.model });
  store.put(`pred/${job.key}.bin`, encodePred(probs.values, preds));
  return done(L.n, false);
}
