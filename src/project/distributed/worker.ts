import { Worker } from 'bullmq';
import type { Discovery } from '../discovery.js';
import { ConfigError } from '../../util/errors.js';
import { SHARD_QUEUE, type ShardJobData, type ShardJobResult } from './job.js';
import { processPredictShard, type PredictJobData } from './predict.js';
import { processShard } from './process-shard.js';
import { processSampleShard, type SampleJobData } from './sample.js';
import { bullConnection, parseRedisUrl, pingRedis } from './redis.js';
import { DirectoryStore } from './store.js';

export interface WorkerOptions {
  /** redis://[user:pass@]host:port/db */
  queue: string;
  /** Shards processed at once in this process (default 1; LFs are synchronous, so more helps only I/O-bound LFs). */
  concurrency?: number;
  /** The store directory as mounted on this machine (default: the coordinator's path, from the job). */
  store?: string;
  /** The project directory (LF files) on this machine (default: the coordinator's path). */
  project?: string;
  /** BullMQ lock duration in ms: a worker silent this long is presumed dead and its shard is retried (default 30 000). */
  lockDurationMs?: number;
  /** How often stalled shards are looked for, in ms (default lockDuration / 2). */
  stalledIntervalMs?: number;
  /** Called when a shard starts, finishes or fails (the CLI prints these). */
  onEvent?: (e: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: 'start'; shard: number; shards: number; job: string; attempt: number }
  | { type: 'done'; result: ShardJobResult; shards: number; job: string }
  | { type: 'failed'; shard: number; shards: number; job: string; error: string };

export interface RunningWorker {
  /** Resolves when the worker is closed. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** `ballot worker`: serves shard jobs from the queue until closed. Fails fast when Redis cannot be reached. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const target = parseRedisUrl(options.queue);
  await pingRedis(target);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`worker concurrency must be a positive integer, got ${concurrency}`);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const store = options.store ? new DirectoryStore(options.store) : undefined;
  const discoveries = new Map<string, Promise<Discovery>>();
  const emit = options.onEvent ?? (() => {});
  const worker = new Worker<ShardJobData | PredictJobData | SampleJobData, ShardJobResult>(
    SHARD_QUEUE,
    async (job) => {
      const d = job.data;
      emit({ type: 'start', shard: d.shard.index, shards: d.shardCount, job: job.id!, attempt: job.attemptsMade + 1 });
      const result =
        job.name === 'predict'
          ? await processPredictShard(d as PredictJobData, { store })
          : job.name === 'sample'
            ? await processSampleShard(d as SampleJobData, { store })
            : await processShard(d as ShardJobData, { store, project: options.project, discoveries });
      emit({ type: 'done', result, shards: d.shardCount, job: job.id! });
      return result;
    },
    {
      connection: bullConnection(target),
      concurrency,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, err) => {
    if (job) emit({ type: 'failed', shard: job.data.shard.index, shards: job.data.shardCount, job: job.id!, error: err.message });
  });
  worker.on('error', () => {}); // connection errors are retried by ioredis; a lost Redis ends with close()
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  worker.on('closed', () => resolveClosed());
  return {
    closed,
    close: async () => {
      await worker.close();
      resolveClosed();
    },
  };
}
