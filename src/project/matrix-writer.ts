import { closeSync, openSync } from 'node:fs';
import { Int8, makeData, RecordBatch, Struct } from 'apache-arrow';
import { labelMatrixSchema } from '../data/label-matrix-io.js';
import { columnsToRows } from '../data/transpose.js';
import { arrowFileWriter } from '../data/arrow-sink.js';
import { AtomicFile, outputError } from '../data/atomic.js';
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
 * rows there are. Written to a temp file and renamed: readers never see a partial matrix. With `returnMatrix`, the
 * same pass over the column files also fills the matrix in memory (n × m), returned.
 */
export function writeLabelMatrixFromColumns(path: string, cols: ColumnSet, options: { returnMatrix?: boolean } = {}): LabelMatrix | undefined {
  const { n, files } = cols;
  const m = files.length;
  const votes = options.returnMatrix ? new Int8Array(n * m) : undefined;
  const { schema, fields } = labelMatrixSchema(cols);
  const fds: number[] = [];
  try {
    for (const f of files) fds.push(openSync(f, 'r'));
    const file = new AtomicFile(path);
    try {
      const writer = arrowFileWriter(file, schema);
      const chunk = Math.max(1, Math.min(MATRIX_CHUNK_ROWS, n));
      for (let a = 0; a < n || (a === 0 && n === 0); a += chunk) {
        const len = Math.min(chunk, n - a);
        const chunkCols = fds.map((fd) => {
          const col = new Int8Array(len);
          if (len > 0) readColumnRange(fd, a, col);
          return col;
        });
        if (votes) columnsToRows(chunkCols, len, m, votes.subarray(a * m, (a + len) * m), 127);
        const children = chunkCols.map((col) => makeData({ type: new Int8(), length: len, nullCount: 0, data: col }));
        writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: len, nullCount: 0, children })));
        if (n === 0) break;
      }
      writer.finish();
      file.commit();
    } catch (e) {
      file.abort();
      throw (e as NodeJS.ErrnoException).code ? outputError(path, e) : e;
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return votes ? new LabelMatrix({ n, m, votes, lfNames: cols.lfNames, labels: cols.labels, errorCounts: cols.errorCounts }) : undefined;
}
