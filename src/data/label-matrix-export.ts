import { extname } from 'node:path';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { DataError } from '../util/errors.js';
import { writeFileAtomic } from './atomic.js';
import { toCSV } from './write.js';

/** Formats a label matrix can be exported to for other tools. */
export type MatrixExportFormat = 'csv' | 'npy' | 'parquet';
export const MATRIX_EXPORT_FORMATS: readonly MatrixExportFormat[] = ['csv', 'npy', 'parquet'];

/**
 * The label matrix as a NumPy .npy file (format spec v1.0): int8, shape (n, m), C order; -1 = abstain, c = class
 * index c. `numpy.load('L.npy')` reads it; the column order is `L.lfNames`.
 */
export function labelMatrixToNpy(L: LabelMatrix): Uint8Array {
  let header = `{'descr': '|i1', 'fortran_order': False, 'shape': (${L.n}, ${L.m}), }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces and ending in \n to a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  if (header.length > 0xffff) throw new RangeError('npy header too long');
  const out = new Uint8Array(10 + header.length + L.n * L.m);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(L.votes.buffer, L.votes.byteOffset, L.n * L.m), 10 + header.length);
  return out;
}

/** The label matrix as CSV: one column per LF (its name), one row per data row, the class name or '' for abstain. */
export function labelMatrixToCSV(L: LabelMatrix, file = 'label matrix', values: 'names' | 'indices' = 'names'): string {
  const rows = new Array(L.n);
  for (let i = 0; i < L.n; i++) {
    const r: Record<string, string | number> = {};
    for (let j = 0; j < L.m; j++) {
      const v = L.votes[i * L.m + j]!;
      r[L.lfNames[j]!] = values === 'indices' ? v : v < 0 ? '' : L.labels[v]!;
    }
    rows[i] = r;
  }
  return toCSV(rows, L.lfNames, { delimiter: ',', file });
}

/** The format of an export path, from `format` if given, else its extension. */
export function matrixExportFormat(path: string, format?: string): MatrixExportFormat {
  const f = format ?? extname(path).slice(1).toLowerCase();
  if ((MATRIX_EXPORT_FORMATS as readonly string[]).includes(f)) return f as MatrixExportFormat;
  throw new DataError(
    path,
    `cannot export a label matrix as "${f || '(no extension)'}"; use ${MATRIX_EXPORT_FORMATS.map((x) => `.${x}`).join(', ')}`,
  );
}

/** The export's bytes: CSV (class names), .npy (int8 indices) or Parquet (int8 indices as INT32 columns, one per LF). */
export async function exportLabelMatrix(
  L: LabelMatrix,
  path: string,
  format: MatrixExportFormat = matrixExportFormat(path),
): Promise<Uint8Array | string> {
  if (format === 'npy') return labelMatrixToNpy(L);
  if (format === 'csv') return labelMatrixToCSV(L, path);
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const columnData = L.lfNames.map((name, j) => ({ name, data: Int32Array.from(L.column(j)), type: 'INT32' as const }));
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** Writes an export atomically (see exportLabelMatrix). */
export async function writeLabelMatrixExport(L: LabelMatrix, path: string, format?: MatrixExportFormat): Promise<MatrixExportFormat> {
  const f = format ?? matrixExportFormat(path);
  writeFileAtomic(path, await exportLabelMatrix(L, path, f));
  return f;
}
