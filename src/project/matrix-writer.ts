import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AsyncByteQueue, Field, Int8, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct } from 'apache-arrow';
import { LABEL_MATRIX_FORMAT_VERSION, LABEL_MATRIX_META } from '../data/label-matrix-io.js';
import { outputError, prepareOutput } from '../data/atomic.js';
import { withSchemaFingerprint } from '../data/arrow-verify.js';
import { LabelMatrix } from '../matrix/label-matrix.js';
import { readColumnRange } from './cache.js';

/** Rows per record batch of a label matrix written from column files. */
export const MATRIX_CHUNK_ROWS = 1 << 16;

export interface ColumnSet {
  n: number;
  lfNames: readonly string[];
  labels: readonly string[];
  errorCounts: Int32Array;
  /** One column file per LF (see cache.ts), in lfNames order. */
  files: readonly string[];
}

/**
 * Writes a label matrix (same Arrow layout and metadata as saveLabelMatrix: one Int8 column per LF) from per-LF
 * column files, one record batch of MATRIX_CHUNK_ROWS rows at a time, so memory stays at m × chunk however many
 * rows there are. Written to a temp file and renamed: readers never see a partial matrix.
 */
export function writeLabelMatrixFromColumns(path: string, cols: ColumnSet): void {
  const { n, lfNames, files } = cols;
  const metadata = new Map<string, string>([
    [LABEL_MATRIX_META.kind, 'label-matrix'],
    [LABEL_MATRIX_META.version, String(LABEL_MATRIX_FORMAT_VERSION)],
    [LABEL_MATRIX_META.labels, JSON.stringify(cols.labels)],
    [LABEL_MATRIX_META.errorCounts, JSON.stringify(Array.from(cols.errorCounts))],
  ]);
  const fields = lfNames.map((name) => new Field(name, new Int8(), false));
  const schema = new Schema(fields, withSchemaFingerprint(fields, metadata));
  prepareOutput(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let out: number;
  try {
    out = openSync(tmp, 'w');
  } catch (e) {
    throw outputError(path, e);
  }
  const fds = files.map((f) => openSync(f, 'r'));
  try {
    const writer = new RecordBatchFileWriter();
    writer.reset(new FileSink(out), schema);
    const chunk = Math.max(1, Math.min(MATRIX_CHUNK_ROWS, n));
    for (let a = 0; a < n || (a === 0 && n === 0); a += chunk) {
      const len = Math.min(chunk, n - a);
      const children = fds.map((fd) => {
        const col = new Int8Array(len);
        if (len > 0) readColumnRange(fd, a, col);
        return makeData({ type: new Int8(), length: len, nullCount: 0, data: col });
      });
      writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: len, nullCount: 0, children })));
      if (n === 0) break;
    }
    writer.finish();
    closeSync(out);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(out);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    throw (e as NodeJS.ErrnoException).code ? outputError(path, e) : e;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** Reads column files into an in-memory (row-major) LabelMatrix. */
export function labelMatrixFromColumns(cols: ColumnSet): LabelMatrix {
  const { n, files } = cols;
  const m = files.length;
  const votes = new Int8Array(n * m);
  const TILE = 4096;
  const buf = new Int8Array(Math.min(TILE, Math.max(n, 1)));
  files.forEach((f, j) => {
    const fd = openSync(f, 'r');
    try {
      for (let a = 0; a < n; a += TILE) {
        const len = Math.min(TILE, n - a);
        const view = buf.subarray(0, len);
        readColumnRange(fd, a, view);
        for (let i = 0, p = a * m + j; i < len; i++, p += m) votes[p] = view[i];
      }
    } finally {
      closeSync(fd);
    }
  });
  return new LabelMatrix({ n, m, votes, lfNames: cols.lfNames, labels: cols.labels, errorCounts: cols.errorCounts });
}

/** An Arrow byte sink that writes straight to a file descriptor (Arrow's own sinks buffer everything in memory). */
class FileSink extends AsyncByteQueue {
  constructor(private readonly fd: number) {
    super();
  }
  override write(value: any): void {
    const bytes: Uint8Array = value instanceof Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
}
