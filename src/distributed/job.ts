import type { ReadOptions } from '../data/read.js';
import type { DataFormat } from '../data/types.js';
import type { Shard } from './shards.js';

/** Queue names (no ':' — BullMQ reserves it). Shard jobs share one queue, so any worker serves any run. */
export const SHARD_QUEUE = 'ballot-shards';
/** The merge (parent) job of a run has a queue of its own, served by that run's coordinator. */
export const mergeQueueName = (run: string): string => `ballot-merge-${run.slice(0, 16)}`;

/** Everything a worker needs for one shard: where the data and LFs are, and the keys of the outputs to write. */
export interface ShardJobData {
  run: string;
  /** The coordinator's token in the store (`runs/<run>.token`): a worker that cannot read it does not share the store. */
  token: string;
  store: string;
  /** The coordinator's project directory; LF files are relative to it. */
  cwd: string;
  data: string;
  dataSize: number;
  format: DataFormat;
  read: ReadOptions;
  shard: Shard;
  shardCount: number;
  lfFiles: string[];
  /** The coordinator's LFs in matrix column order, with their code fingerprints. */
  lfs: { name: string; code: string | null }[];
  labels: string[];
  onError: 'error' | 'abstain';
  batchSize: number;
  /** Store key of each LF's segment on this shard (`seg/<key>.bin`), in lfs order. */
  segments: string[];
  /** Store key of the shard's statistics (`stats/<key>.bin`). */
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
