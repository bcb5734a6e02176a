import type { WorkerEvent } from '../../project/distributed/worker.js';

/** One line per shard event (tests and operators read these). */
export function formatWorkerEvent(e: WorkerEvent): string {
  if (e.type === 'start') return `start shard ${e.shard + 1}/${e.shards} job ${e.job} attempt ${e.attempt}\n`;
  if (e.type === 'failed') return `failed shard ${e.shard + 1}/${e.shards} job ${e.job}: ${e.error}\n`;
  const r = e.result;
  return r.reused
    ? `reused shard ${r.shard + 1}/${e.shards} job ${e.job} (already in the store)\n`
    : `done shard ${r.shard + 1}/${e.shards} job ${e.job}: ${r.rows} rows, ${r.applied} LFs applied in ${r.seconds.toFixed(2)} s\n`;
}
