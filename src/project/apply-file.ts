import { ballotVersion } from '../util/package-root.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { formatOf, missingColumns, readRowBatches, type ReadOptions } from '../data/read.js';
import { prepareOutput } from '../data/atomic.js';
import type { Row } from '../data/types.js';
import { ConfigError, DataError, LabelingFunctionError } from '../util/errors.js';
import { createProgress } from '../util/progress.js';
import { defineLabels, type LabelSpace } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { createBatchVoter } from '../lf/apply-async.js';
import { isBatchedLF } from '../lf/batched.js';
import { discoverLFs, type DiscoveredLF, type Discovery } from './discovery.js';
import { ColumnCache, hashFile, type ColumnWriter, type RunRecord } from './cache.js';
import { writeLabelMatrixFromColumns } from './matrix-writer.js';
import { applyParallel, type BatchVotes } from './parallel/pool.js';
import { sourceBatches, type SourceBatch } from './parallel/sources.js';
import { toColumnMajor } from './parallel/protocol.js';
import { estimateRowCount } from './row-count.js';
import { columnsRead, missingColumnsError } from '../lf/columns.js';
import { displayPath } from './paths.js';

export interface ApplyFileOptions {
  /** The data file (CSV, TSV, JSONL or Arrow). */
  data: string;
  /** LF files or glob patterns (default `lfs/**\/*.ts`). */
  lfs?: string | readonly string[];
  /** Where the label matrix goes (Arrow IPC, one Int8 column per LF). */
  out: string;
  /** Class names, when the LF modules do not export `labels`; must match them when they do. */
  labels?: readonly string[];
  onError?: 'error' | 'abstain';
  /** Worker threads (default: all cores). 1 = apply in this thread. Inputs of one batch always apply in this thread. */
  workers?: number;
  /** Rows per batch read from the file and handed to a worker (default 8192). Memory is bounded by batches, not the file. */
  batchSize?: number;
  /** Apply batches in this thread while the workers start (default true; false sends every batch to a worker). */
  applyWhileWorkersStart?: boolean;
  /** Reuse cached LF columns whose fingerprint is unchanged (default true). */
  cache?: boolean;
  /** Cache directory (default `.ballot-cache` next to the output). */
  cacheDir?: string;
  progress?: boolean | 'auto';
  read?: ReadOptions;
  /** Also return the label matrix in memory. */
  returnMatrix?: boolean;
  cwd?: string;
  /** Already discovered LFs (ballot watch reuses them). */
  discovery?: Discovery;
  /**
   * Longest one LF call may take, in seconds; 0 = no limit. Given explicitly, every batch runs on a worker (even with
   * workers: 1), where a watchdog can stop a call that hangs and name the LF and row (this thread could not interrupt
   * it). Default DEFAULT_LF_TIMEOUT_S, enforced when the run uses workers (more than one batch, workers > 1); a
   * one-batch or workers: 1 run stays in this thread, unguarded.
   */
  lfTimeout?: number;
  /** Heap limit per apply worker in MB (default: the machine's memory shared by the workers, at most 4096). */
  lfMemoryMb?: number;
}

/** The default time budget of one LF call (seconds): generous, it only catches hangs. */
export const DEFAULT_LF_TIMEOUT_S = 10;

export type LFStatus = 'applied' | 'cached';

export interface LFRun {
  name: string;
  status: LFStatus;
  /** Why it was applied (new, code changed, data changed, not cacheable: …) or 'unchanged'. */
  reason: string;
  errors: number;
  location: string;
}

export interface ApplyFileReport {
  data: string;
  out: string;
  rows: number;
  labels: string[];
  lfs: LFRun[];
  applied: string[];
  cached: string[];
  /** Workers used for the LFs that were applied (0 when everything came from the cache). */
  workers: number;
  /** Batches applied by worker threads (the others ran in this thread, e.g. while the workers started). */
  workerBatches: number;
  seconds: number;
  /** Seconds spent streaming the data through the applied LFs (excludes discovery, cache and output). */
  applySeconds: number;
  /** Rows per second of that pass (0 when nothing was applied). */
  rowsPerSecond: number;
  matrix?: LabelMatrix;
}

const BALLOT_VERSION: string = (() => {
  try {
    return ballotVersion();
  } catch {
    return 'unknown';
  }
})();

