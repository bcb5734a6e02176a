import { LabelMatrix } from '../matrix/label-matrix.js';
import { DataError } from '../util/errors.js';
import { type LabelMatrixHeader, labelMatrixHeader, labelMatrixOfColumns, loadLabelMatrix } from './label-matrix-io.js';
import { arrowRecordBatches } from './read.js';

/** Rows per chunk of a streamed label matrix (apply writes record batches of this size). */
export const LABEL_MATRIX_CHUNK_ROWS = 1 << 16;

/** One chunk of a streamed label matrix: its rows as a LabelMatrix, and the index of its first row in the file. */
export interface LabelMatrixChunk {
  offset: number;
  L: LabelMatrix;
}

/**
 * Streams a label matrix saved by `ballot apply` / saveLabelMatrix record batch by record batch, as chunks of at most
 * `chunkRows` rows, each checked as loadLabelMatrix checks the whole file (metadata once; nulls and votes per chunk,
 * errors naming the file, the column and the row in the file). Memory is one record batch plus one chunk, not n × m:
 * apply writes batches of 65,536 rows, a matrix written whole by saveLabelMatrix is one batch (held while it is
 * chunked). A WRENCH .json split is parsed whole (JSON has no batches) and then chunked the same way.
 * `onHeader` runs once, before the first chunk (also for a matrix without rows).
 */
export async function* labelMatrixChunks(
  path: string,
  options: { chunkRows?: number; onHeader?: (header: LabelMatrixHeader) => void } = {},
): AsyncGenerator<LabelMatrixChunk> {
  const step = options.chunkRows ?? LABEL_MATRIX_CHUNK_ROWS;
  if (!Number.isInteger(step) || step < 1) throw new DataError(path, `chunkRows must be a positive integer, got ${step}`);
  if (/\.json$/i.test(path)) {
    const L = loadLabelMatrix(path);
    options.onHeader?.({ lfNames: [...L.lfNames], labels: [...L.labels], errorCounts: L.errorCounts });
    for (let a = 0; a < L.n; a += step) yield { offset: a, L: L.selectRows(range(a, Math.min(L.n, a + step))) };
    return;
  }
  let header: LabelMatrixHeader | undefined;
  let offset = 0;
  for await (const batch of arrowRecordBatches(path)) {
    if (!header) {
      header = labelMatrixHeader(batch.schema, path);
      options.onHeader?.(header);
    }
    for (let a = 0; a < batch.numRows; a += step) {
      const part = a === 0 && batch.numRows <= step ? batch : batch.slice(a, Math.min(batch.numRows, a + step));
      const vectors = header.lfNames.map((_, j) => part.getChildAt(j)!);
      yield { offset, L: labelMatrixOfColumns(header, vectors, part.numRows, offset, path) };
      offset += part.numRows;
    }
  }
  if (!header) {
    // No record batch at all: the schema is all there is, so reading the file whole costs nothing.
    const L = loadLabelMatrix(path);
    options.onHeader?.({ lfNames: [...L.lfNames], labels: [...L.labels], errorCounts: L.errorCounts });
    if (L.n > 0) yield { offset: 0, L };
  }
}

function range(a: number, b: number): Int32Array {
  return Int32Array.from({ length: b - a }, (_, i) => a + i);
}

/** A label matrix's header (LF names, labels, error counts), read without reading its rows past the first batch. */
export async function readLabelMatrixHeader(path: string): Promise<LabelMatrixHeader> {
  let header: LabelMatrixHeader | undefined;
  const chunks = labelMatrixChunks(path, { onHeader: (h) => (header = h) });
  try {
    await chunks.next();
  } finally {
    await chunks.return(undefined);
  }
  return header!;
}

/** A matrix with the header's columns and classes and no rows: what checks of a model against a matrix read. */
export function emptyLabelMatrix(header: LabelMatrixHeader): LabelMatrix {
  return new LabelMatrix({
    n: 0,
    m: header.lfNames.length,
    votes: new Int8Array(0),
    lfNames: header.lfNames,
    labels: header.labels,
    errorCounts: header.errorCounts,
  });
}
