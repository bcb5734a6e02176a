import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
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

/** sha256 (hex) of a string, or of a value's JSON. */
export const sha = (x: unknown): string =>
  createHash('sha256')
    .update(typeof x === 'string' ? x : JSON.stringify(x))
    .digest('hex');

/** How a worker process names itself in messages. */
export const workerName = (): string => `${hostname()} pid ${process.pid}`;

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
