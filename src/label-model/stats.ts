import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import {
  emptyRows,
  hasSparseVotes,
  rememberSparseVotes,
  rowCodes,
  SPARSE_MAX_SHARE,
  type SparseVotes,
  sparseVotes,
  voteShare,
  wordView,
} from '../matrix/sparse-votes.js';
import { decodeAndCount, kernelFits } from './wasm/overlap-kernel.js';

/** Above this many d×d cells (8 bytes each) the dense overlap matrix would not fit comfortably in memory. */
const MAX_OVERLAP_CELLS = 1.5e8;

/**
 * Sufficient statistics of a label matrix for the moment-based label models: the co-vote counts of the one-hot
 * augmented matrix (Snorkel's LᵀL with abstains dropped), indexed by (LF j, class l) → a = j·k + l, so d = m·k.
 *
 * Built from each row's non-abstain votes only: a row with v votes costs v(v+1)/2 updates, not (m·k)², so a large
 * sparse matrix is cheap. It is a plain sum over rows: build it per chunk or per shard and `merge` the parts.
 * Only the upper triangle (a ≤ b) is accumulated; `overlap()` mirrors it.
 */
export class OverlapStats {
  readonly m: number;
  readonly k: number;
  readonly d: number;
  /** Rows seen. */
  n = 0;
  /** Rows where every LF abstained. */
  uncovered = 0;
  /** Co-vote counts, d × d row-major, upper triangle only (cells with a > b stay 0). */
  readonly counts: Float64Array;

  constructor(m: number, k: number) {
    if (!Number.isInteger(m) || m < 1) throw new ConfigError(`overlap statistics need at least one LF, got m = ${m}`);
    if (!Number.isInteger(k) || k < 2) throw new ConfigError(`overlap statistics need k ≥ 2 classes, got ${k}`);
    const d = m * k;
    if (d * d > MAX_OVERLAP_CELLS) {
      throw new ConfigError(
        `overlap matrix would be ${d}×${d} (m = ${m} LFs × k = ${k} classes); that is too large to hold densely — drop unused LFs or use the Dawid-Skene model`,
      );
    }
    this.m = m;
    this.k = k;
    this.d = d;
    this.counts = new Float64Array(d * d);
  }

  /** Statistics of a whole label matrix (or of rows [from, to)). */
  static fromLabelMatrix(L: LabelMatrix, from = 0, to = L.n): OverlapStats {
    return new OverlapStats(L.m, L.k).addRows(L, from, to);
  }

  /** Adds rows [from, to) of L. Returns this. */
  addRows(L: LabelMatrix, from = 0, to = L.n): this {
    if (L.m !== this.m || L.k !== this.k)
      throw new ConfigError(`overlap statistics are for m = ${this.m}, k = ${this.k}; matrix has m = ${L.m}, k = ${L.k}`);
    const { votes, m } = L;
    const { k, d, counts } = this;
    if (from === 0 && to === L.n && d <= SPARSE_PASS_MIN_D && !hasSparseVotes(L) && this.addByKernel(L)) return this;
    // A sparse matrix's votes are decoded once (and kept for the posterior and the checks); a dense one, or a part of
    // a matrix not decoded yet (no reason to decode all of it), is read here.
    const sparse = hasSparseVotes(L) || (from === 0 && to === L.n) ? sparseVotes(L) : null;
    const pairs = <T extends Uint16Array | Float64Array>(start: number, end: number, target: T): number =>
      sparse ? countPairsSparse(sparse, d, start, end, target) : countPairs(votes, m, k, d, start, end, target);
    // Integer increments are cheaper than float ones: count a block of rows into a small integer buffer (flushed before
    // it could overflow) while that buffer is small; a huge d counts straight into the Float64 totals.
    let uncovered = 0;
    if (d > SPARSE_PASS_MIN_D) {
      uncovered += sparse ? countPairsTiledSparse(sparse, d, from, to, counts) : countPairsTiled(votes, m, k, d, from, to, counts);
    } else if (d * d <= 1 << 22) {
      // Uint16 halves the counts' cache footprint; a cell gains at most 1 per row, so flush every 65,535 rows.
      const local = new Uint16Array(d * d);
      for (let start = from; start < to; start += 0xffff) {
        const end = Math.min(to, start + 0xffff);
        uncovered += pairs(start, end, local);
        for (let x = 0; x < local.length; x++) counts[x] += local[x];
        local.fill(0);
      }
    } else {
      uncovered += pairs(from, to, counts);
    }
    this.n += to - from;
    this.uncovered += uncovered;
    return this;
  }

