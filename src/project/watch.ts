import { readdirSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LF_TIMEOUT_S, type ApplyFileOptions, type ApplyFileReport } from './apply-file.js';
import { ConfigError } from '../util/errors.js';
import type { LFSummaryRow, MatrixSummary } from '../analysis/lf-summary.js';
import { deserializeError, type SerializedError } from './parallel/protocol.js';
import { patternBase } from './glob.js';

/**
 * `ballot watch`: applies the LFs, then re-applies on every save and reports what changed in the LF summary
 * (coverage, overlaps, conflicts, and accuracy on the gold column when given) since the previous save.
 *
 * Each run happens in a fresh worker thread: an ES module is evaluated once per thread, so a fresh thread is
 * the one sure way to see the edited LF files (and the helpers they import); the column cache makes each run
 * re-apply only what changed.
 */

export interface WatchOptions extends Omit<ApplyFileOptions, 'discovery' | 'returnMatrix'> {
  /**
   * Seconds one LF call may run (default DEFAULT_LF_TIMEOUT_S; 0 = no limit). Enforced as `applyFile` enforces an
   * explicit budget: every batch of a run applies on a watched worker, and a call over budget fails that run with an
   * error naming the LF and the row. Watch keeps watching (as for any LF error), so the next save re-applies. Unlike
   * apply, the budget is on even by default: a hung run would block every later run of the session.
   */
  lfTimeout?: number;
  /** Column of the data file holding gold labels for some rows (blank = unknown): adds accuracy to the summary. */
  goldColumn?: string;
  /** With goldColumn: the label model fitted on every run and scored on the gold rows (default 'mc'; 'none' for none). */
  labelModel?: string;
  /** Quiet period after a change before re-applying (default 200 ms). */
  debounceMs?: number;
  /** Called after every run. */
  onRun?: (run: WatchRun) => void;
  /** Stops watching. */
  signal?: AbortSignal;
}

export interface WatchResult {
  report: Omit<ApplyFileReport, 'matrix'>;
  summary: LFSummaryRow[];
  matrix: MatrixSummary;
  /** Files the LFs depend on, to watch. */
  sourceFiles: string[];
  /** The label model's dev score on the gold rows (with goldColumn). */
  model?: WatchModelScore;
}

/** A label model fitted on one run's matrix (no labels) and scored on the rows with a gold label. */
export interface WatchModelScore {
  kind: string;
  scored: number;
  accuracy: number;
  f1: number | null;
  f1Macro: number;
  coverage: number;
}

/**
 * The gold labels one run read, handed to the next run's thread: reused while the data file (size, mtime), the gold
 * column and the classes are unchanged, so a save that changes only LF code does not read the data file for them.
 */
export interface WatchGold {
  file: string;
  size: number;
  mtimeMs: number;
  column: string;
  /** The class names, joined by newlines. */
  labels: string;
  values: Int32Array;
}

export type WatchRun =
  | { ok: true; result: WatchResult; changes: SummaryChanges; trigger: string[]; previousModel?: WatchModelScore }
  | { ok: false; error: Error; trigger: string[] };

export interface LFChange {
  lf: string;
  kind: 'added' | 'removed' | 'changed' | 're-applied';
  /** Metric → [before, after], only for metrics that moved. */
  deltas: Record<string, [number, number]>;
}

export interface SummaryChanges {
  lfs: LFChange[];
  matrix: Record<string, [number, number]>;
}

const METRICS = ['coverage', 'overlaps', 'conflicts', 'empiricalAccuracy', 'errors'] as const;
const MATRIX_METRICS = ['coverage', 'overlap', 'conflict'] as const;

/** What moved between two LF summaries (first run: everything is 'added'). */
export function diffSummaries(
  before: { summary: LFSummaryRow[]; matrix: MatrixSummary } | undefined,
  after: { summary: LFSummaryRow[]; matrix: MatrixSummary },
  reapplied: readonly string[] = [],
): SummaryChanges {
  const prev = new Map((before?.summary ?? []).map((r) => [r.lf, r]));
  const lfs: LFChange[] = [];
  const eps = 1e-12;
  for (const row of after.summary) {
    const old = prev.get(row.lf);
    prev.delete(row.lf);
    if (!old) {
      lfs.push({ lf: row.lf, kind: 'added', deltas: Object.fromEntries(present(row).map((k) => [k, [Number.NaN, row[k] as number]])) });
      continue;
    }
    const deltas: Record<string, [number, number]> = {};
    for (const k of METRICS) {
      const a = old[k];
      const b = row[k];
      if (a === undefined || b === undefined) continue;
      if (Math.abs(a - b) > eps) deltas[k] = [a, b];
    }
    if (Object.keys(deltas).length) lfs.push({ lf: row.lf, kind: 'changed', deltas });
    else if (reapplied.includes(row.lf)) lfs.push({ lf: row.lf, kind: 're-applied', deltas });
  }
  for (const lf of prev.keys()) lfs.push({ lf, kind: 'removed', deltas: {} });
  const matrix: Record<string, [number, number]> = {};
  for (const k of MATRIX_METRICS) {
    const a = before?.matrix[k];
    const b = after.matrix[k];
    if (a === undefined || Math.abs(a - b) > eps) matrix[k] = [a ?? Number.NaN, b];
  }
  return { lfs, matrix };
}

function directoriesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    out.push(d);
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(join(d, e.name));
  };
  walk(dir);
  return out;
}

function present(row: LFSummaryRow): (typeof METRICS)[number][] {
  return METRICS.filter((k) => row[k] !== undefined);
}

const BOOTSTRAP = new URL('./parallel/bootstrap.mjs', import.meta.url);
const ENTRY = new URL(`./watch-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href;

/**
 * Runs one apply + summary in a fresh worker thread (so edited modules are loaded anew). `state` carries the gold
 * labels from one run to the next (see WatchGold).
 */
export function runOnce(options: WatchOptions, state: { gold?: WatchGold } = {}): Promise<WatchResult> {
  const { onRun: _onRun, signal: _signal, ...plain } = options;
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, options: plain, gold: state.gold } });
    let settled = false;
    w.on('message', (msg: { ok: true; result: WatchResult; gold?: WatchGold } | { ok: false; error: SerializedError }) => {
      settled = true;
      if (msg.ok) {
        state.gold = msg.gold;
        resolvePromise(msg.result);
      } else reject(deserializeError(msg.error));
      void w.terminate();
    });
    w.on('error', (e) => {
      settled = true;
      reject(e);
    });
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`watch worker exited with code ${code}`));
    });
  });
}

/** Watches the LF sources and the data file until `signal` aborts; resolves then. */
export async function watchLFs(options: WatchOptions): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const debounce = options.debounceMs ?? 200;
  const lfTimeout = options.lfTimeout ?? DEFAULT_LF_TIMEOUT_S;
  if (!Number.isFinite(lfTimeout) || lfTimeout < 0)
    throw new ConfigError(`\`lfTimeout\` must be a number of seconds ≥ 0, got ${lfTimeout}`, { option: 'lfTimeout' });
  const opts: WatchOptions = { ...options, cwd, progress: false, lfTimeout };
  let previous: { summary: LFSummaryRow[]; matrix: MatrixSummary } | undefined;
  let previousModel: WatchModelScore | undefined;
  const state: { gold?: WatchGold } = {};
  const watchers = new Map<string, FSWatcher>();
  const relevant = new Set<string>([resolve(cwd, options.data)]);
  let pending = new Set<string>(['(start)']);
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));

  // One non-recursive watcher per directory: recursive fs.watch on Linux (Node 20) loses files that editors replace.
  const watchDir = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const w = fsWatch(dir, (_event, file) => {
        if (!file) return;
        const path = resolve(dir, file.toString());
        // LF sources in watched directories (new files may be new LF files) and the data file.
        if (!relevant.has(path) && !/\.(m?ts|tsx|m?js|json)$/.test(path)) return;
        pending.add(path);
        schedule();
      });
      watchers.set(dir, w);
    } catch {
      /* a directory that vanished: its files will be reported missing by the next run */
    }
  };

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), debounce);
  };

  const run = async () => {
    if (running || stopped) return;
    running = true;
    const trigger = [...pending].map((p) => (p.startsWith('(') ? p : basename(p)));
    pending = new Set();
    try {
      const result = await runOnce(opts, state);
      for (const f of result.sourceFiles) {
        relevant.add(f);
        watchDir(dirname(f));
      }
      const changes = diffSummaries(previous, result, result.report.applied);
      previous = { summary: result.summary, matrix: result.matrix };
      const before = previousModel;
      previousModel = result.model;
      if (!stopped) options.onRun?.({ ok: true, result, changes, trigger, ...(before ? { previousModel: before } : {}) });
    } catch (e) {
      if (!stopped) options.onRun?.({ ok: false, error: e as Error, trigger });
    } finally {
      running = false;
      if (pending.size && !stopped) schedule();
    }
  };

  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    finish();
  };
  if (options.signal?.aborted) return;
  options.signal?.addEventListener('abort', stop, { once: true });
  watchDir(dirname(resolve(cwd, options.data)));
  // The patterns' directories too, so a first run that fails (a syntax error) still sees the fix, and new files count.
  const patterns = typeof options.lfs === 'string' ? [options.lfs] : (options.lfs ?? ['lfs/**/*.ts']);
  for (const p of patterns) for (const dir of directoriesUnder(patternBase(p, cwd))) watchDir(dir);
  await run();
  await done;
}
