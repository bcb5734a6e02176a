import {
  Bool,
  Field,
  Float64,
  Int32,
  makeData,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  Utf8,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { DataError } from '../util/errors.js';
import { nullRecord, ownValue } from '../util/own.js';
import { verifyArrowFile, withSchemaFingerprint } from './arrow-verify.js';
import { verifyArrowBytesStructure } from './arrow-structure.js';
import type { Row } from './types.js';

/** Arrow IPC comes in two framings: the random-access "file" (magic ARROW1 at both ends) and the "stream". */
export type ArrowFraming = 'file' | 'stream';

const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/** Detects the IPC framing from the first bytes, or returns undefined when the bytes are not Arrow IPC at all. */
export function detectArrowFraming(head: Uint8Array): ArrowFraming | undefined {
  if (head.length >= 6 && FILE_MAGIC.every((b, i) => head[i] === b)) return 'file';
  if (head.length >= 8) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const first = view.getInt32(0, true);
    // Current streams start with the 0xFFFFFFFF continuation marker then a metadata length; pre-1.0 streams start
    // directly with a (positive, small) metadata length.
    if (first === -1) {
      const len = view.getInt32(4, true);
      if (len > 0 && len < 1 << 30) return 'stream';
    } else if (first > 0 && first < 1 << 20) return 'stream';
  }
  return undefined;
}

/** Parses Arrow IPC bytes (file or stream framing) into a table, with a DataError for anything unreadable. */
export function parseArrowTable(bytes: Uint8Array, file: string): Table {
  const framing = detectArrowFraming(bytes);
  if (framing === undefined) {
    throw new DataError(file, 'not an Arrow IPC file or stream (no ARROW1 magic and no stream header)');
  }
  if (framing === 'file') {
    assertArrowFileComplete(bytes.subarray(Math.max(0, bytes.length - FILE_MAGIC.length)), bytes.length, file);
    verifyArrowBytesStructure(bytes, file); // apache-arrow trusts the footer's flatbuffer: a bad offset can hang it
  }
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new DataError(file, `cannot read Arrow IPC (a damaged file?): ${(e as Error).message}`, {}, { cause: e });
  }
  if (framing === 'file') verifyArrowFile(bytes, table, file);
  return table;
}

/**
 * An Arrow IPC file ends with the ARROW1 magic, as it begins. Without it the file was cut short (an interrupted write
 * or copy), and apache-arrow would fail with an internal TypeError: say what happened instead.
 */
export function assertArrowFileComplete(tail: Uint8Array, size: number, file: string): void {
  const complete = size >= 2 * FILE_MAGIC.length + 2 && tail.length === FILE_MAGIC.length && FILE_MAGIC.every((b, i) => tail[i] === b);
  if (!complete) {
    throw new DataError(
      file,
      `truncated Arrow IPC file (${size} bytes): it starts with the ARROW1 magic but does not end with it; was it cut short by an interrupted write or copy?`,
    );
  }
}

/** Reads Arrow IPC bytes into plain rows. */
export function parseArrow(bytes: Uint8Array, file: string): { columns: string[]; rows: Row[] } {
  const table = parseArrowTable(bytes, file);
  const columns = table.schema.fields.map((f) => f.name);
  checkColumns(file, table.schema);
  const rows: Row[] = [];
  let offset = 0;
  for (const batch of table.batches) {
    appendBatchRows(batch, file, offset, rows);
    offset += batch.numRows;
  }
  return { columns, rows };
}

/** Rejects schemas whose columns cannot become row keys or plain values, before any row is converted. */
export function checkColumns(file: string, schema: Schema): void {
  const seen = new Set<string>();
  for (const f of schema.fields) {
    if (seen.has(f.name)) throw new DataError(file, `column "${f.name}" appears twice in the Arrow schema`);
    if (f.name === '__proto__') throw new DataError(file, 'column "__proto__" cannot be a row key');
    seen.add(f.name);
    if (!isSupportedType(f.type)) {
      throw new DataError(
        file,
        `column "${f.name}" has Arrow type ${String(f.type)}, which ballot cannot turn into a row value; ` +
          'supported: integers, floats, strings, booleans, null, dates/timestamps (as epoch numbers) and dictionaries of those',
      );
    }
  }
}