  /**
   * A whole sparse L not decoded yet, through the WebAssembly pass (wasm/overlap-kernel.ts): its compressed rows are
   * built and kept with L, and its pairs counted, in one compiled pass. False, adding nothing, when L is dense or too
   * large for the kernel's 32-bit memory.
   */
  private addByKernel(L: LabelMatrix): boolean {
    const share = voteShare(L);
    if (share > SPARSE_MAX_SHARE || !kernelFits(L, share)) return false;
    // Counts change only with rows, so statistics of no rows yet hold only zeros.
    const done = decodeAndCount(L, share, this.counts, this.n === 0);
    if (!done) return false;
    const { sparse, uncovered } = done;
    rememberSparseVotes(L, sparse);
    this.n += L.n;
    this.uncovered += uncovered;
    return true;
  }

  /** Adds another chunk's statistics (same m and k). Returns this. */
  merge(other: OverlapStats): this {
    if (other.m !== this.m || other.k !== this.k)
      throw new ConfigError(`cannot merge overlap statistics of m = ${other.m}, k = ${other.k} into m = ${this.m}, k = ${this.k}`);
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.n += other.n;
    this.uncovered += other.uncovered;
    return this;
  }

  /** Number of rows where (LF a/k votes a%k) and (LF b/k votes b%k); symmetric. */
  count(a: number, b: number): number {
    return a <= b ? this.counts[a * this.d + b] : this.counts[b * this.d + a];
  }

  /** Votes of LF j for class l. */
  votes(j: number, l: number): number {
    const a = j * this.k + l;
    return this.counts[a * this.d + a];
  }

  /** Rows where LF j did not abstain. */
  coverageCount(j: number): number {
    let s = 0;
    for (let l = 0; l < this.k; l++) s += this.votes(j, l);
    return s;
  }

  /** O = LᵀL / n as a full symmetric d × d matrix. */
  overlap(): Float64Array {
    const { d, counts } = this;
    const O = new Float64Array(d * d);
    const inv = this.n > 0 ? 1 / this.n : 0;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        const x = counts[a * d + b] * inv;
        O[a * d + b] = x;
        O[b * d + a] = x;
      }
    }
    return O;
  }
}

/** Above this many augmented columns the d × d counts outgrow the cache and the tiled pass wins. */
const SPARSE_PASS_MIN_D = 768;
/** Votes per row block of the tiled pass (bounds its scratch memory to 4 bytes per vote). */
const BLOCK_VOTES = 1 << 22;
/** Bytes of count rows per tile: about a core's L2 cache. */
const TILE_BYTES = 1 << 20;

/**
 * The same counts for many LFs, from the non-abstain votes only and written where the cache is. Rows are turned into
 * lists of vote codes (a block of about BLOCK_VOTES votes at a time), then the count matrix is filled a tile of rows
 * [a0, a1) at a time: every row's codes are read in order (sequential, cheap) and only the pairs whose first code is
 * in the tile are counted, into a Uint32 tile of ~1 MB that stays in cache instead of a d² matrix that misses it on
 * every increment. Same additions as the row pass; about 2.5× faster at m = 1000.
 */
function countPairsTiled(votes: Int8Array, m: number, k: number, d: number, from: number, to: number, target: Float64Array): number {
  const tileRows = Math.max(16, Math.floor(TILE_BYTES / 4 / d));
  const tile = new Uint32Array(tileRows * d);
  let uncovered = 0;
  for (let i = from; i < to; ) {
    const block = rowBlock(votes, m, k, i, to);
    uncovered += block.uncovered;
    i = block.next;
    for (let a0 = 0; a0 < d; a0 += tileRows) countTile(block.code, block.rowStart, block.rows, a0, Math.min(d, a0 + tileRows), d, tile, target);
  }
  return uncovered;
}

