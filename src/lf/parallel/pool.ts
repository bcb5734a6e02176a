import { Worker } from 'node:worker_threads';
import type { RowBatch } from '../../data/types.js';
import { LabelingFunctionError } from '../../util/errors.js';
import { deserializeError, packRows, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./worker.ts', import.meta.url).href;

export interface ParallelOptions {
  workers: number;
  init: WorkerInit;
  /** Send rows as columns (every row has exactly the batch's columns: CSV, Arrow). */
  columnar: boolean;
  /** Batches queued per worker (default 2: one running, one waiting), which bounds memory. */
  inFlightPerWorker?: number;
}

interface Handle {
  worker: Worker;
  inFlight: number;
}

/**
 * Applies LFs to a stream of batches on worker threads. Each batch's votes (rows × LFs, row-major) go to
 * `onVotes` as soon as they arrive, tagged with their row offset, so the caller writes them by position and the
 * output does not depend on which worker finished first. With onError 'error', the error thrown is the first in
 * (row, LF) order among all batches sent, which is the one the serial path throws.
 */
export async function applyParallel(
  batches: AsyncIterator<RowBatch>,
  options: ParallelOptions,
  onVotes: (offset: number, rows: number, votes: Int8Array, errorCounts: Int32Array) => void,
): Promise<void> {
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

  const handles: Handle[] = [];
  const started = Array.from({ length: options.workers }, () => {
    const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, init: options.init } });
    const h: Handle = { worker, inFlight: 0 };
    handles.push(h);
    return new Promise<void>((resolveReady, rejectReady) => {
      let ready = false;
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          ready = true;
          resolveReady();
          return;
        }
        if (msg.type === 'fatal') {
          const e = deserializeError(msg.error);
          if (!ready) rejectReady(e);
          fatal ??= e;
          notify();
          return;
        }
        h.inFlight--;
        inFlight--;
        if (msg.type === 'done') {
          try {
            onVotes(offsets.get(msg.seq)!, msg.votes.length / options.init.lfNames.length, msg.votes, msg.errorCounts);
          } catch (e) {
            fatal ??= e as Error;
          }
        } else {
          const e = deserializeError(msg.error);
          if (e instanceof LabelingFunctionError) {
            const j = lfColumn.get(e.lf) ?? 0;
            if (!first || e.row < first.row || (e.row === first.row && j < first.j)) first = { row: e.row, j, error: e };
          } else fatal ??= e;
        }
        offsets.delete(msg.seq);
        notify();
      });
      worker.on('error', (e) => {
        if (!ready) rejectReady(e);
        fatal ??= e;
        notify();
      });
      worker.on('exit', (code) => {
        if (!ready) rejectReady(new Error(`apply worker exited with code ${code} before it was ready`));
        else if (h.inFlight > 0) fatal ??= new Error(`apply worker exited with code ${code} while applying`);
        notify();
      });
    });
  });

  const offsets = new Map<number, number>();
  try {
    await Promise.all(started);
    let seq = 0;
    for (;;) {
      if (fatal || first) break;
      let h = handles[0];
      for (const x of handles) if (x.inFlight < h.inFlight) h = x;
      if (h.inFlight >= perWorker) {
        await sleep();
        continue;
      }
      const next = await batches.next();
      if (next.done) break;
      const b = next.value;
      const msg: ToWorker = { type: 'batch', seq, offset: b.offset, rows: packRows(b.rows, options.columnar ? b.columns : undefined) };
      offsets.set(seq, b.offset);
      seq++;
      h.inFlight++;
      inFlight++;
      h.worker.postMessage(msg);
    }
    while (inFlight > 0 && !fatal) await sleep();
    if (fatal) throw fatal;
    if (first) throw first.error;
  } finally {
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
