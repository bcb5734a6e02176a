import { readGoldLabels } from './gold.js';
import { readRowBatches, readRowsAsync } from './read.js';
import { rowCountMismatch } from './row-stream.js';
import type { Dataset, Row } from './types.js';
import { defineLabels } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';

/**
 * Reads a row file (any format, Parquet included) whose rows line up one-to-one with the label matrix's rows (same
 * order). `matrixFile`, when given, names the matrix in the error.
 */
export async function readAlignedRows(L: LabelMatrix, file: string, what = 'data', matrixFile?: string): Promise<Dataset> {
  const ds = await readRowsAsync(file);
  if (ds.rows.length !== L.n) throw rowCountMismatch(file, ds.rows.length, L.n, what, matrixFile);
  return ds;
}

/**
 * Gold (given) labels for the label matrix's rows, from a column of class names or indices; empty cells and -1 are
 * "unknown" (-1) and are left out of accuracy and label-error checks.
 */
export function goldFromRows(L: LabelMatrix, ds: Dataset, column: string): Int32Array {
  return readGoldLabels(ds.rows, column, defineLabels(L.labels), ds.file, { allowMissing: true });
}

/**
 * The rows at `wanted` (0-based) of a row file that lines up with a label matrix of `n` rows, streamed (memory: one
 * batch plus the rows kept), with the file's columns; the file must hold exactly n rows, as readAlignedRows checks.
 */
export async function pickAlignedRows(
  file: string,
  wanted: ReadonlySet<number>,
  n: number,
  what = 'data',
  matrixFile?: string,
): Promise<{ file: string; columns: string[]; rows: Map<number, Row> }> {
  const rows = new Map<number, Row>();
  let columns: string[] = [];
  let count = 0;
  for await (const b of readRowBatches(file, { batchSize: 16384 })) {
    columns = b.columns;
    b.rows.forEach((r, i) => {
      if (wanted.has(b.offset + i)) rows.set(b.offset + i, r);
    });
    count += b.rows.length;
  }
  if (count !== n) throw rowCountMismatch(file, count, n, what, matrixFile);
  return { file, columns, rows };
}

/** The rows at `wanted` of rows already in memory, shaped as pickAlignedRows gives them from a file. */
export function pickRows(ds: Dataset, wanted: ReadonlySet<number>): { file: string; columns: string[]; rows: Map<number, Row> } {
  const rows = new Map<number, Row>();
  for (const i of wanted) if (i >= 0 && i < ds.rows.length) rows.set(i, ds.rows[i]!);
  return { file: ds.file, columns: [...ds.columns], rows };
}
