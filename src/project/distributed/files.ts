import { OverlapStats } from '../../label-model/stats.js';
import { DataError } from '../../util/errors.js';
import type { Shard } from './shards.js';

/**
 * The two kinds of shard output in the store. A segment is one LF's votes on one shard (`seg/<key>.bin`: magic,
 * rows, errors, then one Int8 vote per row) — the sharded form of the per-LF column cache, so an LF whose code did
 * not change is not re-applied. A stats file holds a shard's (or a merged run's) sufficient statistics: a JSON
 * header (rows, LFs, labels, error counts, segment keys) and the upper triangle of OverlapStats' co-vote counts.
 */

const SEG_MAGIC = 0x47534c42; // "BLSG"
const STATS_MAGIC = 0x54534c42; // "BLST"

export function encodeSegment(votes: Int8Array, errors: number): Uint8Array {
  const out = new Uint8Array(16 + votes.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, SEG_MAGIC, true);
  v.setUint32(4, 1, true);
  v.setUint32(8, votes.length, true);
  v.setUint32(12, errors, true);
  out.set(new Uint8Array(votes.buffer, votes.byteOffset, votes.length), 16);
  return out;
}

export function decodeSegment(bytes: Uint8Array, where: string): { votes: Int8Array; errors: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16 || v.getUint32(0, true) !== SEG_MAGIC) throw new DataError(where, 'not a ballot shard segment');
  const n = v.getUint32(8, true);
  if (bytes.length !== 16 + n) throw new DataError(where, `segment holds ${bytes.length - 16} votes, its header says ${n}`);
  return { votes: new Int8Array(bytes.buffer, bytes.byteOffset + 16, n), errors: v.getUint32(12, true) };
}

export interface StatsHeader {
  rows: number;
  lfNames: string[];
  labels: string[];
  errorCounts: number[];
  /** Segment keys per LF, in lfNames order (shard stats only). */
  segments?: string[];
  uncovered: number;
  /** Merged statistics only: the store and the shards (stats key, rows, range) they came from. */
  store?: string;
  /** Merged statistics only: the apply run, whose spec (`runs/<run>.json` in the store) names the data file. */
  run?: string;
  shards?: { stats: string; rows: number; shard: Shard }[];
  /**
   * How the counts follow the header; set by encodeStats. Absent: the whole upper triangle. 'sparse': only its
   * nonzero cells (many LFs that seldom co-vote leave most of the d(d+1)/2 cells 0).
   */
  cells?: 'sparse';
}

/**
 * A stats file: magic, header length, JSON header, then the counts of the upper triangle (cells a ≤ b, row by row):
 * all d(d+1)/2 of them as Float64, or — when that is smaller, `cells: 'sparse'` in the header — the number of nonzero
 * cells c (Uint32, then 4 bytes of padding), their c triangle positions (Uint32, padded to 8 bytes) and c counts (Float64).
 */
export function encodeStats(header: StatsHeader, stats: OverlapStats): Uint8Array {
  const { d, counts } = stats;
  const cells = (d * (d + 1)) / 2;
  let nonzero = 0;
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) if (counts[a * d + b] !== 0) nonzero++;
  const sparse = 8 + 4 * nonzero + 4 + 8 * nonzero < 8 * cells;
  let body: Uint8Array;
  if (sparse) {
    const posBytes = 4 * nonzero + ((4 * nonzero) % 8);
    body = new Uint8Array(8 + posBytes + 8 * nonzero);
    new DataView(body.buffer).setUint32(0, nonzero, true);
    const pos = new Uint32Array(body.buffer, 8, nonzero);
    const val = new Float64Array(body.buffer, 8 + posBytes, nonzero);
    for (let a = 0, p = 0, c = 0; a < d; a++)
      for (let b = a; b < d; b++, p++)
        if (counts[a * d + b] !== 0) {
          pos[c] = p;
          val[c++] = counts[a * d + b];
        }
  } else {
    const tri = new Float64Array(cells);
    for (let a = 0, p = 0; a < d; a++) for (let b = a; b < d; b++) tri[p++] = counts[a * d + b];
    body = new Uint8Array(tri.buffer);
  }
  const { cells: _, ...rest } = header;
  const json = new TextEncoder().encode(JSON.stringify(sparse ? { ...rest, cells: 'sparse' } : rest));
  const pad = (8 - ((8 + json.length) % 8)) % 8;
  const out = new Uint8Array(8 + json.length + pad + body.byteLength);
  const v = new DataView(out.buffer);
  v.setUint32(0, STATS_MAGIC, true);
  v.setUint32(4, json.length + pad, true);
  out.set(json, 8);
  out.fill(32, 8 + json.length, 8 + json.length + pad); // spaces: still valid JSON
  out.set(body, 8 + json.length + pad);
  return out;
}

/** A stats file's header alone (and its length in bytes), without decoding the d(d+1)/2 counts behind it. */
export function decodeStatsHeader(bytes: Uint8Array, where: string): { header: StatsHeader; len: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || v.getUint32(0, true) !== STATS_MAGIC) throw new DataError(where, 'not a ballot statistics file');
  const len = v.getUint32(4, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as StatsHeader, len };
}

export function decodeStats(bytes: Uint8Array, where: string): { header: StatsHeader; stats: OverlapStats } {
  const { header, len } = decodeStatsHeader(bytes, where);
  const stats = new OverlapStats(header.lfNames.length, header.labels.length);
  const d = stats.d;
  const body = new Uint8Array(bytes.subarray(8 + len)); // a copy (Buffer.slice would be a view): aligned for Float64Array
  const cells = (d * (d + 1)) / 2;
  // Triangle position p → (a, b), row by row: row a starts at a·d − a(a−1)/2.
  const rowOf = new Float64Array(d + 1);
  for (let a = 0; a <= d; a++) rowOf[a] = a * d - (a * (a - 1)) / 2;
  if (header.cells === 'sparse') {
    const nonzero = body.byteLength >= 8 ? new DataView(body.buffer).getUint32(0, true) : -1;
    const posBytes = 4 * nonzero + ((4 * nonzero) % 8);
    if (nonzero < 0 || body.byteLength !== 8 + posBytes + 8 * nonzero)
      throw new DataError(
        where,
        `sparse statistics hold ${body.byteLength} bytes, which is not a count of nonzero cells with their positions and counts`,
      );
    const pos = new Uint32Array(body.buffer, 8, nonzero);
    const val = new Float64Array(body.buffer, 8 + posBytes, nonzero);
    for (let c = 0, a = 0; c < nonzero; c++) {
      const p = pos[c];
      if (p >= cells || (c > 0 && p <= pos[c - 1]))
        throw new DataError(where, `sparse statistics: cell position ${p} is out of order or past the ${cells} cells of ${d} columns`);
      while (rowOf[a + 1] <= p) a++;
      stats.counts[a * d + a + (p - rowOf[a])] = val[c];
    }
  } else {
    const tri = new Float64Array(body.buffer, 0, body.byteLength / 8);
    if (tri.length !== cells)
      throw new DataError(
        where,
        `statistics hold ${tri.length} counts, expected ${cells} for ${header.lfNames.length} LFs × ${header.labels.length} classes`,
      );
    for (let a = 0, p = 0; a < d; a++) for (let b = a; b < d; b++) stats.counts[a * d + b] = tri[p++];
  }
  stats.n = header.rows;
  stats.uncovered = header.uncovered;
  return { header, stats };
}
