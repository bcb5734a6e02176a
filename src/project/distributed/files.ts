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
}

/** A stats file: magic, header length, JSON header, then the d(d+1)/2 upper-triangle counts as Float64. */
export function encodeStats(header: StatsHeader, stats: OverlapStats): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const { d, counts } = stats;
  const tri = new Float64Array((d * (d + 1)) / 2);
  for (let a = 0, p = 0; a < d; a++) for (let b = a; b < d; b++) tri[p++] = counts[a * d + b];
  const pad = (8 - ((8 + json.length) % 8)) % 8;
  const out = new Uint8Array(8 + json.length + pad + tri.byteLength);
  const v = new DataView(out.buffer);
  v.setUint32(0, STATS_MAGIC, true);
  v.setUint32(4, json.length + pad, true);
  out.set(json, 8);
  out.fill(32, 8 + json.length, 8 + json.length + pad); // spaces: still valid JSON
  out.set(new Uint8Array(tri.buffer), 8 + json.length + pad);
  return out;
}

export function decodeStats(bytes: Uint8Array, where: string): { header: StatsHeader; stats: OverlapStats } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || v.getUint32(0, true) !== STATS_MAGIC) throw new DataError(where, 'not a ballot statistics file');
  const len = v.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as StatsHeader;
  const stats = new OverlapStats(header.lfNames.length, header.labels.length);
  const d = stats.d;
  const triBytes = new Uint8Array(bytes.subarray(8 + len)); // a copy (Buffer.slice would be a view): aligned for Float64Array
  const tri = new Float64Array(triBytes.buffer, 0, triBytes.byteLength / 8);
  if (tri.length !== (d * (d + 1)) / 2)
    throw new DataError(
      where,
      `statistics hold ${tri.length} counts, expected ${(d * (d + 1)) / 2} for ${header.lfNames.length} LFs × ${header.labels.length} classes`,
    );
  for (let a = 0, p = 0; a < d; a++) for (let b = a; b < d; b++) stats.counts[a * d + b] = tri[p++];
  stats.n = header.rows;
  stats.uncovered = header.uncovered;
  return { header, stats };
}
