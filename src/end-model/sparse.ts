/**
 * Compressed sparse rows (CSR): the only feature-matrix form in the end model. A row's entries are
 * indices[indptr[i] .. indptr[i+1]) with matching values; indices are sorted and unique within a row.
 */
export interface SparseRows {
  readonly n: number;
  readonly dim: number;
  /** Length n + 1. */
  readonly indptr: Int32Array;
  /** Feature ids, sorted within a row. */
  readonly indices: Int32Array;
  /** l2-normalised per row for each text block. */
  readonly values: Float32Array;
}

/** Dot product of row i of a with row j of b (both sorted; a merge walk). */
export function sparseDot(a: SparseRows, i: number, b: SparseRows, j: number): number {
  let p = a.indptr[i];
  const pe = a.indptr[i + 1];
  let q = b.indptr[j];
  const qe = b.indptr[j + 1];
  const ai = a.indices,
    bi = b.indices,
    av = a.values,
    bv = b.values;
  let s = 0;
  while (p < pe && q < qe) {
    const x = ai[p],
      y = bi[q];
    if (x === y) {
      s += av[p] * bv[q];
      p++;
      q++;
    } else if (x < y) p++;
    else q++;
  }
  return s;
}

/** Squared l2 norm of row i. */
export function sparseNorm2(a: SparseRows, i: number): number {
  let s = 0;
  for (let p = a.indptr[i], e = a.indptr[i + 1]; p < e; p++) s += a.values[p] * a.values[p];
  return s;
}

/** The given rows of X, in the given order, as a new CSR (copies only those rows' entries). */
export function sparseSubset(X: SparseRows, rows: ArrayLike<number>): SparseRows {
  const m = rows.length;
  const indptr = new Int32Array(m + 1);
  let nnz = 0;
  for (let r = 0; r < m; r++) {
    const i = rows[r];
    if (!(i >= 0 && i < X.n)) throw new RangeError(`sparseSubset: row ${i} is outside 0..${X.n - 1}`);
    nnz += X.indptr[i + 1] - X.indptr[i];
    indptr[r + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < m; r++) {
    const i = rows[r];
    indices.set(X.indices.subarray(X.indptr[i], X.indptr[i + 1]), indptr[r]);
    values.set(X.values.subarray(X.indptr[i], X.indptr[i + 1]), indptr[r]);
  }
  return { n: m, dim: X.dim, indptr, indices, values };
}

/** Growable Int32/Float32 pair used while building CSR rows of unknown total size. */
export class CsrBuilder {
  private idx: Int32Array;
  private val: Float32Array;
  private readonly ptr: Int32Array;
  private nnz = 0;
  private rowsDone = 0;
  constructor(
    readonly n: number,
    readonly dim: number,
    expectedNnz = Math.max(16, n * 8),
  ) {
    this.idx = new Int32Array(expectedNnz);
    this.val = new Float32Array(expectedNnz);
    this.ptr = new Int32Array(n + 1);
  }

  /** Appends the next row from parallel arrays (ids already sorted and unique). */
  pushRow(ids: Int32Array, vals: Float64Array | Float32Array, len: number): void {
    this.reserve(len);
    const { idx, val } = this;
    let p = this.nnz;
    for (let t = 0; t < len; t++, p++) {
      idx[p] = ids[t];
      val[p] = vals[t];
    }
    this.nnz = p;
    this.ptr[++this.rowsDone] = p;
  }

  private reserve(extra: number): void {
    const need = this.nnz + extra;
    if (need <= this.idx.length) return;
    let cap = this.idx.length;
    while (cap < need) cap = Math.ceil(cap * 1.5) + 16;
    const idx = new Int32Array(cap);
    idx.set(this.idx.subarray(0, this.nnz));
    const val = new Float32Array(cap);
    val.set(this.val.subarray(0, this.nnz));
    this.idx = idx;
    this.val = val;
  }

  /** The finished matrix; storage trimmed to the exact number of entries. */
  finish(): SparseRows {
    if (this.rowsDone !== this.n) throw new Error(`CsrBuilder: ${this.rowsDone} of ${this.n} rows pushed`);
    const indices = this.idx.length === this.nnz ? this.idx : this.idx.slice(0, this.nnz);
    const values = this.val.length === this.nnz ? this.val : this.val.slice(0, this.nnz);
    return { n: this.n, dim: this.dim, indptr: this.ptr, indices, values };
  }
}
