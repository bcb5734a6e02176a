// Distributed apply (issue 16), as the subpath `ballot/distributed`: kept out of the main entry so that LF modules,
// which import 'ballot' in every worker, do not load BullMQ and ioredis.
export { applyDistributed, DEFAULT_SHARD_ROWS, type DistributedApplyOptions, type DistributedApplyReport } from './coordinator.js';
export { startWorker, type WorkerOptions, type WorkerEvent, type RunningWorker } from './worker.js';
export { processShard, type ShardContext } from './process-shard.js';
export { planShards, readShardRows, describeShard, type Shard, type ShardRange } from './shards.js';
export { DirectoryStore, type ShardStore } from './store.js';
export { mergeShards, type MergeInput, type MergeResult } from './merge.js';
export { fitFromStatsFile, STATS_MODEL_KINDS, type StatsFitOptions } from './fit-stats.js';
export { encodeStats, decodeStats, encodeSegment, decodeSegment, type StatsHeader } from './files.js';
export { parseRedisUrl, pingRedis, type RedisTarget } from './redis.js';
export { SHARD_QUEUE, mergeQueueName, type RunSpec, type ShardJobData, type ShardJobResult } from './job.js';
export { shardKeys, BALLOT_VERSION } from './keys.js';
export {
  predictDistributed,
  processPredictShard,
  type DistributedPredictOptions,
  type DistributedPredictReport,
  type PredictJobData,
} from './predict.js';
export {
  sampleDistributed,
  processSampleShard,
  type DistributedSampleOptions,
  type DistributedSampleReport,
  type SampleJobData,
} from './sample.js';
