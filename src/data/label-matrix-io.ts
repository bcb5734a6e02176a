import { Field, Int8, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Type, type Vector } from 'apache-arrow';
import { LabelMatrix } from '../matrix/label-matrix.js';
import { withSchemaFingerprint } from './arrow-verify.js';
import { DataError } from '../util/errors.js';
import { parseArrowTable } from './arrow.js';
import { writeFileAtomic } from './atomic.js';
import { columnsToRows, rowsToColumns } from './transpose.js';
import { loadWrenchFile } from './wrench.js';
import { readFileOrFail } from '../util/read-file.js';

/** Schema-metadata keys of a saved label matrix. */
export const LABEL_MATRIX_META = {
  kind: 'ballot.kind',
  version: 'ballot.version',
  labels: 'ballot.labels',
  errorCounts: 'ballot.errorCounts',
} as const;
const KIND = 'label-matrix';
export const LABEL_MATRIX_FORMAT_VERSION = 1;

/**
 * Saves a label matrix as an Arrow IPC file: one non-null Int8 column per LF (named by the LF), with the label space,
 * format version and per-LF error counts in the schema metadata. Written atomically.
 */
export function saveLabelMatrix(path: string, L: LabelMatrix): void {
  writeFileAtomic(path, labelMatrixToIPC(L));
}

/** The Arrow IPC file bytes of a label matrix (see saveLabelMatrix). */
export function labelMatrixToIPC(L: LabelMatrix): Uint8Array {
  const { n, m, votes } = L;
  const { schema, fields } = labelMatrixSchema(L);
  // Fresh 100 MB buffers are expensive (first-touch page faults cost more than the copy itself), so the file is
  // laid out by Arrow with the row-major votes as stand-in column bytes (same total size, no new buffer), then
  // each column is transposed straight into its place in the output.
  const stand = (j: number) => votes.subarray(j * n, (j + 1) * n);
  const bytes = encode(schema, fields, n, stand);
  const targets = n > 0 ? columnViews(bytes, m, n) : undefined;
  if (targets === undefined) {
    // Arrow did not give zero-copy views into the output (or there is nothing to place): build columns first.
    const cols = new Int8Array(n * m);
    const views = Array.from({ length: m }, (_, j) => cols.subarray(j * n, (j + 1) * n));
    rowsToColumns(votes, n, m, views);
    return encode(schema, fields, n, (j) => views[j]);
  }
  rowsToColumns(votes, n, m, targets);
  return bytes;
}

/**
 * The Arrow schema of a saved label matrix: one non-null Int8 column per LF, the label space, format version and
 * per-LF error counts in the metadata (with the schema fingerprint). Every writer of a label matrix file uses it.
 */
export function labelMatrixSchema(L: Pick<LabelMatrix, 'lfNames' | 'labels' | 'errorCounts'>): { schema: Schema; fields: Field[] } {
  const metadata = new Map<string, string>([
    [LABEL_MATRIX_META.kind, KIND],
    [LABEL_MATRIX_META.version, String(LABEL_MATRIX_FORMAT_VERSION)],
    [LABEL_MATRIX_META.labels, JSON.stringify(L.labels)],
    [LABEL_MATRIX_META.errorCounts, JSON.stringify(Array.from(L.errorCounts))],
  ]);
  const fields = L.lfNames.map((name) => new Field(name, new Int8(), false));
  return { schema: new Schema(fields, withSchemaFingerprint(fields, metadata)), fields };
}

function encode(schema: Schema, fields: Field[], n: number, column: (j: number) => Int8Array): Uint8Array {
  const children = fields.map((_, j) => makeData({ type: new Int8(), length: n, nullCount: 0, data: column(j) }));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  return tableToIPC(new Table([batch]), 'file');
}

/** Int8 views of each column's data inside `bytes`, or undefined if Arrow copied instead of viewing. */
function columnViews(bytes: Uint8Array, m: number, n: number): Int8Array[] | undefined {
  const table = tableFromIPC(bytes);
  const views: Int8Array[] = [];
  for (let j = 0; j < m; j++) {
    const data = table.getChildAt(j)?.data;
    if (data?.length !== 1) return undefined;
    const v = data[0].values as Int8Array;
    if (v.buffer !== bytes.buffer || v.length !== n) return undefined;
    views.push(v);
  }
  return views;
}

/** Loads a label matrix saved by saveLabelMatrix, validating its metadata and every vote. */
export function loadLabelMatrix(path: string): LabelMatrix {
  // A WRENCH split (train.json beside label.json) is a label matrix too.
  if (/\.json$/i.test(path)) return loadWrenchFile(path).L;
  return labelMatrixFromIPC(readFileOrFail(path), path);
}

/** Parses label-matrix Arrow IPC bytes; `file` names the source in errors. */
export function labelMatrixFromIPC(bytes: Uint8Array, file: string): LabelMatrix {
  const table = parseArrowTable(bytes, file);
  const header = labelMatrixHeader(table.schema, file);
  const n = table.numRows;
  const columns = header.lfNames.map((_, j) => table.getChildAt(j)!);
  return labelMatrixOfColumns(header, columns, n, 0, file);
}

