import { createRequire } from 'node:module';
import { tableToIPC } from 'apache-arrow';
import { DataError } from '../util/errors.js';
import { nullRecord, ownValue } from '../util/own.js';
import { checkColumnTypes, rowsToArrowTable, type ColumnType } from './arrow.js';
import { writeFileAtomic } from './atomic.js';
import { writeStdout } from './stdout.js';
import { formatOf } from './read.js';
import type { DataFormat, Dataset, Row } from './types.js';

export interface WriteOptions {
  /** Overrides the format implied by the extension. */
  format?: DataFormat;
  /** Columns to write, in order. Default: the dataset's columns, else the union of row keys in first-seen order. */
  columns?: readonly string[];
  /** CSV/TSV field separator. Default ',' for csv and '\t' for tsv. */
  delimiter?: string;
  /**
   * Column name → pinned type ('float64' | 'int32' | 'utf8' | 'bool'). Arrow output uses it as the column's type
   * instead of inferring one from the values (so 0/1 probabilities stay Float64). In every format a value that does
   * not fit its pinned type is a DataError naming column and row.
   */
  types?: Readonly<Record<string, ColumnType>>;
  /**
   * CSV/TSV: neutralise formula injection for spreadsheets. A text cell starting with = + - @ (or tab/CR) that is not
   * a plain number gets a leading apostrophe, so Excel/LibreOffice/Sheets show it as text instead of running it
   * (`=HYPERLINK(…)`, `+cmd|…`). Default false: the library writes the data exactly; the CLI turns it on.
   */
  csvSafe?: boolean;
}

/**
 * Writes rows as CSV, TSV, JSON Lines or an Arrow IPC file, atomically (temp file + rename).
 * CSV/TSV files always read back through `readRows` to the same strings; Arrow keeps numbers, booleans and nulls, with
 * column types inferred from the values unless `options.types` pins them.
 */
export function writeRows(path: string, data: Dataset | readonly Row[], options: WriteOptions = {}): void {
  // "-" is standard output: CSV unless a format is given.
  const format = path === '-' ? (options.format ?? 'csv') : formatOf(path, options.format);
  const rows = isDataset(data) ? data.rows : data;
  const columns = [...(options.columns ?? (isDataset(data) ? data.columns : columnsOf(rows)))];
  if (new Set(columns).size !== columns.length) throw new DataError(path, `duplicate column names in ${JSON.stringify(columns)}`);
  // Arrow checks pinned types while building its columns; the text formats check them up front.
  if (options.types && format !== 'arrow') checkColumnTypes(rows, columns, options.types, path);
  let bytes: string | Uint8Array;
  switch (format) {
    case 'csv':
    case 'tsv':
      bytes = toCSV(rows, columns, { delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : ','), file: path, csvSafe: options.csvSafe });
      break;
    case 'jsonl':
      bytes = toJSONL(rows, options.columns, path);
      break;
    case 'arrow':
      bytes = tableToIPC(rowsToArrowTable(rows, columns, path, { types: options.types }), 'file');
      break;
    case 'parquet':
      bytes = parquetBytes(rows, columns, path, options.types);
      break;
  }
  if (path === '-') writeStdout(bytes);
  else writeFileAtomic(path, bytes);
}

/**
 * Rows as Parquet via hyparquet-writer, loaded on first use (require of an ES module: synchronous on Node ≥ 20.19).
 * Column types: the pinned type, else float64 when every value is a number, else strings (null stays null).
 */
function parquetBytes(rows: readonly Row[], columns: readonly string[], path: string, types?: Readonly<Record<string, ColumnType>>): Uint8Array {
  const { parquetWriteBuffer } = createRequire(import.meta.url)('hyparquet-writer') as typeof import('hyparquet-writer');
  const columnData = columns.map((name) => {
    const values = rows.map((r) => r[name]);
    const pinned = types?.[name];
    if (pinned === 'bool' || (!pinned && values.every((v) => typeof v === 'boolean' || v == null) && values.some((v) => typeof v === 'boolean'))) {
      return { name, data: values.map((v) => (v == null ? null : Boolean(v))), type: 'BOOLEAN' as const };
    }
    if (pinned === 'int32') return { name, data: values.map((v) => (v == null ? null : Number(v))), type: 'INT32' as const };
    if (pinned === 'float64' || (!pinned && values.every((v) => typeof v === 'number' || v == null) && values.some((v) => v != null))) {
      return { name, data: values.map((v) => (v == null ? null : Number(v))), type: 'DOUBLE' as const };
    }
    return { name, data: values.map((v) => (v == null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))), type: 'STRING' as const };
  });
  try {
    return new Uint8Array(parquetWriteBuffer({ columnData }));
  } catch (e) {
    throw new DataError(path, `cannot write Parquet: ${(e as Error).message}`, {}, { cause: e });
  }
}