function isSupportedType(t: DataType): boolean {
  switch (t.typeId) {
    case Type.Null:
    case Type.Int:
    case Type.Float:
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
    case Type.Bool:
    case Type.Date:
    case Type.Timestamp:
      return true;
    case Type.Dictionary:
      return isSupportedType((t as unknown as { dictionary: DataType }).dictionary);
    default:
      return false;
  }
}

/** Converts one record batch (or a slice of one) to rows appended to `out`; `offset` is its first row's index. */
export function appendBatchRows(batch: RecordBatch, file: string, offset: number, out: Row[]): void {
  const n = batch.numRows;
  const base = out.length;
  for (let i = 0; i < n; i++) out.push(nullRecord());
  batch.schema.fields.forEach((f, j) => {
    const values = columnValues(batch.getChildAt(j)!, f.name, file, offset);
    for (let i = 0; i < n; i++) out[base + i][f.name] = values[i];
  });
}

/** One column as JS values: numbers, strings, booleans or null. */
function columnValues(vec: Vector, name: string, file: string, offset: number): ArrayLike<unknown> {
  const n = vec.length;
  const t = vec.type as DataType;
  if (t.typeId === Type.Null) return new Array(n).fill(null);
  const fastNumeric =
    (t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth <= 32) ||
    (t.typeId === Type.Float && (t as unknown as { precision: number }).precision >= 1); // 32/64-bit; half floats go the slow way
  if (fastNumeric) {
    const arr = vec.toArray() as ArrayLike<number>;
    if (vec.nullCount === 0) return arr;
    const vals: unknown[] = Array.from(arr);
    for (let i = 0; i < n; i++) if (!vec.isValid(i)) vals[i] = null;
    return vals;
  }
  const vals = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const v = vec.get(i);
    vals[i] = typeof v === 'bigint' ? bigintToNumber(v, name, file, offset + i) : (v ?? null);
  }
  return vals;
}

function bigintToNumber(v: bigint, column: string, file: string, row: number): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x)) {
    throw new DataError(file, `column "${column}": 64-bit integer ${v} does not fit a JS number exactly (beyond ±2^53)`, { row });
  }
  return x;
}

// ---------------------------------------------------------------------------------------------- writing

type ColumnKind = 'null' | 'bool' | 'int' | 'float' | 'string';

/** A type a caller can pin a written column to, instead of letting its values decide. */
export type ColumnType = 'float64' | 'int32' | 'utf8' | 'bool';
export const COLUMN_TYPES: readonly ColumnType[] = ['float64', 'int32', 'utf8', 'bool'];
const KIND_OF: Record<ColumnType, ColumnKind> = { float64: 'float', int32: 'int', utf8: 'string', bool: 'bool' };

/** Options for turning rows into an Arrow table. */
export interface RowsToArrowOptions {
  /** Rows per record batch, so readers can stream the file in bounded memory. Default 65536. */
  batchRows?: number;
  /**
   * Column name → pinned type. A pinned column keeps its type whatever its values are (probabilities that all happen
   * to be 0 or 1 stay Float64; a column of only nulls is still Utf8), and a value that does not fit is a DataError
   * naming column and row. null/undefined always fit. Unpinned columns are inferred from their values.
   */
  types?: Readonly<Record<string, ColumnType>>;
  /** Index in the file of rows[0] (a batch of a streamed write), so errors name the row in the file. */
  rowOffset?: number;
}

/**
 * Checks `types` against the written columns, then every pinned value against its type: throws a DataError naming
 * the column and the first row that does not fit. Used by writers whose format has no column types (CSV, JSONL),
 * so a call fails or succeeds the same way whatever the output format.
 */