/** What a label matrix's schema says: LF names (its columns), the label space and the per-LF error counts. */
export interface LabelMatrixHeader {
  lfNames: string[];
  labels: string[];
  errorCounts: Int32Array;
}

/** Checks a label matrix's schema (kind, version, labels, error counts, Int8 columns) and returns what it says. */
export function labelMatrixHeader(schema: Schema, file: string): LabelMatrixHeader {
  const meta = schema.metadata;
  if (meta.get(LABEL_MATRIX_META.kind) !== KIND) {
    throw new DataError(file, `not a ballot label matrix (schema metadata "${LABEL_MATRIX_META.kind}" is not "${KIND}")`);
  }
  const version = meta.get(LABEL_MATRIX_META.version);
  if (version !== String(LABEL_MATRIX_FORMAT_VERSION)) {
    throw new DataError(
      file,
      `label matrix format version ${JSON.stringify(version ?? null)} is not supported (this ballot reads version ${LABEL_MATRIX_FORMAT_VERSION})`,
    );
  }
  const labels = parseJSONMeta(file, meta.get(LABEL_MATRIX_META.labels), LABEL_MATRIX_META.labels);
  if (
    !Array.isArray(labels) ||
    labels.length < 2 ||
    labels.length > 127 ||
    !labels.every((x) => typeof x === 'string' && x !== '') ||
    new Set(labels).size !== labels.length
  ) {
    throw new DataError(
      file,
      `metadata "${LABEL_MATRIX_META.labels}" must be a JSON array of 2..127 distinct non-empty class names, got ${JSON.stringify(labels)}`,
    );
  }
  const fields = schema.fields;
  const m = fields.length;
  const errors = parseJSONMeta(file, meta.get(LABEL_MATRIX_META.errorCounts), LABEL_MATRIX_META.errorCounts);
  if (!Array.isArray(errors) || errors.length !== m || !errors.every((x) => Number.isInteger(x) && x >= 0 && x <= 0x7fffffff)) {
    throw new DataError(
      file,
      `metadata "${LABEL_MATRIX_META.errorCounts}" must be a JSON array of ${m} non-negative integers, got ${JSON.stringify(errors)}`,
    );
  }
  for (const f of fields) {
    if (f.type.typeId !== Type.Int || (f.type as Int8).bitWidth !== 8 || !(f.type as Int8).isSigned) {
      throw new DataError(file, `column "${f.name}" has type ${String(f.type)}, expected Int8 votes`);
    }
  }
  return { lfNames: fields.map((f) => f.name), labels: labels as string[], errorCounts: Int32Array.from(errors as number[]) };
}

/**
 * A LabelMatrix of `n` rows from one Int8 vector per LF (a table's columns, or one record batch's): nulls and votes
 * outside the label space are refused naming the column and the row (`rowOffset` + the row within these vectors).
 */
export function labelMatrixOfColumns(header: LabelMatrixHeader, vectors: readonly Vector[], n: number, rowOffset: number, file: string): LabelMatrix {
  const { lfNames, labels } = header;
  const m = lfNames.length;
  const k = labels.length;
  const columns: Int8Array[] = [];
  for (let j = 0; j < m; j++) {
    const vec = vectors[j];
    if (vec.nullCount > 0) {
      let bad = 0;
      while (vec.isValid(bad)) bad++;
      throw new DataError(file, `column "${lfNames[j]}" has a null vote; votes must be -1 (abstain) or 0..${k - 1}`, { row: rowOffset + bad });
    }
    const col = vec.toArray() as Int8Array;
    if (col.length !== n) throw new DataError(file, `column "${lfNames[j]}" holds ${col.length} votes for ${n} rows (a damaged file?)`);
    columns.push(col);
  }
  const votes = new Int8Array(n * m);
  const bad = !columnsToRows(columns, n, m, votes, k);
  if (bad) {
    for (let j = 0; j < m; j++) {
      const i = columns[j].findIndex((v) => v < -1 || v >= k);
      if (i >= 0) {
        throw new DataError(file, `column "${lfNames[j]}": vote ${columns[j][i]} is outside -1..${k - 1} (labels ${labels.join(', ')})`, {
          row: rowOffset + i,
        });
      }
    }
  }
  try {
    return new LabelMatrix({ n, m, votes, lfNames, labels, errorCounts: Int32Array.from(header.errorCounts) });
  } catch (e) {
    throw new DataError(file, (e as Error).message, {}, { cause: e });
  }
}

function parseJSONMeta(file: string, s: string | undefined, key: string): unknown {
  if (s === undefined) throw new DataError(file, `label matrix schema metadata is missing "${key}"`);
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new DataError(file, `label matrix metadata "${key}" is not valid JSON: ${(e as Error).message}`, {}, { cause: e });
  }
}