function isDataset(d: Dataset | readonly Row[]): d is Dataset {
  return !Array.isArray(d);
}

/** Union of the rows' keys, in first-seen order. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/**
 * Rows → CSV text with a header line and LF line ends. A field is quoted only when it must be: it holds the
 * delimiter, a quote, CR or LF, or it is the lone field of a one-column file and empty (a bare blank line would be
 * skipped on reading). null/undefined are written as empty fields, Dates as ISO strings, other objects as JSON.
 */
export function toCSV(
  rows: readonly Row[],
  columns: readonly string[],
  options: { delimiter?: string; file?: string; csvSafe?: boolean } = {},
): string {
  const csv = csvFormat(columns, options);
  return csv.header + csv.body(rows);
}

/**
 * The CSV form of a fixed set of columns, checked and prepared once: its header line, and `body(rows)` giving the
 * rows' lines ('' for none), so a file written batch by batch (RowWriter) is toCSV of all its rows.
 */
export function csvFormat(
  columns: readonly string[],
  options: { delimiter?: string; file?: string; csvSafe?: boolean } = {},
): { header: string; body: (rows: readonly Row[]) => string } {
  const delim = options.delimiter ?? ',';
  const file = options.file ?? '(csv)';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') {
    throw new DataError(file, `the delimiter must be one character other than a quote or line end, got ${JSON.stringify(delim)}`);
  }
  if (columns.length === 0) throw new DataError(file, 'no columns to write');
  columns.forEach((c, j) => {
    if (c === '') throw new DataError(file, `column ${j + 1} has an empty name; CSV headers need names`);
  });
  const single = columns.length === 1;
  const needs = needsQuotesPattern(delim);
  const text = options.csvSafe ? (v: unknown) => neutraliseFormula(cellText(v)) : cellText;
  const header = `${columns.map((c) => quoteField(options.csvSafe ? neutraliseFormula(c) : c, needs, single)).join(delim)}\n`;
  const body = (rows: readonly Row[]): string => {
    const parts: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      let line = '';
      for (let j = 0; j < columns.length; j++) {
        if (j > 0) line += delim;
        line += quoteField(text(ownValue(r, columns[j])), needs, single);
      }
      parts.push(line);
    }
    return parts.length ? `${parts.join('\n')}\n` : '';
  };
  return { header, body };
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell a spreadsheet would run as a formula, prefixed with an apostrophe (OWASP's advice); numbers like -3 stay. */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** A field must be quoted when it holds the delimiter, a quote or a line end, or starts with a BOM (readers strip it). */
function needsQuotesPattern(delim: string): RegExp {
  return new RegExp(`[${delim.replace(/[\\\]^-]/g, '\\$&')}"\r\n]|^\uFEFF`);
}

function quoteField(s: string, needs: RegExp, single: boolean): string {
  if (s === '') return single ? '""' : '';
  return needs.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Rows → JSON Lines text. With `columns`, only those keys are written (in that order). `rowOffset`: the index in the
 * file of rows[0] (a batch of a streamed write), named in errors.
 */
export function toJSONL(rows: readonly Row[], columns?: readonly string[], file = '(jsonl)', rowOffset = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    let r = rows[i];
    if (columns) {
      const picked: Row = nullRecord();
      for (const c of columns) if (Object.hasOwn(r, c)) picked[c] = r[c];
      r = picked;
    }
    let s: string;
    try {
      s = JSON.stringify(r);
    } catch (e) {
      throw new DataError(file, `cannot write row as JSON: ${(e as Error).message}`, { row: rowOffset + i }, { cause: e });
    }
    parts.push(s);
  }
  return parts.length === 0 ? '' : `${parts.join('\n')}\n`;
}
