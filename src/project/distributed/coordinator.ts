import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { prepareOutput } from '../../data/atomic.js';
import { formatOf, type ReadOptions } from '../../data/read.js';
import { resolveLabelSpace } from '../apply-file.js';
import { hashFile } from '../cache.js';
import { discoverLFs } from '../discovery.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { mergeQueueName, SHARD_QUEUE, type RunSpec, type ShardJobData } from './job.js';
import { sha, shardKeys } from './keys.js';
import { mergeShards, type MergeResult } from './merge.js';
import { bullConnection, parseRedisUrl, pingRedis } from './redis.js';
import { describeShard, planShards, type Shard } from './shards.js';
import { DirectoryStore } from './store.js';

/** Default rows per shard; see bench/distributed.ts for the measured per-shard queue cost behind it. */
export const DEFAULT_SHARD_ROWS = 65_536;

export interface DistributedApplyOptions {
  data: string;
  lfs?: string | readonly string[];
  /** The label matrix (.arrow); the merged statistics go next to it (`<name>.stats`) unless `statsOut` says otherwise. */
  out: string;
  statsOut?: string;
  /** Skip writing the label matrix (statistics only: enough for `fit-stats`). */
  matrix?: boolean;
  /** redis://[user:pass@]host:port/db */
  queue: string;
  /** The shared store directory (default `.ballot-shards` next to the output). */
  store?: string;
  shardRows?: number;
  labels?: readonly string[];
  onError?: 'error' | 'abstain';
  batchSize?: number;
  read?: ReadOptions;
  /** Attempts per shard before the run fails (default 3). */
  attempts?: number;
  /** Lock duration of the merge job in ms (default 30 000). */
  lockDurationMs?: number;
  cwd?: string;
  onProgress?: (p: { done: number; total: number; reused: number }) => void;
}

export interface DistributedApplyReport {
  data: string;
  out?: string;
  stats: string;
  rows: number;
  lfs: string[];
  labels: string[];
  shards: number;
  /** Shards whose outputs were already in the store (a re-run or a resumed run): not enqueued. */
  reusedShards: number;
  run: string;
  errorCounts: number[];
  seconds: number;
  /** Planning: LF discovery (fingerprints), data hash and shard cuts. */
  planSeconds: number;
  /** The part of planSeconds spent hashing the data and cutting shards. */
  cutSeconds: number;
  mergeSeconds: number;
}

/**
 * `ballot apply --queue`: splits the data into shards, enqueues a BullMQ flow (children = shards on the shared shard
 * queue, parent = this run's merge), reports progress as workers finish shards, and merges statistics and matrix
 * when all are done. Shards already in the store are not enqueued, so a restarted coordinator resumes.
 */
