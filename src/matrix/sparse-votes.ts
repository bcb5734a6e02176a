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
  const { n, m, k, votes } = L;
  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let p = 0; p < votes.length; p++) if (votes[p] !== ABSTAIN) nnz++;
  const code = new Int32Array(nnz);
  let c = 0;
  for (let i = 0, p = 0; i < n; i++) {
    rowStart[i] = c;
    for (let j = 0; j < m; j++, p++) {
      const v = votes[p];
      if (v !== ABSTAIN) code[c++] = j * k + v;
    }
  }
  rowStart[n] = c;
  return { n, rowStart, code };
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
 * Writes the non-abstain votes of the row at votes[start .. start + m) into `codes` as j·k + class (j ascending)
 * and returns how many there are. `words` is `wordView(votes)`.
 */
export function rowCodes(votes: Int8Array, words: Uint32Array, start: number, m: number, k: number, codes: Int32Array): number {
  const base = votes.byteOffset;
  const end = start + m;
  let c = 0;
  let p = start;
  // Bytes up to the first 4-aligned address, then eight LFs (two words) at a time, then the tail.
  while (p < end && ((base + p) & 3) !== 0) {
    const v = votes[p];
    if (v !== -1) codes[c++] = (p - start) * k + v;
    p++;
  }
  if (LITTLE_ENDIAN) {
    // All-abstain pairs of words skipped; otherwise each byte (low first, sign-extended) is written at codes[c] and c
    // advances only for a vote, so no branch per LF. The write at c never passes the LFs read so far (c ≤ q − start).
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
  return c;
}
