import { Worker } from 'node:worker_threads';
import { LabelingFunctionError } from '../../util/errors.js';
import { deserializeError, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';
import type { SourceBatch } from './sources.js';

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);
const ENTRY = new URL(`./worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href;

export interface ParallelOptions {
  workers: number;
  init: WorkerInit;
  /** Batches queued per worker (default 2: one running, one waiting), which bounds memory. */
  inFlightPerWorker?: number;
  /**
   * Longest one LF call may run, in ms (0 or absent: no limit). A worker stuck in one call longer (a catastrophic
   * regex, an endless loop) is terminated and the run fails naming the LF and row: a thread cannot interrupt its own
   * synchronous code, so the watching happens here, reading a shared probe the worker bumps before every call.
   */
  timeoutMs?: number;
  /** Heap limit of each worker in MB: an LF allocating without bound fails naming itself instead of aborting the process. */
  memoryMb?: number;
}

/** Column-major votes (m × rows) and per-LF error counts of one batch. */
export type BatchVotes = { votes: Int8Array; errorCounts: Int32Array };

interface Handle {
  worker: Worker;
  ready: boolean;
  inFlight: number;
  /** [calls, row, lf] written by the worker before each LF call. */
  probe: Int32Array;
  lastCalls: number;
  since: number;
}

/**
 * Applies LFs to a stream of batches on worker threads. Each batch's votes go to `onVotes` as soon as they arrive,
 * tagged with their row offset, so the caller writes them by position and the output does not depend on which
 * worker finished first. Until the first worker is ready (starting one costs about a second: tsx, ballot and the
 * LF modules load in every thread), this thread applies batches itself with `local`.
 * With onError 'error', the error thrown is the first in (row, LF) order among all batches started, which is the
 * one the serial path throws. Returns the number of batches the workers applied.
 */
export async function applyParallel(
  batches: AsyncIterator<SourceBatch>,
  options: ParallelOptions,
  onVotes: (offset: number, rows: number, v: BatchVotes) => void,
  local?: (b: SourceBatch) => Promise<BatchVotes>,
): Promise<number> {
  let workerBatches = 0;
  const perWorker = options.inFlightPerWorker ?? 2;
  const lfColumn = new Map(options.init.lfNames.map((name, j) => [name, j]));
  let fatal: Error | undefined;
  let first: { row: number; j: number; error: Error } | undefined;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const sleep = () => new Promise<void>((r) => (wake = r));
  const offsets = new Map<number, number>();
  const failed = (e: unknown) => {
    if (e instanceof LabelingFunctionError) {
      const j = lfColumn.get(e.lf) ?? 0;
      if (!first || e.row < first.row || (e.row === first.row && j < first.j)) first = { row: e.row, j, error: e };
    } else fatal ??= e as Error;
  };

  const lfAt = (h: Handle): { lf: string; row: number } => ({
    lf: options.init.lfNames[Atomics.load(h.probe, 2)] ?? '?',
    row: Atomics.load(h.probe, 1),
  });
  const handles: Handle[] = Array.from({ length: options.workers }, () => {
    const probe = new Int32Array(new SharedArrayBuffer(12));
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entry: ENTRY, init: options.init, probe: probe.buffer },
      ...(options.memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } } : {}),
    });
    const h: Handle = { worker, ready: false, inFlight: 0, probe, lastCalls: 0, since: performance.now() };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') h.ready = true;
      else if (msg.type === 'fatal') fatal ??= deserializeError(msg.error);
      else {
        h.inFlight--;
        inFlight--;
        if (msg.type === 'done') {
          workerBatches++;
          try {
            onVotes(offsets.get(msg.seq)!, msg.rows, { votes: msg.votes, errorCounts: msg.errorCounts });
          } catch (e) {
            fatal ??= e as Error;
          }
        } else failed(deserializeError(msg.error));
        offsets.delete(msg.seq);
      }
      notify();
    });
    worker.on('error', (e: Error) => {
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' && h.ready) {
        const { lf, row } = lfAt(h);
        fatal ??= new LabelingFunctionError(
          lf,
          row,
          `ran out of memory (each apply worker may use ${options.memoryMb ?? 'the default'} MB of heap): does it allocate without bound?`,
          { cause: e },
        );
      } else fatal ??= e;
      notify();
    });
    worker.on('exit', (code) => {
      if (!h.ready) fatal ??= new Error(`apply worker exited with code ${code} before it was ready`);
      else if (h.inFlight > 0) fatal ??= new Error(`apply worker exited with code ${code} while applying`);
      notify();
    });
    return h;
  });

  // The watchdog: a worker whose call counter has not moved for timeoutMs while it has work is stuck in one call.
  const timeout = options.timeoutMs ?? 0;
  const watchdog =
    timeout > 0
      ? setInterval(
          () => {
            const now = performance.now();
            for (const h of handles) {
              const calls = Atomics.load(h.probe, 0);
              if (calls !== h.lastCalls || h.inFlight === 0) {
                h.lastCalls = calls;
                h.since = now;
                continue;
              }
              if (now - h.since > timeout && !fatal) {
                const { lf, row } = lfAt(h);
                fatal = new LabelingFunctionError(
                  lf,
                  row,
                  `still running after ${timeout} ms, the time budget of one LF call (a catastrophic regex or an endless loop?); raise it with --lf-timeout`,
                );
                void h.worker.terminate();
                notify();
              }
            }
          },
          Math.max(10, Math.min(250, timeout / 4)),
        )
      : undefined;
  watchdog?.unref();

  try {
    let seq = 0;
    for (;;) {
      if (fatal || first) break;
      let h: Handle | undefined;
      for (const x of handles) if (x.ready && x.inFlight < perWorker && (!h || x.inFlight < h.inFlight)) h = x;
      const anyReady = handles.some((x) => x.ready);
      if (!h && (anyReady || !local)) {
        await sleep();
        continue;
      }
      const next = await batches.next();
      if (next.done) break;
      const b = next.value;
      if (!h) {
        // No worker is up yet: apply this batch here rather than wait.
        try {
          onVotes(b.offset, b.length, await local!(b));
        } catch (e) {
          failed(e);
        }
        // Let 'ready' messages that arrived meanwhile be handled before choosing again.
        await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      const { rows, transfer } = b.message();
      const msg: ToWorker = { type: 'batch', seq, offset: b.offset, rows };
      offsets.set(seq, b.offset);
      seq++;
      if (h.inFlight === 0) h.since = performance.now();
      h.inFlight++;
      inFlight++;
      h.worker.postMessage(msg, transfer);
    }
    while (inFlight > 0 && !fatal) await sleep();
    if (fatal) throw fatal;
    if (first) throw first.error;
    return workerBatches;
  } finally {
    if (watchdog) clearInterval(watchdog);
    await batches.return?.();
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
