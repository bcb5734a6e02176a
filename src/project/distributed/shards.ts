import { closeSync, openSync, readSync } from 'node:fs';
import { appendBatchRows } from '../../data/arrow.js';
import { arrowRecordBatches, decodeUTF8, textRowParser, type ReadOptions } from '../../data/read.js';
import type { DataFormat, Row } from '../../data/types.js';
import { DataError } from '../../util/errors.js';

/**
 * One shard of a data file: a byte range cut at record boundaries (CSV/TSV/JSONL; `header` is the CSV header's byte
 * range, prepended when parsing) or a range of Arrow record batches. Shards in index order cover the file exactly.
 */
export type ShardRange = { kind: 'bytes'; start: number; end: number; header?: [number, number] } | { kind: 'batches'; start: number; end: number };

export interface Shard {
  index: number;
  range: ShardRange;
  /** Rows in the shard when the plan knows them (Arrow), else undefined (the worker counts). */
  rows?: number;
}

/** A shard for messages: `shard 3/10 (data.csv bytes 1000–2000)`. */
export function describeShard(s: Shard, count: number, file: string): string {
  const r = s.range;
  return `shard ${s.index + 1}/${count} (${file} ${r.kind === 'bytes' ? 'bytes' : 'record batches'} ${r.start}–${r.end})`;
}

/**
 * Splits a data file into shards of about `shardRows` records. Text formats are scanned once for line breaks outside
 * quotes (no parsing, so cheap next to applying LFs); a shard ends after every `shardRows`-th such break. Arrow files
 * are cut between record batches, grouping batches until a shard holds at least `shardRows` rows.
 */
export async function planShards(path: string, format: DataFormat, shardRows: number, read: ReadOptions = {}): Promise<Shard[]> {
  if (!Number.isInteger(shardRows) || shardRows < 1) throw new DataError(path, `shard size must be a positive integer, got ${shardRows}`);
  if (format === 'arrow') return planArrow(path, shardRows);
  const quote = format === 'jsonl' || read.quote === false ? -1 : (read.quote ?? '"').charCodeAt(0);
  const hasHeader = format !== 'jsonl' && read.header !== false;
  const cuts = scanBreaks(path, shardRows, quote, hasHeader);
  const header: [number, number] | undefined = hasHeader ? [0, cuts.headerEnd] : undefined;
  const shards: Shard[] = [];
  let start = cuts.headerEnd;
  for (const end of [...cuts.cuts, cuts.size]) {
    if (end <= start) continue;
    shards.push({ index: shards.length, range: { kind: 'bytes', start, end, header } });
    start = end;
  }
  return shards;
}

/** Byte offsets after every n-th record break outside quotes (and the header's end for CSV). */
function scanBreaks(path: string, n: number, quote: number, hasHeader: boolean): { headerEnd: number; cuts: number[]; size: number } {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  const cuts: number[] = [];
  let headerEnd = hasHeader ? -1 : 0;
  let inQuote = false;
  let count = 0;
  let pos = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, pos);
      if (got === 0) break;
      const view = buf.subarray(0, got);
      // Next quote and next line break at or after i, each searched again only once i has passed it (linear per chunk).
      let q = quote >= 0 ? view.indexOf(quote, 0) : -1;
      let nl = view.indexOf(10, 0);
      let i = 0;
      while (i < got) {
        if (q >= 0 && q < i) q = view.indexOf(quote, i);
        if (inQuote) {
          if (q < 0) break;
          inQuote = false; // "" (an escaped quote) toggles twice: parity is all that matters
          i = q + 1;
          continue;
        }
        if (nl >= 0 && nl < i) nl = view.indexOf(10, i);
        if (q >= 0 && (nl < 0 || q < nl)) {
          inQuote = true;
          i = q + 1;
          continue;
        }
        if (nl < 0) break;
        i = nl + 1;
        if (headerEnd < 0) headerEnd = pos + i;
        else if (++count % n === 0) cuts.push(pos + i);
      }
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
  if (headerEnd < 0) headerEnd = pos; // a header without a line break: no data rows
  return { headerEnd, cuts, size: pos };
}

async function planArrow(path: string, shardRows: number): Promise<Shard[]> {
  const shards: Shard[] = [];
  let b = 0;
  let start = 0;
  let rows = 0;
  for await (const batch of arrowRecordBatches(path)) {
    rows += batch.numRows;
    b++;
    if (rows >= shardRows) {
      shards.push({ index: shards.length, range: { kind: 'batches', start, end: b }, rows });
      start = b;
      rows = 0;
    }
  }
  if (b > start) shards.push({ index: shards.length, range: { kind: 'batches', start, end: b }, rows });
  return shards;
}

/**
 * The rows of one shard, parsed with the same parser and read options as a whole-file read (header or not, column
 * names, JSONL's unsafe numbers), so they are the same rows.
 */
export async function readShardRows(path: string, format: DataFormat, range: ShardRange, read: ReadOptions = {}): Promise<Row[]> {
  if (range.kind === 'batches') {
    const rows: Row[] = [];
    let b = 0;
    for await (const batch of arrowRecordBatches(path)) {
      if (b >= range.start && b < range.end) appendBatchRows(batch, path, rows.length, rows);
      if (++b >= range.end) break;
    }
    return rows;
  }
  const head = range.header ? readRange(path, range.header[0], range.header[1]) : new Uint8Array(0);
  const body = readRange(path, range.start, range.end);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head, 0);
  bytes.set(body, head.length);
  const p = textRowParser(path, format, read);
  return [...p.push(decodeUTF8(bytes, path)), ...p.end()];
}

function readRange(path: string, start: number, end: number): Uint8Array {
  const out = Buffer.allocUnsafe(end - start);
  const fd = openSync(path, 'r');
  try {
    let off = 0;
    while (off < out.length) {
      const got = readSync(fd, out, off, out.length - off, start + off);
      if (got === 0) throw new DataError(path, `the file ended at byte ${start + off}, before the shard's end ${end} (was it changed?)`);
      off += got;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
