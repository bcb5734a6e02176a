import { createReadStream, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { DataError } from '../util/errors.js';
import { readError, readFileOrFail } from '../util/read-file.js';
import { appendBatchRows, assertArrowFileComplete, checkColumns, detectArrowFraming, parseArrow } from './arrow.js';
import { CsvParser, parseCSV, type CsvOptions } from './csv.js';
import { checkSchemaFingerprint } from './arrow-verify.js';
import { verifyArrowFileStructure } from './arrow-structure.js';
import { JsonlParser, parseJSONL } from './jsonl.js';
import type { DataFormat, Dataset, Row, RowBatch } from './types.js';
import { defaultReadOptions, type ReadOptions } from './read-defaults.js';

export { setDefaultReadOptions, type ReadOptions } from './read-defaults.js';

function withDefaults<T extends ReadOptions>(options: T): T {
  return { ...defaultReadOptions(), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as T;
}

const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

const FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'jsonl', 'arrow', 'parquet'];

/** The format of a data file, from `format` if given, else from its extension. */
export function formatOf(path: string, format?: string): DataFormat {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new DataError(path, `unknown format "${format}"; use one of ${FORMATS.join(', ')}`);
    }
    return format as DataFormat;
  }
  const ext = extname(path).toLowerCase();
  const f = EXTENSIONS[ext];
  if (f === undefined) {
    throw new DataError(
      path,
      `cannot tell the data format from the extension "${ext || '(none)'}"; ` +
        `use ${Object.keys(EXTENSIONS).join(' ')} or pass a format (${FORMATS.join(', ')})`,
    );
  }
  return f;
}

/** Reads a whole CSV, TSV, JSON Lines or Arrow IPC file into memory. */
export function readRows(path: string, options: ReadOptions = {}): Dataset {
  options = withDefaults(options);
  const format = formatOf(path, options.format);
  if (format === 'parquet') {
    throw new DataError(path, 'Parquet is read asynchronously (its reader is): read it with readRowsAsync or readRowBatches');
  }
  const bytes = readBytes(path);
  if (format === 'arrow') return { file: path, format, ...parseArrow(bytes, path) };
  const text = decodeUTF8(bytes, path);
  if (format === 'jsonl') return { file: path, format, ...parseJSONL(text, path, options) };
  return { file: path, format, ...parseCSV(text, path, csvOptions(format, options)) };
}

/** Reads a whole row file of any format into memory, Parquet included (whose reader is asynchronous); else as readRows. */
export async function readRowsAsync(path: string, options: ReadOptions = {}): Promise<Dataset> {
  if (formatOf(path, withDefaults(options).format) !== 'parquet') return readRows(path, options);
  const { readParquetRows } = await import('./parquet.js');
  const { columns, rows } = await readParquetRows(path);
  return { file: path, format: 'parquet', columns, rows };
}

export interface BatchOptions extends ReadOptions {
  /** Rows per yielded batch (the last one may be shorter). */
  batchSize: number;
  /** Bytes read from disk at a time for CSV/TSV/JSONL. Default 1 MiB. */
  chunkBytes?: number;
}

/**
 * Streams a file as batches of at most `batchSize` rows, in bounded memory (about one chunk plus one batch).
 * The batches concatenate to exactly `readRows(path).rows`. For JSONL, `columns` is the union of keys seen so far.
 */
export async function* readRowBatches(path: string, options: BatchOptions): AsyncGenerator<RowBatch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(path, `batchSize must be a positive integer, got ${batchSize}`);
  options = withDefaults(options);
  const format = formatOf(path, options.format);
  if (format === 'arrow') {
    yield* arrowBatches(path, batchSize);
    return;
  }
  if (format === 'parquet') {
    const { readParquetRows } = await import('./parquet.js');
    const { columns, rows } = await readParquetRows(path);
    for (let a = 0; a < rows.length; a += batchSize) yield { offset: a, rows: rows.slice(a, a + batchSize), columns: [...columns] };
    return;
  }
  const parser = textRowParser(path, format, options);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Row[] = [];
  let offset = 0;
  const columns = (): string[] => [...(parser.columns ?? [])];
  const take = (rows: Row[]): Row[] => {
    if (pending.length === 0) return rows;
    for (const r of rows) pending.push(r);
    return pending;
  };
  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch (e) {
        throw notUTF8(path, e);
      }
      pending = take(parser.push(text));
      if (pending.length >= batchSize) {
        let a = 0;
        for (; a + batchSize <= pending.length; a += batchSize) {
          yield { offset, rows: pending.slice(a, a + batchSize), columns: columns() };
          offset += batchSize;
        }
        pending = pending.slice(a);
      }
    }
  } catch (e) {
    throw ioError(path, e);
  } finally {
    stream.destroy();
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch (e) {
    throw notUTF8(path, e);
  }
  pending = take(parser.push(tail));
  pending = take(parser.end());
  for (let a = 0; a < pending.length; a += batchSize) {
    const rows = pending.slice(a, a + batchSize);
    yield { offset, rows, columns: columns() };
    offset += rows.length;
  }
}

/**
 * Which of `wanted` columns a data file lacks, reading as little as it can: CSV, TSV and Arrow name all their columns
 * up front, so the first batch decides; JSON Lines rows may omit keys, so a key not seen yet is looked for further
 * (to the end of the file only when it is really missing). `empty` when the file has no rows (nothing to decide).
 */
