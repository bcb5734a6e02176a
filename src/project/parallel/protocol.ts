import { tableFromIPC } from 'apache-arrow';
import type { Row } from '../../data/types.js';
import { appendBatchRows } from '../../data/arrow.js';
import { BallotError, LabelingFunctionError } from '../../util/errors.js';
import { ownValue } from '../../util/own.js';

/**
 * Rows on their way to a worker: Arrow record-batch bytes (decoded to rows by the worker, so the reading thread
 * never builds row objects), columns when every row has exactly `columns` (CSV), else row objects (JSONL).
 */
export type PackedRows =
  | { kind: 'arrow'; ipc: Uint8Array; file: string }
  | { kind: 'columns'; columns: string[]; values: unknown[][]; length: number }
  | { kind: 'rows'; rows: Row[] };

/** Column arrays structured-clone several times faster than arrays of row objects. */
export function packRows(rows: Row[], columns: readonly string[] | undefined): PackedRows {
  if (!columns) return { kind: 'rows', rows };
  const values = columns.map((c) => {
    const col = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) col[i] = ownValue(rows[i], c);
    return col;
  });
  return { kind: 'columns', columns: [...columns], values, length: rows.length };
}

export function unpackRows(p: PackedRows, offset: number): Row[] {
  if (p.kind === 'rows') return p.rows;
  if (p.kind === 'arrow') {
    const out: Row[] = [];
    for (const batch of tableFromIPC(p.ipc).batches) appendBatchRows(batch, p.file, offset + out.length, out);
    return out;
  }
  const { columns, values, length } = p;
  const out = new Array<Row>(length);
  for (let i = 0; i < length; i++) {
    const r: Row = Object.create(null); // column names are data
    for (let j = 0; j < columns.length; j++) r[columns[j]] = values[j][i];
    out[i] = r;
  }
  return out;
}

export interface WorkerInit {
  lfFiles: string[];
  /** The LFs to apply, in column order. */
  lfNames: string[];
  labels: string[];
  onError: 'error' | 'abstain';
}

export type ToWorker = { type: 'batch'; seq: number; offset: number; rows: PackedRows };

/** Row-major votes (rows × m) → column-major (m × rows). */
export function toColumnMajor(votes: Int8Array, rows: number, m: number, out = new Int8Array(rows * m)): Int8Array {
  for (let j = 0; j < m; j++) {
    const base = j * rows;
    for (let i = 0, p = j; i < rows; i++, p += m) out[base + i] = votes[p];
  }
  return out;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  /** votes are column-major (LF j's votes for the batch at [j·rows, (j+1)·rows)), ready to append to column files. */
  | { type: 'done'; seq: number; rows: number; votes: Int8Array; errorCounts: Int32Array }
  | { type: 'error'; seq: number; error: SerializedError };

export interface SerializedError {
  kind: string;
  message: string;
  lf?: string;
  row?: number;
  /** LabelingFunctionError: what went wrong, without the LF/row prefix. */
  what?: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof LabelingFunctionError)
    return { kind: 'LabelingFunctionError', message: e.message, lf: e.lf, row: e.row, what: e.what, stack: e.stack };
  if (e instanceof Error) return { kind: e instanceof BallotError ? e.name : 'Error', message: e.message, stack: e.stack };
  return { kind: 'Error', message: String(e) };
}

/** Rebuilds an error from a worker with the same class and message as the serial path would throw. */
export function deserializeError(s: SerializedError): Error {
  let e: Error;
  if (s.kind === 'LabelingFunctionError' && s.lf !== undefined && s.row !== undefined) {
    e = new LabelingFunctionError(s.lf, s.row, s.what ?? s.message);
  } else if (s.kind !== 'Error') {
    e = new BallotError(s.message); // ConfigError, DataError…: the CLI prints them as one clean line
    e.name = s.kind;
  } else e = new Error(s.message);
  if (s.stack) e.stack = s.stack;
  return e;
}
