import { ABSTAIN } from './labels.js';
import type { LabelMatrix } from './label-matrix.js';

/**
 * The non-abstain votes of a label matrix in compressed-row form: row i's votes are code[rowStart[i] .. rowStart[i+1])
 * with code = j·k + class. Iterative models (Dawid-Skene EM) walk this many times; its size grows with the number of
 * votes, not with n·m.
 */
export interface SparseVotes {
  n: number;
  rowStart: Int32Array;
  code: Int32Array;
}

export function toSparseVotes(L: LabelMatrix): SparseVotes {
  return sparseVotes(L) ?? buildSparseVotes(L, voteShare(L));
}

/**
 * Above this share of non-abstain votes the compressed rows (4 bytes a vote) would outgrow the dense votes (1 byte a
 * cell), so `sparseVotes` keeps none and readers walk the dense votes.
 */
export const SPARSE_MAX_SHARE = 0.25;

// One compressed copy per matrix, shared by the statistics pass, the posterior, the post-fit checks and Dawid-Skene:
// the dense votes are decoded once instead of once per reader (L's votes are not changed after it is made).
const cache = new WeakMap<LabelMatrix, SparseVotes | null>();

/**
 * L's votes in compressed-row form, built on first use and kept with L; null when L is dense (more than
 * SPARSE_MAX_SHARE of its cells vote), where the readers' dense paths are as fast and the copy would be larger.
 */
export function sparseVotes(L: LabelMatrix): SparseVotes | null {
  const hit = cache.get(L);
  if (hit !== undefined) return hit;
  const share = voteShare(L);
  const sparse = share <= SPARSE_MAX_SHARE ? buildSparseVotes(L, share) : null;
  cache.set(L, sparse);
  return sparse;
}

function buildSparseVotes(L: LabelMatrix, share: number): SparseVotes {
  const { n, m, k, votes } = L;
  const words = wordView(votes);
  const rowStart = new Int32Array(n + 1);
  // Sized from the sampled share (grown if the sample was low); rowCodes may write one code past the row's votes, so
  // room for m more is kept before each row.
  let code = new Int32Array(Math.min(n * m, Math.ceil(share * n * m * 1.05)) + m);
  let c = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = c;
    if (c + m > code.length) {
      const bigger = new Int32Array(Math.max(code.length * 2, c + m));
      bigger.set(code.subarray(0, c));
      code = bigger;
    }
    c += rowCodes(votes, words, i * m, m, k, code, c);
  }
  rowStart[n] = c;
  return { n, rowStart, code: code.length - c > 1024 ? code.slice(0, c) : code.subarray(0, c) };
}

/** Rows in [from, to) without a vote (empty ranges). */
export function emptyRows(sparse: SparseVotes, from = 0, to = sparse.n): number {
  const { rowStart } = sparse;
  let empty = 0;
  for (let i = from; i < to; i++) if (rowStart[i + 1] === rowStart[i]) empty++;
  return empty;
}

/** Whether L's compressed rows (or the finding that L is dense) are already kept. */
export function hasSparseVotes(L: LabelMatrix): boolean {
  return cache.has(L);
}

/** Records `sparse` as `L`'s compressed rows (it must hold exactly L's votes: a row subset's, copied from its parent's). */
export function rememberSparseVotes(L: LabelMatrix, sparse: SparseVotes): void {
  if (sparse.n !== L.n) throw new RangeError(`compressed rows for ${sparse.n} rows given to a matrix of ${L.n}`);
  cache.set(L, sparse);
}

const shares = new WeakMap<LabelMatrix, number>();

/** Share of non-abstain votes, estimated on up to 1,024 rows spread over the matrix (once per matrix). */
export function voteShare(L: LabelMatrix): number {
  const hit = shares.get(L);
  if (hit !== undefined) return hit;
  const share = estimateVoteShare(L);
  shares.set(L, share);
  return share;
}

function estimateVoteShare(L: LabelMatrix): number {
  const { n, m, votes } = L;
  if (n === 0 || m === 0) return 0;
  const step = Math.max(1, Math.floor(n / 1024));
  let seen = 0;
  let voted = 0;
  for (let i = 0; i < n; i += step) {
    for (let p = i * m, end = p + m; p < end; p++) if (votes[p] !== ABSTAIN) voted++;
    seen += m;
  }
  return voted / seen;
}

/**
 * A 32-bit view over the votes' buffer for `rowCodes`: four abstains (-1 bytes) read as one 0xFFFFFFFF word, so a
 * sparse row is skipped four LFs at a time.
 */
export function wordView(votes: Int8Array): Uint32Array {
  return new Uint32Array(votes.buffer, 0, votes.buffer.byteLength >>> 2);
}

/** True where a Uint32 view reads its bytes low byte first (the word decodings of the votes assume it). */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Writes the non-abstain votes of the row at votes[start .. start + m) into `codes` from index `at` as j·k + class
 * (j ascending) and returns how many there are; it may write codes[at .. at + m) whatever the count. `words` is
 * `wordView(votes)`.
 */
export function rowCodes(votes: Int8Array, words: Uint32Array, start: number, m: number, k: number, codes: Int32Array, at = 0): number {
  const base = votes.byteOffset;
  const end = start + m;
  let c = at;
  let p = start;
  // Bytes up to the first 4-aligned address, then eight LFs (two words) at a time, then the tail.
  while (p < end && ((base + p) & 3) !== 0) {
    const v = votes[p];
    if (v !== -1) codes[c++] = (p - start) * k + v;
    p++;
  }
  if (LITTLE_ENDIAN) {
    // All-abstain pairs of words skipped; otherwise each byte (low first, sign-extended) is written at codes[c] and c
    // advances only for a vote, so no branch per LF. The write at c never passes the LFs read so far (c − at ≤ q − start).
    const k2 = 2 * k;
    const k3 = 3 * k;
    for (let x = (base + p) >>> 2; p + 8 <= end; p += 8, x += 2) {
      const w0 = words[x] | 0;
      const w1 = words[x + 1] | 0;
      if ((w0 & w1) === -1) continue;
      let j = (p - start) * k;
      codes[c] = j + ((w0 << 24) >> 24);
      c += (~w0 >>> 7) & 1;
      codes[c] = j + k + ((w0 << 16) >> 24);
      c += (~w0 >>> 15) & 1;
      codes[c] = j + k2 + ((w0 << 8) >> 24);
      c += (~w0 >>> 23) & 1;
      codes[c] = j + k3 + (w0 >> 24);
      c += ~w0 >>> 31;
      j += 4 * k;
      codes[c] = j + ((w1 << 24) >> 24);
      c += (~w1 >>> 7) & 1;
      codes[c] = j + k + ((w1 << 16) >> 24);
      c += (~w1 >>> 15) & 1;
      codes[c] = j + k2 + ((w1 << 8) >> 24);
      c += (~w1 >>> 23) & 1;
      codes[c] = j + k3 + (w1 >> 24);
      c += ~w1 >>> 31;
    }
  }
  for (; p + 4 <= end; p += 4) {
    if (words[(base + p) >>> 2] === 0xffffffff) continue;
    for (let q = p; q < p + 4; q++) {
      const v = votes[q];
      if (v !== -1) codes[c++] = (q - start) * k + v;
    }
  }
  for (; p < end; p++) {
    const v = votes[p];
    if (v !== -1) codes[c++] = (p - start) * k + v;
  }
  return c - at;
}