export async function missingColumns(
  path: string,
  wanted: Iterable<string>,
  options: ReadOptions = {},
): Promise<{ missing: string[]; columns: string[]; empty: boolean }> {
  options = withDefaults(options);
  const missing = new Set(wanted);
  let columns: string[] = [];
  let empty = true;
  if (missing.size === 0) return { missing: [], columns, empty: false };
  const streamsKeys = formatOf(path, options.format) === 'jsonl';
  for await (const b of readRowBatches(path, { ...options, batchSize: 1024 })) {
    empty = false;
    columns = b.columns;
    for (const c of b.columns) missing.delete(c);
    if (missing.size === 0 || !streamsKeys) break;
  }
  return { missing: [...missing], columns, empty };
}

async function* arrowBatches(path: string, batchSize: number): AsyncGenerator<RowBatch> {
  let columns: string[] = [];
  let offset = 0;
  let pending: Row[] = [];
  // Record batches in a file may be any size: slice each (zero-copy) so a batch of rows never exceeds batchSize.
  for await (const batch of arrowRecordBatches(path)) {
    columns = batch.schema.fields.map((f: { name: string }) => f.name);
    for (let a = 0; a < batch.numRows; ) {
      const want = batchSize - pending.length;
      const end = Math.min(batch.numRows, a + want);
      appendBatchRows(batch.slice(a, end), path, offset + pending.length, pending);
      a = end;
      if (pending.length === batchSize) {
        yield { offset, rows: pending, columns: [...columns] };
        offset += pending.length;
        pending = [];
      }
    }
  }
  if (pending.length > 0) yield { offset, rows: pending, columns: [...columns] };
}

/**
 * The record batches of an Arrow IPC file or stream, read from disk one at a time (memory bounded by a batch).
 * Checks the magic bytes and the column types first; errors name the file.
 */
export async function* arrowRecordBatches(path: string): AsyncGenerator<RecordBatch> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    const head = new Uint8Array(8);
    await handle.read(head, 0, 8, 0);
    const framing = detectArrowFraming(head);
    if (framing === undefined) {
      throw new DataError(path, 'not an Arrow IPC file or stream (no ARROW1 magic and no stream header)');
    }
    if (framing === 'file') {
      const { size } = await handle.stat();
      const tail = new Uint8Array(Math.min(6, size));
      await handle.read(tail, 0, tail.length, size - tail.length);
      assertArrowFileComplete(tail, size, path);
      verifyArrowHandleStructure(handle, size, path);
    }
    let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
    } catch (e) {
      throw new DataError(path, `cannot read Arrow IPC (a damaged file?): ${(e as Error).message}`, {}, { cause: e });
    }
    checkColumns(path, reader.schema);
    checkSchemaFingerprint(path, reader.schema);
    // Batches are read lazily, so a damaged body shows up only here: name the file then too.
    const it = reader[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        let next: IteratorResult<RecordBatch>;
        try {
          next = await it.next();
        } catch (e) {
          finished = true;
          throw new DataError(path, `cannot read Arrow IPC (a damaged file?): ${(e as Error).message}`, {}, { cause: e });
        }
        if (next.done) {
          finished = true;
          break;
        }
        yield next.value;
      }
    } finally {
      if (!finished) await it.return?.(); // the consumer stopped early (as yield* would forward)
    }
  } finally {
    await handle.close();
  }
}

/** verifyArrowFileStructure over an open file: the footer and the message headers are small, read with pread. */
function verifyArrowHandleStructure(handle: Awaited<ReturnType<typeof open>>, size: number, path: string): void {
  verifyArrowFileStructure(
    size,
    (o, n) => {
      const buf = new Uint8Array(Math.max(0, Math.min(n, size - o)));
      if (o >= 0 && buf.length > 0) readSync(handle.fd, buf, 0, buf.length, o);
      return buf;
    },
    path,
  );
}

/**
 * The chunked parser of a CSV, TSV or JSON Lines file with the read options applied (header, column names, delimiter,
 * quote, JSONL's unsafe numbers): every reader that parses text rows (whole file, batches, distributed shards) uses it.
 */
export function textRowParser(path: string, format: DataFormat, options: ReadOptions): CsvParser | JsonlParser {
  return format === 'jsonl' ? new JsonlParser(path, options) : new CsvParser(path, csvOptions(format, options));
}

function csvOptions(format: DataFormat, options: ReadOptions): CsvOptions {
  return {
    delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : ','),
    quote: options.quote,
    ...(options.header === false ? { header: false } : {}),
    ...(options.columns ? { columns: options.columns } : {}),
  };
}

function readBytes(path: string): Uint8Array {
  return readFileOrFail(path, { expected: 'a data file' });
}

/** Strict UTF-8: a file with invalid bytes is an error, not text with replacement characters. */
export function decodeUTF8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw notUTF8(file, e);
  }
}

function notUTF8(file: string, cause: unknown): DataError {
  return new DataError(file, 'the file is not valid UTF-8 text (re-save it as UTF-8)', {}, { cause });
}

function ioError(path: string, e: unknown): Error {
  return readError(path, e, { expected: 'a data file' });
}
