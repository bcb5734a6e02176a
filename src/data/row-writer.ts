import { Field, makeData, RecordBatch, type RecordBatchFileWriter, Schema, Struct, Type, type DataType } from 'apache-arrow';
import { DataError } from '../util/errors.js';
import { checkColumnTypes, rowsToArrowTable, type ColumnType } from './arrow.js';
import { arrowFileWriter } from './arrow-sink.js';
import { withSchemaFingerprint } from './arrow-verify.js';
import { AtomicFile, outputError } from './atomic.js';
import { formatOf } from './read.js';
import { writeStdout } from './stdout.js';
import type { DataFormat, Row } from './types.js';
import { csvFormat, toJSONL } from './write.js';

/** How errors name the output `-`. */
const STDOUT = 'standard output';

export interface RowWriterOptions {
  /** Columns to write, in order (required: a stream cannot look ahead for keys). */
  columns: readonly string[];
  /** Pinned column types (see WriteOptions.types). Arrow columns not pinned take their type from the first batch. */
  types?: Readonly<Record<string, ColumnType>>;
  /** CSV/TSV formula neutralising (see WriteOptions.csvSafe). */
  csvSafe?: boolean;
  /** Rows buffered before they are encoded and written (default 16384): memory is one batch, whatever the row count. */
  batchRows?: number;
  format?: DataFormat;
  delimiter?: string;
}

/**
 * Writes rows to CSV, TSV, JSON Lines or an Arrow IPC file one batch at a time, so memory stays at one batch however
 * many rows go through (`-` is standard output, CSV unless `format` says TSV or JSON Lines). The bytes go to a temp file next to the target, renamed over it by `close()`: readers see the
 * old file or the whole new one, and `abort()` (or an error) leaves the old one. The output is byte-identical to
 * `writeRows` of the same rows for the text formats; Arrow files hold one record batch per `batchRows` rows.
 */
export class RowWriter {
  readonly path: string;
  /** The temp file renamed over `path` by close(); undefined for standard output. */
  private readonly file?: AtomicFile;
  /** `-`: standard output (text formats only; there is no temp file to rename, so bytes go out as batches fill). */
  private readonly toStdout: boolean;
  private readonly format: DataFormat;
  private readonly columns: readonly string[];
  private readonly options: RowWriterOptions;
  private readonly batchRows: number;
  private pending: Row[] = [];
  /** CSV/TSV: the header and row formatting, prepared once for all batches. */
  private csv?: ReturnType<typeof csvFormat>;
  private rowsWritten = 0;
  private arrow?: { writer: RecordBatchFileWriter; schema: Schema; types: Record<string, ColumnType> };
  private closed = false;

  constructor(path: string, options: RowWriterOptions) {
    this.path = path;
    this.toStdout = path === '-';
    this.format = this.toStdout ? (options.format ?? 'csv') : formatOf(path, options.format);
    this.columns = [...options.columns];
    this.options = options;
    this.batchRows = Math.max(1, options.batchRows ?? 16384);
    if (new Set(this.columns).size !== this.columns.length) throw new DataError(path, `duplicate column names in ${JSON.stringify(this.columns)}`);
    if (this.columns.length === 0) throw new DataError(path, 'no columns to write');
    if (this.toStdout) {
      if (this.format === 'arrow' || this.format === 'parquet')
        throw new DataError(STDOUT, `takes CSV, TSV or JSON Lines, not ${this.format} (give a file name for binary output)`);
    } else this.file = new AtomicFile(path);
    if (this.format === 'csv' || this.format === 'tsv') {
      this.csv = csvFormat(this.columns, this.csvOptions());
      this.writeText(this.csv.header);
    }
  }

  /** Rows written so far (flushed or buffered). */
  get rows(): number {
    return this.rowsWritten + this.pending.length;
  }

  /** Adds one row; a full batch is encoded and written. */
  write(row: Row): void {
    this.pending.push(row);
    if (this.pending.length >= this.batchRows) this.flush();
  }