export function checkColumnTypes(
  rows: readonly Row[],
  columns: readonly string[],
  types: Readonly<Record<string, ColumnType>>,
  file: string,
  /** Index in the file of rows[0] (a batch of a streamed write), so errors name the row in the file. */
  rowOffset = 0,
): void {
  checkTypeNames(columns, types, file);
  for (const name of columns) {
    const t = ownValue(types, name);
    if (t !== undefined) for (let i = 0; i < rows.length; i++) checkFits(ownValue(rows[i], name), t, name, rowOffset + i, file);
  }
}

function checkTypeNames(columns: readonly string[], types: Readonly<Record<string, ColumnType>>, file: string): void {
  for (const [name, t] of Object.entries(types)) {
    if (!COLUMN_TYPES.includes(t))
      throw new DataError(file, `column "${name}": unknown column type ${JSON.stringify(t)}; use ${COLUMN_TYPES.join(', ')}`);
    if (!columns.includes(name)) throw new DataError(file, `a type is given for column "${name}", which is not among the columns written`);
  }
}

/** Throws unless `v` (a cell of column `name`, row `row`) can be stored as `t`; null/undefined always can. */
function checkFits(v: unknown, t: ColumnType, name: string, row: number, file: string): void {
  if (v === null || v === undefined) return;
  let ok: boolean;
  switch (t) {
    case 'float64':
      if (typeof v === 'bigint') bigintToNumber(v, name, file, row); // throws beyond ±2^53
      ok = typeof v === 'number' || typeof v === 'bigint';
      break;
    case 'int32':
      ok =
        (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) ||
        (typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n);
      break;
    case 'utf8':
      ok = typeof v === 'string';
      break;
    case 'bool':
      ok = typeof v === 'boolean';
      break;
  }
  if (!ok) throw new DataError(file, `column "${name}" is typed ${t}, but row ${row} holds ${describeValue(v)}`, { row });
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `the ${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Builds an Arrow table from rows. A column pinned in `options.types` gets that type; any other column's type comes
 * from its values: all integers in Int32 range → Int32, other numbers → Float64, strings → Utf8, booleans → Bool,
 * only null/undefined → Null. null and undefined (missing key) become Arrow nulls. Mixed or nested values, and values
 * that do not fit a pinned type, throw a DataError naming column and row.
 */
export function rowsToArrowTable(rows: readonly Row[], columns: readonly string[], file: string, options: RowsToArrowOptions = {}): Table {
  const n = rows.length;
  const fields: Field[] = [];
  const children: Data[] = [];
  const types = options.types ?? {};
  checkTypeNames(columns, types, file);
  for (const name of columns) {
    const data = buildColumn(rows, name, file, ownValue(types, name), options.rowOffset ?? 0);
    fields.push(new Field(name, data.type, data.nullCount > 0));
    children.push(data);
  }
  const schema = new Schema(fields, withSchemaFingerprint(fields));
  const whole = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  const batch = new RecordBatch(schema, whole);
  const step = Math.max(1, options.batchRows ?? 65536);
  if (n <= step) return new Table([batch]);
  const batches: RecordBatch[] = [];
  for (let a = 0; a < n; a += step) batches.push(batch.slice(a, Math.min(n, a + step)));
  return new Table(batches);
}

/** Rows → Arrow IPC bytes ('file' framing unless asked otherwise). */
export function rowsToArrowIPC(
  rows: readonly Row[],
  columns: readonly string[],
  file: string,
  framing: ArrowFraming = 'file',
  options: RowsToArrowOptions = {},
): Uint8Array {
  return tableToIPC(rowsToArrowTable(rows, columns, file, options), framing);
}

/** A pinned column: every value must fit the type (see checkFits); counts the nulls. */
function checkPinned(rows: readonly Row[], name: string, file: string, pinned: ColumnType, off: number): { kind: ColumnKind; nulls: number } {
  let nulls = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = ownValue(rows[i], name);
    if (v === null || v === undefined) nulls++;
    else checkFits(v, pinned, name, off + i, file);
  }
  return { kind: KIND_OF[pinned], nulls };
}

/** An unpinned column's kind, from its values; counts the nulls. `off`: the file's index of rows[0], for errors. */
function inferKind(rows: readonly Row[], name: string, file: string, off: number): { kind: ColumnKind; nulls: number } {
  let kind: ColumnKind = 'null';
  let kindRow = -1;
  let nulls = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = ownValue(rows[i], name);
    let k: ColumnKind;
    if (v === null || v === undefined) {
      nulls++;
      continue;
    } else if (typeof v === 'number') {
      k = Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'int' : 'float';
    } else if (typeof v === 'string') k = 'string';
    else if (typeof v === 'boolean') k = 'bool';
    else if (typeof v === 'bigint') {
      bigintToNumber(v, name, file, off + i);
      k = 'float';
    } else {
      throw new DataError(
        file,
        `column "${name}": cannot write ${Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`} to Arrow; values must be numbers, strings, booleans or null`,
        { row: off + i },
      );
    }
    if (kind === 'null' || (kind === 'int' && k === 'float') || (kind === 'float' && k === 'int')) {
      if (kind !== 'float') {
        kind = k;
        kindRow = off + i;
      }
    } else if (k !== kind) {
      throw new DataError(file, `column "${name}" mixes ${plural(kind)} (row ${kindRow}) and ${plural(k)} (row ${off + i})`, { row: off + i });
    }
  }
  return { kind, nulls };
}

