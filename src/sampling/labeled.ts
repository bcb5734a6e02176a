import { readGoldLabels } from '../data/gold.js';
import { readRowsAsync } from '../data/read.js';
import { defineLabels } from '../matrix/labels.js';
import { DataError } from '../util/errors.js';
import { PROVENANCE } from './output.js';

/**
 * The gold labels gathered so far, as a pool-length array (-1 = not labeled): read from a file of labeled rows that
 * carry the pool row index in `_row` (as `ballot sample` writes them) and the label in `column` (class names or
 * indices; empty = not labeled yet); any row format, Parquet included. A row index outside the pool, or a row labeled twice with different classes, is a
 * DataError naming the file and the row.
 */
export async function readLabeledRows(file: string, column: string, labels: readonly string[], poolRows: number): Promise<Int32Array> {
  const ds = await readRowsAsync(file);
  if (!ds.columns.includes(PROVENANCE.row))
    throw new DataError(file, `no "${PROVENANCE.row}" column (the pool row index that ballot sample writes); columns are ${ds.columns.join(', ')}`);
  if (!ds.columns.includes(column)) throw new DataError(file, `no column "${column}"; columns are ${ds.columns.join(', ')}`);
  const y = readGoldLabels(ds.rows, column, defineLabels(labels), file, { allowMissing: true });
  const gold = new Int32Array(poolRows).fill(-1);
  ds.rows.forEach((row, r) => {
    const raw = row[PROVENANCE.row];
    const i = typeof raw === 'number' ? raw : Number(String(raw ?? '').trim());
    if (!Number.isInteger(i) || i < 0 || i >= poolRows)
      throw new DataError(file, `${PROVENANCE.row} is ${JSON.stringify(raw)}, not a row of the pool 0..${poolRows - 1}`, { row: r });
    if (y[r] < 0) return;
    if (gold[i] >= 0 && gold[i] !== y[r])
      throw new DataError(file, `pool row ${i} is labeled twice, as ${labels[gold[i]]} and ${labels[y[r]]}`, { row: r });
    gold[i] = y[r];
  });
  return gold;
}