  /** Writes what is buffered, finishes the file and renames it into place. */
  close(): void {
    if (this.closed) return;
    try {
      // Everything in one batch: the schema comes from all the rows, exactly as writeRows infers it.
      if (this.format === 'arrow' && !this.arrow) this.startArrow(this.pending, true);
      this.flush();
      if (this.format === 'arrow') {
        if (!this.arrow) this.startArrow([]);
        this.arrow!.writer.finish();
      }
      this.closed = true;
      this.file?.commit();
    } catch (e) {
      this.abort();
      throw (e as NodeJS.ErrnoException).code ? outputError(this.path, e) : e;
    }
  }

  /** Drops the temp file; the target is left as it was. */
  abort(): void {
    this.closed = true; // on standard output, what went out is out
    this.file?.abort();
  }

  private csvOptions() {
    return { delimiter: this.options.delimiter ?? (this.format === 'tsv' ? '\t' : ','), file: this.path, csvSafe: this.options.csvSafe };
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    if (this.format === 'arrow') this.writeArrow(rows);
    else {
      if (this.options.types) checkColumnTypes(rows, this.columns, this.options.types, this.path, this.rowsWritten);
      if (this.format === 'jsonl') this.writeText(toJSONL(rows, this.columns, this.path, this.rowsWritten));
      else this.writeText(this.csv!.body(rows));
    }
    this.rowsWritten += rows.length;
  }

  private writeText(text: string): void {
    if (this.toStdout) {
      try {
        writeStdout(text);
      } catch (e) {
        throw outputError(STDOUT, e);
      }
      return;
    }
    this.file!.write(Buffer.from(text, 'utf8'));
  }

  /**
   * The first batch fixes the schema: pinned types, else the kind inferred from it (numbers Float64, as a later batch
   * may hold fractions; all-null Utf8). When that batch is all the rows (`whole`), integers stay Int32 as in writeRows.
   */
  private startArrow(rows: readonly Row[], whole = false): void {
    const pinned: Record<string, ColumnType> = { ...(this.options.types ?? {}) };
    const probe = rowsToArrowTable(rows, this.columns, this.path, { types: pinned });
    for (const f of probe.schema.fields)
      if (!(f.name in pinned)) pinned[f.name] = whole && f.type.typeId === Type.Int ? 'int32' : columnTypeOf(f.type);
    const fields = this.columns.map(
      (name) => new Field(name, arrowTypeOf(pinned[name], probe.schema.fields.find((f) => f.name === name)!.type), true),
    );
    const schema = new Schema(fields, withSchemaFingerprint(fields));
    this.arrow = { writer: arrowFileWriter(this.file!, schema), schema, types: pinned };
  }

  private writeArrow(rows: Row[]): void {
    if (!this.arrow) this.startArrow(rows);
    const { writer, schema, types } = this.arrow!;
    const table = rowsToArrowTable(rows, this.columns, this.path, { types, batchRows: rows.length, rowOffset: this.rowsWritten });
    for (const b of table.batches) {
      const children = b.data.children;
      writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children })));
    }
  }
}

// Numbers not pinned are Float64 (exact for integers to 2^53): a later batch may hold fractions the first did not.
function columnTypeOf(t: DataType): ColumnType {
  if (t.typeId === Type.Int || t.typeId === Type.Float) return 'float64';
  if (t.typeId === Type.Bool) return 'bool';
  return 'utf8'; // strings, and all-null columns (nullable text takes any later string)
}

function arrowTypeOf(c: ColumnType, inferred: DataType): DataType {
  const pinnedKind = c === 'float64' ? Type.Float : c === 'int32' ? Type.Int : c === 'bool' ? Type.Bool : Type.Utf8;
  return inferred.typeId === pinnedKind ? inferred : rowsToArrowTable([{ x: null }], ['x'], '(type)', { types: { x: c } }).schema.fields[0].type;
}

/** Writes an iterable of rows through a RowWriter (atomic; nothing left behind on error). */
export function writeRowStream(path: string, rows: Iterable<Row>, options: RowWriterOptions): number {
  const w = new RowWriter(path, options);
  try {
    for (const r of rows) w.write(r);
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
  return w.rows;
}