/** The label space: the LF modules' `labels` export and/or `--labels`, which must agree when both are given. */
export function resolveLabelSpace(fromModules: LabelSpace | undefined, given: readonly string[] | undefined): LabelSpace {
  if (given?.length) {
    const space = defineLabels([...given]);
    if (fromModules && fromModules.names.join('\u0000') !== space.names.join('\u0000')) {
      throw new ConfigError(`\`labels\` ${space.names.join(',')} differs from the labels the LF files export (${fromModules.names.join(',')})`, {
        option: 'labels',
      });
    }
    return space;
  }
  if (fromModules) return fromModules;
  throw new ConfigError('no label space: export `labels = defineLabels([...] as const)` from an LF file or pass `labels` A,B', { option: 'labels' });
}

/**
 * `ballot apply` as a library call: discovers the LFs, reuses cached columns of LFs whose fingerprint is unchanged,
 * streams the data through the rest (in this thread or on workers), and writes the label matrix.
 */
export async function applyFile(options: ApplyFileOptions): Promise<ApplyFileReport> {
  const t0 = performance.now();
  const run = await plan(options);
  const todo = run.plans.filter((p) => !p.hit);
  // Uncached LFs (no fingerprint, or cache off) write their columns into a temp folder removed when apply ends.
  const scratch = todo.some((p) => !p.key) ? createScratch() : undefined;
  const scratchCache = scratch ? new ColumnCache(scratch.dir) : undefined;
  const writers: ColumnWriter[] = todo.map((p, q) => (p.key ? run.cache.createWriter(p.key) : scratchCache!.createWriter(`uncached-${q}`)));
  try {
    const applied = todo.length
      ? await applyTodo(run, todo, writers)
      : { rows: run.plans.find((p) => p.hit)?.hit?.n ?? 0, workers: 0, workerBatches: 0, applySeconds: 0 };
    const n = applied.rows;
    if (n === 0) throw new DataError(displayPath(run.data, run.cwd), 'no data rows: nothing to apply the LFs to');
    const matrix = writeMatrix(run, n, options.returnMatrix);
    if (run.useCache) commitCache(run);
    return report(run, todo, applied, (performance.now() - t0) / 1000, matrix);
  } catch (e) {
    for (const w of writers) w.abort();
    throw e instanceof LabelingFunctionError ? e.inFile(displayPath(run.data, run.cwd)) : e;
  } finally {
    if (scratch) scratch.remove();
  }
}

/** An apply run once its options are checked and every LF knows whether its column comes from the cache. */
interface ApplyPlan {
  options: ApplyFileOptions;
  cwd: string;
  data: string;
  out: string;
  format: string;
  discovery: Discovery;
  labels: LabelSpace;
  onError: 'error' | 'abstain';
  batchSize: number;
  workers: number;
  lfTimeout: number;
  useCache: boolean;
  cache: ColumnCache;
  /** The LF source files' hashes before applying: a change during the run must not be cached. */
  sourceSnapshot: Map<string, string>;
  dataHash: string;
  plans: Plan[];
}

/** Checks the options (before any row is applied, so a mistake fails fast), discovers the LFs and plans each one. */
async function plan(options: ApplyFileOptions): Promise<ApplyPlan> {
  const cwd = options.cwd ?? process.cwd();
  const data = resolve(cwd, options.data);
  const out = resolve(cwd, options.out);
  const format = formatOf(data, options.read?.format);
  statData(data);
  if (!/\.(arrow|feather|ipc)$/i.test(out)) {
    throw new ConfigError(`\`out\` ${displayPath(out, cwd)}: the label matrix is an Arrow IPC file; give it a .arrow name`, { option: 'out' });
  }
  prepareOutput(out); // fail now, not after applying every row
  const discovery = options.discovery ?? (await discoverLFs(options.lfs ?? 'lfs/**/*.ts', { cwd }));
  const labels = resolveLabelSpace(discovery.labels, options.labels);
  const onError = options.onError ?? 'error';
  const batchSize = options.batchSize ?? 8192;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`\`batchSize\` must be a positive integer, got ${batchSize}`, { option: 'batchSize' });
  await checkDataColumns(
    discovery.lfs.map((d) => d.lf),
    data,
    options.read,
    displayPath(data, cwd),
  );
  const workers = options.workers ?? availableParallelism();
  const lfTimeout = options.lfTimeout ?? DEFAULT_LF_TIMEOUT_S;
  if (!Number.isFinite(lfTimeout) || lfTimeout < 0) throw new ConfigError(`\`lfTimeout\` must be a number of seconds ≥ 0, got ${lfTimeout}`);
  const useCache = options.cache !== false;
  const cache = new ColumnCache(options.cacheDir ? resolve(cwd, options.cacheDir) : join(dirname(out), '.ballot-cache'));
  const sourceSnapshot = snapshot(discovery.sourceFiles);

  const dataHash = useCache ? cache.dataHash(data) : '';
  const last = useCache ? cache.lastRun(out) : undefined;
  const plans = discovery.lfs.map((d) =>
    planLF(d, { cache: useCache ? cache : undefined, dataHash, labels, onError, read: options.read, last, cwd }),
  );
  return {
    options,
    cwd,
    data,
    out,
    format,
    discovery,
    labels,
    onError,
    batchSize,
    workers,
    lfTimeout,
    useCache,
    cache,
    sourceSnapshot,
    dataHash,
    plans,
  };
}

