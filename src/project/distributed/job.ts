import type { ReadOptions } from '../../data/read.js';
import type { DataFormat } from '../../data/types.js';
import type { Shard } from './shards.js';

/** Queue names (no ':' — BullMQ reserves it). Shard jobs share one queue, so any worker serves any run. */
export const SHARD_QUEUE = 'ballot-shards';
/** The merge (parent) job of a run has a queue of its own, served by that run's coordinator. */
export const mergeQueueName = (run: string): string => `ballot-merge-${run.slice(0, 16)}`;

/**
 * What every shard of a run shares, written once to the store (`runs/<run>.json`) rather than into each job: with 100
 * LFs it is ~15 KB, which 15,000 jobs would otherwise copy into Redis.
 */
export interface RunSpec {
  /** The coordinator's token: a worker that cannot read this file does not share the store. */
  token: string;
  /** The coordinator's project directory; LF files are relative to it. */
  cwd: string;
  data: string;
  dataSize: number;
  dataHash: string;
  format: DataFormat;
  read: ReadOptions;
  shardCount: number;
  lfFiles: string[];
  /** The coordinator's LFs in matrix column order, with their code fingerprints. */
  lfs: { name: string; code: string | null }[];
  labels: string[];
  onError: 'error' | 'abstain';
  batchSize: number;
  /** Makes segment keys of LFs without a fingerprint unique to this run (they are always re-applied). */
  nonce: string;
}

/** One shard job: the run (spec in the store), the coordinator's token, and the shard. */
export interface ShardJobData {
  run: string;
  token: string;
  store: string;
  shard: Shard;
  shardCount: number;
  /** The shard's statistics key, as the coordinator derived it (the worker derives it again and must agree). */
  stats: string;
}

export interface ShardJobResult {
  shard: number;
  rows: number;
  /** LFs applied on this run (0 = everything came from the store). */
  applied: number;
  reused: boolean;
  seconds: number;
  worker: string;
}
