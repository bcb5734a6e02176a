import { ConfigError } from '../util/errors.js';

/**
 * The label matrix: n rows × m LFs of votes, row-major in one Int8Array (-1 = abstain, else class 0..k-1).
 * Row-major keeps one row's votes together, which is what every label model walks; column views are cheap loops.
 */
export class LabelMatrix {
  readonly n: number;
  readonly m: number;
  readonly votes: Int8Array;
  readonly lfNames: readonly string[];
  /** Class names; `labels.length` is k. */
  readonly labels: readonly string[];
  /** Per-LF count of rows where the LF threw and was recorded as abstain (onError: 'abstain'). */
  readonly errorCounts: Int32Array;

  constructor(init: { n: number; m: number; votes: Int8Array; lfNames: readonly string[]; labels: readonly string[]; errorCounts?: Int32Array }) {
    const { n, m, votes, lfNames, labels } = init;
    if (votes.length !== n * m) throw new ConfigError(`label matrix: votes has ${votes.length} entries, expected n·m = ${n}·${m}`);
    if (lfNames.length !== m) throw new ConfigError(`label matrix: ${lfNames.length} LF names for ${m} columns`);
    if (new Set(lfNames).size !== m) throw new ConfigError(`label matrix: LF names are not unique: ${duplicates(lfNames).join(', ')}`);
    if (labels.length < 2) throw new ConfigError('label matrix: needs at least 2 classes');
    this.n = n;
    this.m = m;
    this.votes = votes;
    this.lfNames = Object.freeze([...lfNames]);
    this.labels = Object.freeze([...labels]);
    this.errorCounts = init.errorCounts ?? new Int32Array(m);
  }

  get k(): number {
    return this.labels.length;
  }

  /** Builds a matrix from nested arrays of class indices (-1 abstain); handy in tests and small scripts. */
  static fromRows(rows: readonly (readonly number[])[], labels: readonly string[], lfNames?: readonly string[]): LabelMatrix {
    const n = rows.length;
    const m = lfNames?.length ?? rows[0]?.length ?? 0;
    const votes = new Int8Array(n * m);
    const k = labels.length;
    rows.forEach((r, i) => {
      if (r.length !== m) throw new ConfigError(`row ${i} has ${r.length} votes, expected ${m}`);
      r.forEach((v, j) => {
        if (!Number.isInteger(v) || v < -1 || v >= k) throw new ConfigError(`row ${i}, LF ${j}: vote ${v} is outside -1..${k - 1}`);
        votes[i * m + j] = v;
      });
    });
    return new LabelMatrix({ n, m, votes, labels, lfNames: lfNames ?? Array.from({ length: m }, (_, j) => `lf${j}`) });
  }

  get(i: number, j: number): number {
    return this.votes[i * this.m + j];
  }

  /** A copy of LF j's column. */
  column(j: number): Int8Array {
    const out = new Int8Array(this.n);
    for (let i = 0, p = j; i < this.n; i++, p += this.m) out[i] = this.votes[p];
    return out;
  }

  /** A view of row i's votes (no copy). */
  row(i: number): Int8Array {
    return this.votes.subarray(i * this.m, (i + 1) * this.m);
  }

  lfIndex(name: string): number {
    const j = this.lfNames.indexOf(name);
    if (j < 0) throw new ConfigError(`no LF named "${name}" in the label matrix; LFs are ${this.lfNames.join(', ')}`);
    return j;
  }

  /** Number of non-abstain votes per row. */
  voteCounts(): Int32Array {
    const out = new Int32Array(this.n);
    const { votes, m } = this;
    for (let i = 0, p = 0; i < this.n; i++) {
      let c = 0;
      // Branch-free: 1 + (v >> 31) is 0 for an abstain (-1) and 1 for any class.
      for (let j = 0; j < m; j++, p++) c += 1 + (votes[p] >> 31);
      out[i] = c;
    }
    return out;
  }

  /** A new matrix with the given rows (in that order). */
  selectRows(indices: ArrayLike<number>): LabelMatrix {
    const { m } = this;
    const votes = new Int8Array(indices.length * m);
    for (let r = 0; r < indices.length; r++) votes.set(this.row(indices[r]), r * m);
    return new LabelMatrix({ n: indices.length, m, votes, lfNames: this.lfNames, labels: this.labels, errorCounts: this.errorCounts });
  }

  /** A new matrix with the given LF columns (by index or name, in that order). */
  selectLFs(lfs: readonly (number | string)[]): LabelMatrix {
    const idx = lfs.map((x) => (typeof x === 'number' ? x : this.lfIndex(x)));
    const m2 = idx.length;
    const votes = new Int8Array(this.n * m2);
    for (let i = 0; i < this.n; i++) for (let c = 0; c < m2; c++) votes[i * m2 + c] = this.votes[i * this.m + idx[c]];
    return new LabelMatrix({
      n: this.n,
      m: m2,
      votes,
      labels: this.labels,
      lfNames: idx.map((j) => this.lfNames[j]),
      errorCounts: Int32Array.from(idx, (j) => this.errorCounts[j]),
    });
  }

  /** Rows × LFs as nested arrays (small matrices, tests, JSON output). */
  toRows(): number[][] {
    return Array.from({ length: this.n }, (_, i) => Array.from(this.row(i)));
  }
}

function duplicates(xs: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const x of xs) (seen.has(x) ? dup : seen).add(x);
  return [...dup];
}