interface Applied {
  rows: number;
  workers: number;
  workerBatches: number;
  applySeconds: number;
}

/** Streams the data through the LFs that were not cached, then seals their columns (with their error counts). */
async function applyTodo(run: ApplyPlan, todo: Plan[], writers: ColumnWriter[]): Promise<Applied> {
  const { options, workers, lfTimeout } = run;
  const ta = performance.now();
  const result = await applyToWriters({
    data: run.data,
    format: run.format,
    read: options.read,
    batchSize: run.batchSize,
    onError: run.onError,
    labels: run.labels,
    lfs: todo.map((p) => p.lf.lf),
    lfFiles: run.discovery.files,
    writers,
    workers,
    progress: options.progress,
    applyWhileWorkersStart: options.applyWhileWorkersStart ?? true,
    timeoutMs: lfTimeout * 1000,
    forceWorkers: options.lfTimeout !== undefined && options.lfTimeout > 0,
    memoryMb: options.lfMemoryMb ?? Math.max(256, Math.min(4096, Math.floor(totalmem() / 2 ** 20 / (workers + 1)))),
  });
  const applySeconds = (performance.now() - ta) / 1000;
  const n = result.rows;
  if (!sameSnapshot(run.sourceSnapshot, snapshot(run.discovery.sourceFiles))) {
    throw new ConfigError('LF source files changed while applying; nothing was saved or cached. Run again.');
  }
  todo.forEach((p, q) => {
    p.errors = result.errorCounts[q];
    p.file = writers[q].finish(n, result.errorCounts[q]);
  });
  return { rows: n, workers: result.workers, workerBatches: result.workerBatches, applySeconds };
}

/** Writes the label matrix from the LF columns (cached or just applied); returns it in memory when asked. */
function writeMatrix(run: ApplyPlan, n: number, returnMatrix: boolean | undefined): LabelMatrix | undefined {
  const { plans } = run;
  const files: string[] = [];
  for (const p of plans) files.push(p.hit ? p.hit.path : p.file!);
  const cols = {
    n,
    lfNames: plans.map((p) => p.lf.name),
    labels: run.labels.names,
    errorCounts: Int32Array.from(plans, (p) => (p.hit ? p.hit.errors : p.errors)),
    files,
  };
  return writeLabelMatrixFromColumns(run.out, cols, { returnMatrix });
}

/** Records which cache entry each LF's column came from, so the next run can say why it re-applies an LF. */
function commitCache(run: ApplyPlan): void {
  const record: RunRecord = { lfs: {}, at: new Date().toISOString() };
  for (const p of run.plans) record.lfs[p.lf.name] = { key: p.key, code: p.lf.codeHash, data: run.dataHash };
  run.cache.commit(run.out, record);
}

function report(run: ApplyPlan, todo: Plan[], applied: Applied, seconds: number, matrix: LabelMatrix | undefined): ApplyFileReport {
  const { plans, cwd } = run;
  const n = applied.rows;
  const { applySeconds } = applied;
  return {
    data: run.data,
    out: run.out,
    rows: n,
    labels: [...run.labels.names],
    lfs: plans.map((p) => ({
      name: p.lf.name,
      status: p.hit ? 'cached' : 'applied',
      reason: p.reason,
      errors: p.hit ? p.hit.errors : p.errors,
      location: `${displayPath(p.lf.declaredIn, cwd)}${p.lf.line ? `:${p.lf.line}` : ''}`,
    })),
    applied: todo.map((p) => p.lf.name),
    cached: plans.filter((p) => p.hit).map((p) => p.lf.name),
    workers: applied.workers,
    workerBatches: applied.workerBatches,
    seconds,
    applySeconds,
    rowsPerSecond: todo.length && applySeconds > 0 ? n / applySeconds : 0,
    matrix,
  };
}

