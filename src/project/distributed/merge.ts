import { mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.js';
import { ColumnCache } from '../cache.js';
import { writeLabelMatrixFromColumns } from '../matrix-writer.js';
import { OverlapStats } from '../../label-model/stats.js';
import { DataError } from '../../util/errors.js';
import { decodeSegment, decodeStats, encodeStats, type StatsHeader } from './files.js';
import type { Shard } from './shards.js';
import type { ShardStore } from './store.js';

export interface MergeInput {
  store: ShardStore;
  /** Stats keys in shard order. */
  stats: string[];
  /** The shards, in order (recorded in the merged statistics so that predict can shard the same way). */
  shards: Shard[];
  lfNames: string[];
  labels: string[];
  /** The label matrix to write (.arrow); undefined = statistics only. */
  out?: string;
  /** Where the merged statistics go. */
  statsOut: string;
  /** The apply run (its spec `runs/<run>.json` names the data): recorded so that a sharded sample can read rows. */
  run?: string;
}

export interface MergeResult {
  rows: number;
  errorCounts: number[];
  uncovered: number;
}

/**
 * Adds the shards' statistics (sums over rows, so they merge exactly) and concatenates each LF's segments in shard
 * order into one column, then writes the label matrix with the single-process writer: same record batches, same
 * metadata, so the file is byte-identical to `ballot apply`'s.
 */
export function mergeShards(input: MergeInput): MergeResult {
  const { store, lfNames, labels } = input;
  const m = lfNames.length;
  const total = new OverlapStats(m, labels.length);
  const errorCounts = new Array<number>(m).fill(0);
  const shards = input.stats.map((key) => {
    const where = `${store.location}/stats/${key}.bin`;
    const bytes = store.get(`stats/${key}.bin`);
    if (!bytes) throw new DataError(where, 'shard statistics are missing (the shard did not finish)');
    const { header, stats } = decodeStats(bytes, where);
    if (header.lfNames.join('\u0000') !== lfNames.join('\u0000')) throw new DataError(where, 'shard statistics are for other LFs');
    total.merge(stats);
    header.errorCounts.forEach((e, j) => (errorCounts[j] += e));
    return header;
  });
  const n = total.n;
  if (input.out) {
    const scratch = mkdtempSync(join(dirname(input.out), `.${basename(input.out)}.merge-`));
    try {
      const cache = new ColumnCache(scratch);
      const files = lfNames.map((_, j) => {
        const w = cache.createWriter(`lf${j}`);
        try {
          let row = 0;
          for (const h of shards) {
            const key = h.segments![j];
            const bytes = store.get(`seg/${key}.bin`);
            if (!bytes) throw new DataError(`${store.location}/seg/${key}.bin`, 'segment missing');
            const seg = decodeSegment(bytes, key);
            w.write(row, seg.votes);
            row += seg.votes.length;
          }
          return w.finish(n, errorCounts[j]);
        } catch (e) {
          w.abort();
          throw e;
        }
      });
      writeLabelMatrixFromColumns(input.out, { n, lfNames, labels, errorCounts: Int32Array.from(errorCounts), files });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const header: StatsHeader = {
    rows: n,
    lfNames,
    labels,
    errorCounts,
    uncovered: total.uncovered,
    store: store.location,
    ...(input.run ? { run: input.run } : {}),
    shards: input.shards.map((shard, i) => ({ stats: input.stats[i], rows: shards[i].rows, shard })),
  };
  // The merged statistics are a plain file next to the matrix (not a store key): `ballot fit-stats` reads it.
  writeFileAtomic(input.statsOut, encodeStats(header, total));
  return { rows: n, errorCounts, uncovered: total.uncovered };
}