export async function applyDistributed(options: DistributedApplyOptions): Promise<DistributedApplyReport> {
  const t0 = performance.now();
  const cwd = resolve(options.cwd ?? process.cwd());
  const target = parseRedisUrl(options.queue);
  await pingRedis(target);
  const data = resolve(cwd, options.data);
  const out = resolve(cwd, options.out);
  if (!/\.(arrow|feather|ipc)$/i.test(out)) throw new ConfigError(`\`out\` ${out}: the label matrix is an Arrow IPC file; give it a .arrow name`);
  const statsOut = resolve(cwd, options.statsOut ?? out.replace(/\.(arrow|feather|ipc)$/i, '.stats'));
  prepareOutput(out);
  let dataSize: number;
  try {
    dataSize = statSync(data).size;
  } catch {
    throw new ConfigError(`data file not found: ${data}`);
  }
  const format = formatOf(data, options.read?.format);
  const read = options.read ?? {};
  const onError = options.onError ?? 'error';
  const batchSize = options.batchSize ?? 8192;
  const attempts = options.attempts ?? 3;
  const discovery = await discoverLFs(options.lfs ?? 'lfs/**/*.ts', { cwd });
  const labels = [...resolveLabelSpace(discovery.labels, options.labels).names];
  const tc = performance.now();
  const dataHash = hashFile(data);
  const shards = await planShards(data, format, options.shardRows ?? DEFAULT_SHARD_ROWS, read);
  const cutSeconds = (performance.now() - tc) / 1000;
  if (shards.length === 0) throw new DataError(data, 'no data rows: nothing to apply the LFs to');
  const store = new DirectoryStore(options.store ? resolve(cwd, options.store) : join(dirname(out), '.ballot-shards'));

  // LFs without a fingerprint cannot be matched to stored segments: a fresh nonce makes them re-apply every run.
  const nonce = randomBytes(8).toString('hex');
  const lfs = discovery.lfs.map((d) => ({ name: d.name, code: d.codeHash }));
  const lfFiles = discovery.files.map((f) => (isAbsolute(relative(cwd, f)) || relative(cwd, f).startsWith('..') ? f : relative(cwd, f)));
  const spec: RunSpec = {
    token: '',
    cwd,
    data,
    dataSize,
    dataHash,
    format,
    read,
    shardCount: shards.length,
    lfFiles,
    lfs,
    labels,
    onError,
    batchSize,
    nonce,
  };
  const statsKeys = shards.map((s) => shardKeys(spec, s.range).stats);
  const run = sha({ statsKeys, out });
  // A restarted coordinator of the same run keeps the spec (and token) its jobs in Redis refer to.
  const known = store.get(`runs/${run}.json`);
  if (known) spec.token = (JSON.parse(new TextDecoder().decode(known)) as RunSpec).token;
  else {
    spec.token = randomBytes(16).toString('hex');
    store.put(`runs/${run}.json`, JSON.stringify(spec));
  }
  const token = spec.token;
  const pending = shards.filter((s) => !store.exists(`stats/${statsKeys[s.index]}.bin`));
  const reusedShards = shards.length - pending.length;
  const planSeconds = (performance.now() - t0) / 1000;

  const lfNames = lfs.map((l) => l.name);
  let mergeSeconds = 0;
  const merge = (): MergeResult => {
    const tm = performance.now();
    const r = mergeShards({ store, stats: statsKeys, shards, lfNames, labels, out: options.matrix === false ? undefined : out, statsOut, run });
    mergeSeconds = (performance.now() - tm) / 1000;
    return r;
  };
  let result: MergeResult;
  options.onProgress?.({ done: reusedShards, total: shards.length, reused: reusedShards });
  if (pending.length === 0) result = merge();
  else {
    const jobData = (s: Shard): ShardJobData => ({
      run,
      token,
      store: store.location,
      shard: s,
      shardCount: shards.length,
      stats: statsKeys[s.index],
    });
    result = await runFlow({
      jobName: 'shard',
      target,
      run,
      shards,
      pending,
      jobData,
      attempts,
      merge,
      onProgress: options.onProgress,
      reusedShards,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      dataShown: data,
    });
  }
  return {
    data,
    out: options.matrix === false ? undefined : out,
    stats: statsOut,
    rows: result.rows,
    lfs: lfNames,
    labels,
    shards: shards.length,
    reusedShards,
    run,
    errorCounts: result.errorCounts,
    seconds: (performance.now() - t0) / 1000,
    planSeconds,
    cutSeconds,
    mergeSeconds,
  };
}

export interface FlowInput<R = MergeResult> {
  /** Job name of the children: 'shard' (apply) or 'predict'. */
  jobName: string;
  target: ReturnType<typeof parseRedisUrl>;
  run: string;
  shards: Shard[];
  pending: Shard[];
  jobData: (s: Shard) => object;
  attempts: number;
  merge: () => R;
  onProgress?: DistributedApplyOptions['onProgress'];
  reusedShards: number;
  lockDurationMs: number;
  dataShown: string;
}

export const childId = (run: string, s: Shard): string => `${run.slice(0, 16)}-${s.index}`;