/**
 * A temp folder for the columns of uncached LFs, removed when apply ends (also on errors). A run ended by a signal
 * (kill -9, SIGTERM, Ctrl-C) cannot remove it — a JS signal handler would not run while an LF keeps this thread
 * busy, and would delay the exit — so every apply first removes the `ballot-apply-<pid>-*` folders whose process is
 * gone.
 */
function createScratch(): { dir: string; remove: () => void } {
  removeOrphanScratch();
  const dir = mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const SCRATCH_PREFIX = 'ballot-apply-';

function removeOrphanScratch(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((f) => f.startsWith(SCRATCH_PREFIX));
  } catch {
    return;
  }
  for (const f of names) {
    const pid = Number(f.slice(SCRATCH_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(tmpdir(), f), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Plan {
  lf: DiscoveredLF;
  key: string | null;
  hit?: { path: string; n: number; errors: number };
  reason: string;
  errors: number;
  file?: string;
}

function planLF(
  lf: DiscoveredLF,
  ctx: { cache?: ColumnCache; dataHash: string; labels: LabelSpace; onError: string; read?: ReadOptions; last?: RunRecord; cwd: string },
): Plan {
  if (!ctx.cache) return { lf, key: null, reason: 'cache off', errors: 0 };
  if (lf.codeHash === null) return { lf, key: null, reason: `not cacheable: ${lf.codeHashNote ?? 'fingerprint unknown'}`, errors: 0 };
  const inputs = isBatchedLF(lf.lf) ? (lf.lf.inputFiles ?? []).map((f) => `${f}:${hashFile(f)}`) : [];
  // onError is not part of the key: a column without errors is the same under both settings (so `ballot watch`,
  // which abstains, and `ballot apply`, which stops, share columns); one with errors is re-applied under 'error'.
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        ballot: BALLOT_VERSION,
        name: lf.name,
        code: lf.codeHash,
        data: ctx.dataHash,
        labels: ctx.labels.names,
        read: ctx.read ?? {},
        inputs,
      }),
    )
    .digest('hex');
  const found = ctx.cache.check(key);
  if ('damaged' in found) return { lf, key, reason: `cache entry damaged (${found.damaged}); re-applied`, errors: 0 };
  const hit = 'hit' in found ? found.hit : undefined;
  if (hit && ctx.onError === 'error' && hit.errors > 0) {
    return { lf, key, reason: `threw on ${hit.errors} rows with onError 'abstain'; re-applied to report the first`, errors: 0 };
  }
  if (hit) return { lf, key, hit, reason: 'unchanged', errors: hit.errors };
  const before = ctx.last?.lfs[lf.name];
  let reason: string;
  if (!before) reason = 'new';
  else if (before.data !== ctx.dataHash) reason = 'data changed';
  else if (before.code !== lf.codeHash) reason = 'code changed';
  else if (before.key === key) reason = 'cache entry missing';
  else reason = isBatchedLF(lf.lf) && inputs.length ? 'model or settings changed' : 'settings changed (labels, read options or ballot version)';
  return { lf, key, reason, errors: 0 };
}

interface ApplyJob {
  data: string;
  format: string;
  read?: ReadOptions;
  batchSize: number;
  onError: 'error' | 'abstain';
  labels: LabelSpace;
  lfs: DiscoveredLF['lf'][];
  lfFiles: string[];
  writers: ColumnWriter[];
  workers: number;
  progress?: boolean | 'auto';
  applyWhileWorkersStart: boolean;
  /** Per-call LF time budget (ms) on workers; with forceWorkers (an explicit budget) every batch runs on a worker. */
  timeoutMs: number;
  forceWorkers: boolean;
  memoryMb: number;
}

/** Streams the data through the LFs, writing each LF's votes into its column writer by row position. */
async function applyToWriters(job: ApplyJob): Promise<{ rows: number; errorCounts: Int32Array; workers: number; workerBatches: number }> {
  const m = job.lfs.length;
  const errorCounts = new Int32Array(m);
  let rows = 0;
  let done = 0;
  const wantBar = job.progress !== false && process.stderr.isTTY && !process.env.CI;
  const progress = wantBar ? createProgress(await estimateRowCount(job.data, job.format), 'apply') : null;
  // Votes arrive column-major (LF j's votes at [j·b, (j+1)·b)): one positional write per LF column.
  const sink = (offset: number, b: number, { votes, errorCounts: errs }: BatchVotes) => {
    for (let j = 0; j < m; j++) {
      job.writers[j].write(offset, votes.subarray(j * b, (j + 1) * b));
      errorCounts[j] += errs[j];
    }
    rows = Math.max(rows, offset + b);
    done += b;
    progress?.tick(done);
  };
  const vote = createBatchVoter(job.lfs, job.labels, { freezeRows: true });
  const scratch = new Int8Array(job.batchSize * m);
  const local = async (batchRows: Row[], offset: number): Promise<BatchVotes> => {
    const b = batchRows.length;
    const votes = b * m <= scratch.length ? scratch.subarray(0, b * m) : new Int8Array(b * m);
    const errs = new Int32Array(m);
    await vote(batchRows, offset, votes, errs, job.onError);
    return { votes: toColumnMajor(votes, b, m), errorCounts: errs };
  };

  // An explicit budget puts every batch on a watched worker (this thread cannot interrupt a hung call); the default
  // budget guards runs that use workers anyway (more than one batch), which then send every batch to them.
  const force = job.forceWorkers;
  if (job.workers <= 1 && !force) {
    for await (const b of readRowBatches(job.data, { ...job.read, batchSize: job.batchSize }))
      sink(b.offset, b.rows.length, await local(b.rows, b.offset));
    progress?.done(rows);
    return { rows, errorCounts, workers: rows ? 1 : 0, workerBatches: 0 };
  }
  const it = sourceBatches(job.data, job.format, job.batchSize, job.read)[Symbol.asyncIterator]();
  // Workers pay off only past one batch: peek at the second batch before starting them.
  const first = await it.next();
  const second = first.done ? first : await it.next();
  if (second.done && !force) {
    if (!first.done) sink(first.value.offset, first.value.length, await local(first.value.rows(), first.value.offset));
    progress?.done(rows);
    return { rows, errorCounts, workers: first.done ? 0 : 1, workerBatches: 0 };
  }
  if (first.done) {
    progress?.done(rows);
    return { rows, errorCounts, workers: 0, workerBatches: 0 };
  }
  const queued: SourceBatch[] = second.done ? [first.value] : [first.value, second.value];
  const replay: AsyncIterator<SourceBatch> = {
    next: async () => (queued.length ? { done: false, value: queued.shift()! } : it.next()),
    return: async () => (await it.return?.(undefined)) ?? { done: true, value: undefined },
  };
  const workerBatches = await applyParallel(
    replay,
    {
      workers: Math.max(1, job.workers),
      init: { lfFiles: job.lfFiles, lfNames: job.lfs.map((lf) => lf.name), labels: [...job.labels.names], onError: job.onError },
      timeoutMs: job.timeoutMs,
      memoryMb: job.memoryMb,
    },
    sink,
    job.applyWhileWorkersStart && job.timeoutMs <= 0 ? (b) => local(b.rows(), b.offset) : undefined,
  );
  progress?.done(rows);
  return { rows, errorCounts, workers: Math.max(1, job.workers), workerBatches };
}

/** Every column an LF reads by name must be in the data file (an empty file is left to the row count check). */
async function checkDataColumns(lfs: readonly DiscoveredLF['lf'][], data: string, read: ReadOptions | undefined, shown: string): Promise<void> {
  const wanted = columnsRead(lfs);
  if (wanted.size === 0) return;
  const { missing, columns, empty } = await missingColumns(data, wanted.keys(), read);
  if (!empty && missing.length) throw missingColumnsError(new Map(missing.map((c) => [c, wanted.get(c)!])), shown, columns);
}

function statData(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new ConfigError(`data path is not a file: ${path}`);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`data file not found: ${path}`);
  }
}

function snapshot(files: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of files) {
    try {
      m.set(f, createHash('sha256').update(readFileSync(f)).digest('hex'));
    } catch {
      m.set(f, 'missing');
    }
  }
  return m;
}

function sameSnapshot(a: Map<string, string>, b: Map<string, string>): boolean {
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
