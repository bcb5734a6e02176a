import { expectedScore } from '../src/internal.js';
import { createRng, LabelMatrix } from '../src/index.js';

// Generated label matrices shaped like WRENCH sms and trec, with a known answer: one-class keyword LFs (each only ever
// votes its class) with low coverage, most rows uncovered, a skewed class balance, a broad LF group that also fires on
// other classes, and near-duplicate LFs that fire together.
export interface Shape {
  n: number;
  k: number;
  balance: number[];
  /** LFs per class (each votes only its class). */
  perClass: number;
  /** P(fires | its class), P(fires | another class). */
  hit: number;
  miss: number;
  /** LFs of class 0 that also fire on other classes with this rate (trec's broad "what" rules). */
  broad?: { count: number; miss: number };
  /** Copies of LF 0 that fire on 90% of the rows it fires on. */
  duplicates?: number;
  seed: number;
}

export function generate(s: Shape): { L: LabelMatrix; y: Int32Array } {
  const rng = createRng(s.seed);
  const lfs: { cls: number; hit: number; miss: number }[] = [];
  for (let c = 0; c < s.k; c++)
    for (let r = 0; r < s.perClass; r++) lfs.push({ cls: c, hit: s.hit * (0.5 + rng.next()), miss: s.miss * (0.5 + rng.next()) });
  for (let r = 0; r < (s.broad?.count ?? 0); r++) lfs.push({ cls: 0, hit: 3 * s.hit, miss: s.broad!.miss });
  const base = lfs.length;
  const m = base + (s.duplicates ?? 0);
  const y = new Int32Array(s.n);
  const votes = new Int8Array(s.n * m).fill(-1);
  for (let i = 0; i < s.n; i++) {
    let u = rng.next();
    let c = 0;
    while (c < s.k - 1 && u >= s.balance[c]) u -= s.balance[c++];
    y[i] = c;
    lfs.forEach((lf, j) => {
      if (rng.next() < (lf.cls === c ? lf.hit : lf.miss)) votes[i * m + j] = lf.cls;
    });
    for (let d = base; d < m; d++) if (votes[i * m] !== -1 && rng.next() < 0.9) votes[i * m + d] = votes[i * m];
  }
  const labels = Array.from({ length: s.k }, (_, c) => `c${c}`);
  return { L: new LabelMatrix({ n: s.n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) }), y };
}

export const SHAPES: Record<string, { shape: Shape; metric: 'accuracy' | 'f1' }> = {
  'sms-like: binary, 13% positive, most rows uncovered, near-duplicates (F1)': {
    shape: { n: 4000, k: 2, balance: [0.87, 0.13], perClass: 20, hit: 0.03, miss: 0.004, duplicates: 5, seed: 11 },
    metric: 'f1',
  },
  'trec-like: 6 skewed classes, a broad LF group, near-duplicates': {
    shape: {
      n: 4000,
      k: 6,
      balance: [0.25, 0.2, 0.15, 0.05, 0.15, 0.2],
      perClass: 10,
      hit: 0.06,
      miss: 0.004,
      broad: { count: 6, miss: 0.08 },
      duplicates: 4,
      seed: 12,
    },
    metric: 'accuracy',
  },
};

/** The set's metric in points (expected over uniformly random tie-breaks). */
export const score = (L: LabelMatrix, probs: Float64Array, y: Int32Array, metric: 'accuracy' | 'f1') => 100 * expectedScore(y, probs, L.k, metric);
