import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { createBatchVoter } from '../../lf/apply-async.js';
import { discoverLFs, type Discovery } from '../discovery.js';
import { LabelMatrix } from '../../matrix/label-matrix.js';
import { defineLabels } from '../../matrix/labels.js';
import { OverlapStats } from '../../label-model/stats.js';
import { LabelingFunctionError } from '../../util/errors.js';
import { decodeSegment, encodeSegment, encodeStats } from './files.js';
import type { RunSpec, ShardJobData, ShardJobResult } from './job.js';
import { BALLOT_VERSION, shardKeys, workerName } from './keys.js';
import { describeShard, readShardRows } from './shards.js';
import { DirectoryStore, type ShardStore } from './store.js';
import { columnsToRows, rowsToColumns } from '../../data/transpose.js';

export interface ShardContext {
  /** The store as this worker sees it (default: the coordinator's directory, named in the job). */
  store?: ShardStore;
  /** Where this worker finds the project (LF files); default the coordinator's directory. */
  project?: string;
  /** Discoveries by LF file set, loaded once per worker process. */
  discoveries?: Map<string, Promise<Discovery>>;
}

/**
 * Applies the LFs to one shard and writes its per-LF segments and its statistics (each put atomically, the stats
 * last: a stats file means the shard is done). Idempotent: a shard whose stats exist is skipped, an LF whose
 * segment exists is not re-applied. Refuses (without retries) a store it cannot see or LF code that differs.
 */
export async function processShard(job: ShardJobData, ctx: ShardContext = {}): Promise<ShardJobResult> {
  const t0 = performance.now();
  const store = ctx.store ?? new DirectoryStore(job.store);
  const specBytes = store.get(`runs/${job.run}.json`);
  const spec = specBytes ? (JSON.parse(new TextDecoder().decode(specBytes)) as RunSpec) : undefined;
  if (!spec || spec.token !== job.token) {
    throw new UnrecoverableError(
      `storage not shared: worker ${workerName()} does not see the coordinator's run file runs/${job.run}.json (token ${job.token.slice(0, 8)}…) in ${store.location} (the coordinator's store is ${job.store}); every worker must mount the same store`,
    );
  }
  const where = describeShard(job.shard, spec.shardCount, spec.data);
  const keys = shardKeys(spec, job.shard.range);
  if (keys.stats !== job.stats) {
    throw new UnrecoverableError(
      `worker ${workerName()} derives other store keys for ${where} than the coordinator: it runs another ballot version (${BALLOT_VERSION}); run the same version everywhere`,
    );
  }
  const done = (rows: number, applied: number, reused: boolean): ShardJobResult => ({
    shard: job.shard.index,
    rows,
    applied,
    reused,
    seconds: (performance.now() - t0) / 1000,
    worker: workerName(),
  });
  if (store.exists(`stats/${keys.stats}.bin`)) return done(job.shard.rows ?? -1, 0, true);

  const project = ctx.project ?? spec.cwd;
  const files = spec.lfFiles.map((f) => (isAbsolute(f) ? f : resolve(project, f)));
  const cacheKey = files.join('\u0000');
  const discoveries = ctx.discoveries ?? new Map<string, Promise<Discovery>>();
  if (!discoveries.has(cacheKey)) discoveries.set(cacheKey, discoverLFs(files, { cwd: project }));
  const discovery = await discoveries.get(cacheKey)!;
  const byName = new Map(discovery.lfs.map((d: Discovery['lfs'][number]) => [d.name, d] as const));
  const differ = spec.lfs.filter((l) => byName.get(l.name)?.codeHash !== l.code || (l.code === null && !byName.has(l.name)));
  if (differ.length) {
    throw new UnrecoverableError(
      `worker ${workerName()} refuses ${where}: its LF code differs from the coordinator's for ${differ.map((l) => l.name).join(', ')} (by fingerprint; LF files under ${project}); update the worker's checkout and restart it`,
    );
  }
  try {
    if (statSync(spec.data).size !== spec.dataSize) throw new Error('size differs');
  } catch (e) {
    throw new UnrecoverableError(
      `worker ${workerName()} cannot use ${spec.data} for ${where}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `${(e as Error).message} from the coordinator's ${spec.dataSize} bytes`}; the data must be shared too`,
    );
  }

  const m = spec.lfs.length;
  const columns: (Int8Array | undefined)[] = new Array(m);
  const errorCounts = new Int32Array(m);
  const todo: number[] = [];
  keys.segments.forEach((key, j) => {
    const bytes = store.get(`seg/${key}.bin`);
    const seg = bytes && decodeSegment(bytes, `${store.location}/seg/${key}.bin`);
    // A segment with errors was made under onError 'abstain'; under 'error' re-apply it to report the first error.
    if (!seg || (spec.onError === 'error' && seg.errors > 0)) todo.push(j);
    else {
      columns[j] = seg.votes;
      errorCounts[j] = seg.errors;
    }
  });

  let n = columns.find((c) => c)?.length ?? 0;
  if (todo.length) {
    const rows = await readShardRows(spec.data, spec.format, job.shard.range, spec.read);
    n = rows.length;
    const labels = defineLabels([...spec.labels]);
    const vote = createBatchVoter(
      todo.map((j) => byName.get(spec.lfs[j].name)!.lf),
      labels,
    );
    const t = todo.length;
    const cols = todo.map(() => new Int8Array(n));
    const errs = new Int32Array(t);
    const scratch = new Int8Array(spec.batchSize * t);
    for (let a = 0; a < n; a += spec.batchSize) {
      const b = Math.min(spec.batchSize, n - a);
      const votes = scratch.subarray(0, b * t);
      try {
        await vote(rows.slice(a, a + b), a, votes, errs, spec.onError);
      } catch (e) {
        if (e instanceof LabelingFunctionError) throw new Error(`${where}, row ${e.row} of the shard: ${e.message}`, { cause: e });
        throw e;
      }
      rowsToColumns(
        votes,
        b,
        t,
        cols.map((c) => c.subarray(a, a + b)),
      );
      await new Promise((r) => setImmediate(r)); // let BullMQ renew the job's lock between batches
    }
    todo.forEach((j, q) => {
      columns[j] = cols[q];
      errorCounts[j] = errs[q];
      store.put(`seg/${keys.segments[j]}.bin`, encodeSegment(cols[q], errs[q]));
    });
  }
  // Row-major shard matrix for the statistics (bounded by the shard size).
  const votes = new Int8Array(n * m);
  for (let j = 0; j < m; j++)
    if (columns[j]!.length !== n) throw new Error(`${where}: segment of LF ${spec.lfs[j].name} has ${columns[j]!.length} rows, the shard ${n}`);
  if (!columnsToRows(columns as Int8Array[], n, m, votes, spec.labels.length))
    throw new Error(`${where}: a stored segment holds a vote outside the ${spec.labels.length} classes`);
  const L = new LabelMatrix({ n, m, votes, lfNames: spec.lfs.map((l) => l.name), labels: spec.labels, errorCounts });
  const stats = OverlapStats.fromLabelMatrix(L);
  store.put(
    `stats/${keys.stats}.bin`,
    encodeStats(
      {
        rows: n,
        lfNames: [...L.lfNames],
        labels: spec.labels,
        errorCounts: Array.from(errorCounts),
        segments: keys.segments,
        uncovered: stats.uncovered,
      },
      stats,
    ),
  );
  return done(n, todo.length, false);
}
