/**
 * Int8 matrix transposes between the row-major label matrix (n×m) and per-LF column arrays (Arrow's layout).
 *
 * When m is a multiple of 4 and the buffers are 4-byte aligned, 4×4 byte blocks are moved as four 32-bit words and
 * shuffled in registers: about 4× fewer memory operations than byte-by-byte (1M×100: ~50 ms instead of ~250 ms).
 * Other shapes use a byte loop over tiles of rows, so one tile of the row-major side stays in cache.
 */

const TILE = 512; // rows per tile; a multiple of 4

function wordsOf(a: Int8Array, length: number): Uint32Array | undefined {
  return a.byteOffset % 4 === 0 ? new Uint32Array(a.buffer, a.byteOffset, length >> 2) : undefined;
}

/** Copies row-major `votes` (n×m) into `cols[j]` (each of length n). */
export function rowsToColumns(votes: Int8Array, n: number, m: number, cols: readonly Int8Array[]): void {
  const n4 = n & ~3;
  const words = m % 4 === 0 ? wordsOf(votes, n * m) : undefined;
  const colWords = words ? cols.map((c) => wordsOf(c, n)) : [];
  if (words && colWords.every((w) => w !== undefined)) {
    const C = colWords as Uint32Array[];
    const mw = m >> 2;
    for (let q0 = 0; q0 < n4 >> 2; q0 += TILE >> 2) {
      const q1 = Math.min(n4 >> 2, q0 + (TILE >> 2));
      for (let jw = 0; jw < mw; jw++) {
        const A = C[4 * jw],
          B = C[4 * jw + 1],
          Cc = C[4 * jw + 2],
          D = C[4 * jw + 3];
        for (let q = q0; q < q1; q++) {
          // Four rows, each word holding the votes of LFs 4jw..4jw+3 (little-endian: byte b = LF 4jw+b).
          const base = 4 * q * mw + jw;
          const r0 = words[base],
            r1 = words[base + mw],
            r2 = words[base + 2 * mw],
            r3 = words[base + 3 * mw];
          A[q] = (r0 & 0xff) | ((r1 & 0xff) << 8) | ((r2 & 0xff) << 16) | (r3 << 24);
          B[q] = ((r0 >>> 8) & 0xff) | (r1 & 0xff00) | ((r2 & 0xff00) << 8) | ((r3 & 0xff00) << 16);
          Cc[q] = ((r0 >>> 16) & 0xff) | ((r1 >>> 8) & 0xff00) | (r2 & 0xff0000) | ((r3 & 0xff0000) << 8);
          D[q] = (r0 >>> 24) | ((r1 >>> 16) & 0xff00) | ((r2 >>> 8) & 0xff0000) | (r3 & 0xff000000);
        }
      }
    }
    bytesRowsToColumns(votes, n4, n, m, cols);
    return;
  }
  bytesRowsToColumns(votes, 0, n, m, cols);
}

function bytesRowsToColumns(votes: Int8Array, from: number, n: number, m: number, cols: readonly Int8Array[]): void {
  for (let i0 = from; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j = 0; j < m; j++) {
      const col = cols[j];
      for (let i = i0, p = i0 * m + j; i < i1; i++, p += m) col[i] = votes[p];
    }
  }
}

/**
 * Copies `cols[j]` (each of length n) into row-major `votes` (n×m) and checks every vote is -1 or 0..k-1 (k ≤ 127).
 * Returns false when some vote is out of range (the caller locates it for the error message).
 */
export function columnsToRows(cols: readonly Int8Array[], n: number, m: number, votes: Int8Array, k: number): boolean {
  const n4 = n & ~3;
  const words = m % 4 === 0 ? wordsOf(votes, n * m) : undefined;
  const colWords = words ? cols.map((c) => wordsOf(c, n)) : [];
  let ok = true;
  if (words && colWords.every((w) => w !== undefined)) {
    const C = colWords as Uint32Array[];
    const mw = m >> 2;
    // Range check on 4 votes at once: z = each byte + 1 (mod 256) must be ≤ k, i.e. no byte of z is ≥ k+1.
    // A byte ≥ 128 sets its top bit; a byte < 128 sets it after adding 128-(k+1) (no carry into the next byte).
    const addK = (0x80 - (k + 1)) * 0x01010101;
    let flags = 0;
    for (let q0 = 0; q0 < n4 >> 2; q0 += TILE >> 2) {
      const q1 = Math.min(n4 >> 2, q0 + (TILE >> 2));
      for (let jw = 0; jw < mw; jw++) {
        const A = C[4 * jw],
          B = C[4 * jw + 1],
          Cc = C[4 * jw + 2],
          D = C[4 * jw + 3];
        for (let q = q0; q < q1; q++) {
          // Four LFs, each word holding the votes of rows 4q..4q+3.
          const a = A[q],
            b = B[q],
            c = Cc[q],
            d = D[q];
          const base = 4 * q * mw + jw;
          words[base] = (a & 0xff) | ((b & 0xff) << 8) | ((c & 0xff) << 16) | (d << 24);
          words[base + mw] = ((a >>> 8) & 0xff) | (b & 0xff00) | ((c & 0xff00) << 8) | ((d & 0xff00) << 16);
          words[base + 2 * mw] = ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | (c & 0xff0000) | ((d & 0xff0000) << 8);
          words[base + 3 * mw] = (a >>> 24) | ((b >>> 16) & 0xff00) | ((c >>> 8) & 0xff0000) | (d & 0xff000000);
          const za = ((a & 0x7f7f7f7f) + 0x01010101) ^ (a & 0x80808080);
          const zb = ((b & 0x7f7f7f7f) + 0x01010101) ^ (b & 0x80808080);
          const zc = ((c & 0x7f7f7f7f) + 0x01010101) ^ (c & 0x80808080);
          const zd = ((d & 0x7f7f7f7f) + 0x01010101) ^ (d & 0x80808080);
          flags |=
            ((za & 0x7f7f7f7f) + addK) |
            za |
            (((zb & 0x7f7f7f7f) + addK) | zb) |
            (((zc & 0x7f7f7f7f) + addK) | zc) |
            (((zd & 0x7f7f7f7f) + addK) | zd);
        }
      }
    }
    ok = (flags & 0x80808080) === 0;
    return bytesColumnsToRows(cols, n4, n, m, votes, k) && ok;
  }
  return bytesColumnsToRows(cols, 0, n, m, votes, k);
}

function bytesColumnsToRows(cols: readonly Int8Array[], from: number, n: number, m: number, votes: Int8Array, k: number): boolean {
  let ok = true;
  for (let i0 = from; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j = 0; j < m; j++) {
      const col = cols[j];
      for (let i = i0, p = i0 * m + j; i < i1; i++, p += m) {
        const v = col[i];
        if (v < -1 || v >= k) ok = false;
        votes[p] = v;
      }
    }
  }
  return ok;
}