/** Enqueues (or resumes) the run's flow, serves its merge job here, and waits for it. */
export async function runFlow<R>(f: FlowInput<R>): Promise<R> {
  const connection = bullConnection(f.target);
  const mergeQueue = new Queue(mergeQueueName(f.run), { connection });
  const shardQueue = new Queue(SHARD_QUEUE, { connection });
  const flows = new FlowProducer({ connection });
  let worker: Worker | undefined;
  try {
    const existing = await mergeQueue.getJob(f.run);
    const state = existing ? await existing.getState() : 'unknown';
    const resumable = ['waiting-children', 'waiting', 'active', 'delayed', 'prioritized'].includes(state);
    if (existing && !resumable) await existing.remove({ removeChildren: true });
    if (!resumable) {
      // Children left over from an earlier failed run of the same shards would block re-adding them under their ids.
      for (const s of f.pending) await (await shardQueue.getJob(childId(f.run, s)))?.remove().catch(() => {});
      await flows.add({
        name: 'merge',
        queueName: mergeQueueName(f.run),
        data: { run: f.run },
        opts: { jobId: f.run },
        children: f.pending.map((s) => ({
          name: f.jobName,
          queueName: SHARD_QUEUE,
          data: f.jobData(s),
          opts: { jobId: childId(f.run, s), attempts: f.attempts, backoff: { type: 'fixed', delay: 200 }, failParentOnFailure: true },
        })),
      });
    }
    let merged: R | undefined;
    worker = new Worker(
      mergeQueueName(f.run),
      async () => {
        merged = f.merge();
        return { done: true };
      },
      { connection, lockDuration: f.lockDurationMs },
    );
    worker.on('error', () => {});
    const total = f.shards.length;
    let last = -1;
    for (;;) {
      const parent: Job | undefined = await mergeQueue.getJob(f.run);
      if (!parent) throw new ConfigError(`the run's merge job ${f.run} vanished from ${f.target.shown} (was the queue flushed?)`);
      const st = await parent.getState();
      if (st === 'completed') {
        if (!merged) merged = f.merge(); // merged by an earlier coordinator of this run: outputs are in place; re-merge is cheap and idempotent
        break;
      }
      if (st === 'failed') {
        const error = await shardFailure(parent, shardQueue, f);
        // The run is over: take its shards that have not started off the queue (running ones finish harmlessly).
        for (const s of f.pending) {
          const child = await shardQueue.getJob(childId(f.run, s));
          if (child && ['waiting', 'delayed', 'prioritized'].includes(await child.getState())) await child.remove().catch(() => {});
        }
        throw error;
      }
      const counts = await parent.getDependenciesCount({ processed: true });
      const done = f.reusedShards + (counts.processed ?? 0);
      if (done !== last) f.onProgress?.({ done, total, reused: f.reusedShards });
      last = done;
      await new Promise((r) => setTimeout(r, 100));
    }
    // The run is finished and its outputs are in the store: drop its jobs from Redis.
    await (await mergeQueue.getJob(f.run))?.remove({ removeChildren: true }).catch(() => {});
    return merged;
  } finally {
    await worker?.close();
    await flows.close();
    await shardQueue.close();
    await mergeQueue.obliterate({ force: true }).catch(() => {});
    await mergeQueue.close();
  }
}

/** The error naming the shard that failed the run, with its last failure reason. */
async function shardFailure<R>(parent: Job, shardQueue: Queue, f: FlowInput<R>): Promise<Error> {
  const m = /child (\S+) failed/.exec(parent.failedReason ?? '');
  let child = m ? await shardQueue.getJob(m[1].split(':').at(-1)!) : undefined;
  if (!child) {
    // The parent's reason did not name the child: look for the failed one among the run's shards.
    for (const s of f.pending) {
      const c = await shardQueue.getJob(childId(f.run, s));
      if (c && (await c.getState()) === 'failed') {
        child = c;
        break;
      }
    }
  }
  const shard = child ? f.shards[(child.data as ShardJobData).shard.index] : undefined;
  if (!child || !shard) return new ConfigError(`the distributed run failed: ${parent.failedReason ?? 'a shard failed (its job is gone)'}`);
  const where = describeShard(shard, f.shards.length, f.dataShown);
  const reason = child.failedReason ?? 'unknown reason';
  const tries = `${child.attemptsMade} attempt${child.attemptsMade === 1 ? '' : 's'}`;
  return new DataError(
    f.dataShown,
    `${where} failed after ${tries}: ${reason.startsWith(where) ? reason.slice(where.length).replace(/^[,:]\s*/, '') : reason}`,
  );
}
