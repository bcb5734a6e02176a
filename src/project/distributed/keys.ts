import { createHash } from 'node:crypto';
import { ballotVersion } from '../../util/package-root.js';
import type { RunSpec } from './job.js';
import type { ShardRange } from './shards.js';

/** ballot's version: part of every segment key (a new ballot may vote differently). Read from the package root, so
 * the sources and the compiled dist/ agree. */
export const BALLOT_VERSION: string = (() => {
  try {
    return ballotVersion();
  } catch {
    return 'unknown';
  }
})();

export const sha = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex');

/**
 * Store keys of one shard: one segment per LF (its code, the data, the label space, read options and the range: the
 * sharded per-LF cache) and the shard's statistics (its segments and onError). Coordinator and worker both derive them
 * from the run's spec, so a job names only its shard.
 */
export function shardKeys(spec: RunSpec, range: ShardRange): { segments: string[]; stats: string } {
  const segments = spec.lfs.map((l) =>
    sha({
      ballot: BALLOT_VERSION,
      name: l.name,
      code: l.code ?? `unfingerprinted-${spec.nonce}`,
      data: spec.dataHash,
      labels: spec.labels,
      read: spec.read,
      range,
    }),
  );
  return { segments, stats: sha({ segs: segments, onError: spec.onError }) };
}
