/**
 * An apply worker: loads the LF files itself (LFs are functions and cannot be posted), then votes on the batches
 * it is sent and posts the votes back (transferred, not copied). Started through bootstrap.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadLFModules } from '../load.js';
import { defineLabels } from '../../matrix/labels.js';
import { createBatchVoter } from '../../lf/apply-async.js';
import { ConfigError } from '../../util/errors.js';
import { serializeError, toColumnMajor, unpackRows, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';

const port = parentPort!;
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

try {
  const { init, probe } = workerData as { init: WorkerInit; probe?: SharedArrayBuffer };
  const loaded = await loadLFModules(init.lfFiles);
  const byName = new Map(loaded.lfs.map((lf) => [lf.name, lf]));
  const lfs = init.lfNames.map((name) => {
    const lf = byName.get(name);
    if (!lf) throw new ConfigError(`worker: LF "${name}" is no longer exported by ${init.lfFiles.join(', ')} (did the files change during apply?)`);
    return lf;
  });
  // Frozen rows: an LF cannot change what later LFs see. The probe tells the pool's watchdog which LF and row run now.
  const vote = createBatchVoter(lfs, defineLabels(init.labels), { freezeRows: true, probe: probe ? new Int32Array(probe) : undefined });
  const m = lfs.length;
  port.on('message', (msg: ToWorker) => {
    void (async () => {
      const errorCounts = new Int32Array(m);
      try {
        const rows = unpackRows(msg.rows, msg.offset);
        const votes = new Int8Array(rows.length * m);
        await vote(rows, msg.offset, votes, errorCounts, init.onError);
        const columns = toColumnMajor(votes, rows.length, m);
        post({ type: 'done', seq: msg.seq, rows: rows.length, votes: columns, errorCounts }, [columns.buffer as ArrayBuffer]);
      } catch (e) {
        post({ type: 'error', seq: msg.seq, error: serializeError(e) });
      }
    })();
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'fatal', error: serializeError(e) });
}