/** countPairsTiled over compressed rows: blocks of about BLOCK_VOTES votes, each counted a tile at a time. */
function countPairsTiledSparse(sparse: SparseVotes, d: number, from: number, to: number, target: Float64Array): number {
  const { rowStart, code } = sparse;
  const tileRows = Math.max(16, Math.floor(TILE_BYTES / 4 / d));
  const tile = new Uint32Array(tileRows * d);
  const uncovered = emptyRows(sparse, from, to);
  for (let i = from; i < to; ) {
    let next = i + 1;
    while (next < to && rowStart[next + 1] - rowStart[i] <= BLOCK_VOTES) next++;
    const starts = rowStart.subarray(i, next + 1);
    for (let a0 = 0; a0 < d; a0 += tileRows) countTile(code, starts, next - i, a0, Math.min(d, a0 + tileRows), d, tile, target);
    i = next;
  }
  return uncovered;
}

/** Vote codes of rows [from, …) row after row, until about BLOCK_VOTES votes; rows without votes are skipped. */
function rowBlock(
  votes: Int8Array,
  m: number,
  k: number,
  from: number,
  to: number,
): { code: Int32Array; rowStart: Int32Array; rows: number; uncovered: number; next: number } {
  const words = wordView(votes);
  const codes = new Int32Array(m);
  let code: Int32Array = new Int32Array(Math.min(BLOCK_VOTES + m, (to - from) * m + 1));
  let rowStart: Int32Array = new Int32Array(1024);
  let total = 0;
  let rows = 0;
  let uncovered = 0;
  let i = from;
  for (; i < to && total < BLOCK_VOTES; i++) {
    const c = rowCodes(votes, words, i * m, m, k, codes);
    if (c === 0) {
      uncovered++;
      continue;
    }
    if (total + c > code.length) code = grow(code, total + c);
    if (rows + 2 > rowStart.length) rowStart = grow(rowStart, rows + 2);
    code.set(codes.subarray(0, c), total);
    total += c;
    rowStart[++rows] = total;
  }
  return { code, rowStart, rows, uncovered, next: i };
}

/** Counts the pairs whose first code is in [a0, a1) into `tile`, then adds the tile to `target` and clears it. */
function countTile(
  code: Int32Array,
  rowStart: Int32Array,
  rows: number,
  a0: number,
  a1: number,
  d: number,
  tile: Uint32Array,
  target: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const e = rowStart[r + 1];
    for (let s = rowStart[r]; s < e; s++) {
      const a = code[s];
      if (a < a0) continue;
      if (a >= a1) break;
      const row = (a - a0) * d;
      for (let q = s; q < e; q++) tile[row + code[q]]++;
    }
  }
  const base = a0 * d;
  const used = (a1 - a0) * d;
  for (let x = 0; x < used; x++) {
    if (tile[x] !== 0) {
      target[base + x] += tile[x];
      tile[x] = 0;
    }
  }
}

function grow(a: Int32Array, need: number): Int32Array {
  const bigger = new Int32Array(Math.max(a.length * 2, need));
  bigger.set(a);
  return bigger;
}

/** countPairs over compressed rows. */
function countPairsSparse<T extends Uint16Array | Float64Array>(sparse: SparseVotes, d: number, from: number, to: number, target: T): number {
  const { rowStart, code } = sparse;
  let uncovered = 0;
  for (let i = from; i < to; i++) {
    const e0 = rowStart[i];
    const e1 = rowStart[i + 1];
    // No branch for the (rare) row without votes: a branch first taken mid-pass sends a fresh process's optimised
    // loop back to unoptimised code.
    uncovered += (e1 - e0 - 1) >>> 31;
    // codes are increasing (j increases), so (a, b) with s ≤ t lands in the upper triangle.
    for (let s = e0; s < e1; s++) {
      const row = code[s] * d;
      for (let t = s; t < e1; t++) target[row + code[t]]++;
    }
  }
  return uncovered;
}

/** Adds each row's co-vote pairs (upper triangle) into `target`; returns the number of rows without votes. */
function countPairs<T extends Uint16Array | Float64Array>(
  votes: Int8Array,
  m: number,
  k: number,
  d: number,
  from: number,
  to: number,
  target: T,
): number {
  const codes = new Int32Array(m);
  const words = wordView(votes);
  let uncovered = 0;
  for (let i = from; i < to; i++) {
    const c = rowCodes(votes, words, i * m, m, k, codes);
    if (c === 0) {
      uncovered++;
      continue;
    }
    // codes are increasing (j increases), so (a, b) with s ≤ t lands in the upper triangle.
    for (let s = 0; s < c; s++) {
      const row = codes[s] * d;
      for (let t = s; t < c; t++) target[row + codes[t]]++;
    }
  }
  return uncovered;
}