function buildColumn(rows: readonly Row[], name: string, file: string, pinned: ColumnType | undefined, off: number): Data {
  const n = rows.length;
  const { kind, nulls } = pinned === undefined ? inferKind(rows, name, file, off) : checkPinned(rows, name, file, pinned, off);
  const nullBitmap = nulls > 0 ? validityBitmap(rows, name) : undefined;
  switch (kind) {
    case 'null':
      return makeData({ type: new Null(), length: n });
    case 'int': {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = Number((ownValue(rows[i], name) as number | bigint | null | undefined) ?? 0);
      return makeData({ type: new Int32(), length: n, nullCount: nulls, nullBitmap, data });
    }
    case 'float': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = ownValue(rows[i], name) as number | bigint | null | undefined;
        data[i] = v === null || v === undefined ? 0 : Number(v);
      }
      return makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap, data });
    }
    case 'bool': {
      const data = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (ownValue(rows[i], name) === true) data[i >> 3] |= 1 << (i & 7);
      return makeData({ type: new Bool(), length: n, nullCount: nulls, nullBitmap, data });
    }
    case 'string':
      return buildUtf8(rows, name, n, nulls, nullBitmap);
  }
}

/** Utf8 built directly from offsets: one byte buffer filled with encodeInto (tableFromArrays would make a Dictionary). */
function buildUtf8(rows: readonly Row[], name: string, n: number, nulls: number, nullBitmap: Uint8Array | undefined): Data {
  const enc = new TextEncoder();
  const valueOffsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = ownValue(rows[i], name);
    if (typeof v === 'string') total += v.length;
  }
  let bytes = new Uint8Array(Math.max(64, Math.ceil(total * 1.1)));
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = ownValue(rows[i], name);
    if (typeof v === 'string' && v.length > 0) {
      // A UTF-16 unit encodes to at most 3 UTF-8 bytes; grow only when the worst case may not fit.
      if (bytes.length - pos < v.length * 3) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, pos + v.length * 3));
        grown.set(bytes.subarray(0, pos));
        bytes = grown;
      }
      pos += enc.encodeInto(v, bytes.subarray(pos)).written;
      if (pos > 0x7fffffff) throw new RangeError(`column "${name}": more than 2 GiB of text does not fit an Arrow Utf8 column`);
    }
    valueOffsets[i + 1] = pos;
  }
  return makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap, valueOffsets, data: bytes.subarray(0, pos) });
}

function validityBitmap(rows: readonly Row[], name: string): Uint8Array {
  const n = rows.length;
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const v = ownValue(rows[i], name);
    if (v !== null && v !== undefined) bits[i >> 3] |= 1 << (i & 7);
  }
  return bits;
}

function plural(k: ColumnKind): string {
  return k === 'int' || k === 'float' ? 'numbers' : k === 'bool' ? 'booleans' : k === 'string' ? 'strings' : 'nulls';
}
