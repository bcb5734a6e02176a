import { RecordBatchStreamWriter, Table, type RecordBatch } from 'apache-arrow';
import { appendBatchRows } from '../../data/arrow.js';
import { arrowRecordBatches, readRowBatches, type ReadOptions } from '../../data/read.js';
import type { Row } from '../../data/types.js';
import { packRows, type PackedRows } from './protocol.js';

/** One batch of input for the parallel applier: its rows (for this thread) or a message (for a worker). */
export interface SourceBatch {
  offset: number;
  length: number;
  rows(): Row[];
  message(): { rows: PackedRows; transfer: ArrayBuffer[] };
}

/**
 * Batches of a data file for workers. Arrow files go as record-batch slices re-encoded as IPC bytes (a copy of
 * the column buffers, transferred), and the worker decodes rows with the same code as readRowBatches, so the
 * reading thread stays nearly idle. CSV/TSV/JSONL are parsed here and sent as columns (or row objects).
 */
export async function* sourceBatches(path: string, format: string, batchSize: number, read: ReadOptions = {}): AsyncGenerator<SourceBatch> {
  if (format === 'arrow') {
    yield* arrowSlices(path, batchSize);
    return;
  }
  const columnar = format !== 'jsonl';
  for await (const b of readRowBatches(path, { ...read, batchSize })) {
    yield {
      offset: b.offset,
      length: b.rows.length,
      rows: () => b.rows,
      message: () => ({ rows: packRows(b.rows, columnar ? b.columns : undefined), transfer: [] }),
    };
  }
}

async function* arrowSlices(path: string, batchSize: number): AsyncGenerator<SourceBatch> {
  let offset = 0;
  for await (const batch of arrowRecordBatches(path)) {
    for (let a = 0; a < batch.numRows; a += batchSize) {
      const slice = batch.slice(a, Math.min(batch.numRows, a + batchSize));
      yield arrowBatch(slice, offset, path);
      offset += slice.numRows;
    }
  }
}

function arrowBatch(slice: RecordBatch, offset: number, file: string): SourceBatch {
  return {
    offset,
    length: slice.numRows,
    rows: () => {
      const out: Row[] = [];
      appendBatchRows(slice, file, offset, out);
      return out;
    },
    message: () => {
      const ipc = RecordBatchStreamWriter.writeAll(new Table([slice])).toUint8Array(true);
      return { rows: { kind: 'arrow', ipc, file }, transfer: [ipc.buffer as ArrayBuffer] };
    },
  };
}
