import { LabelMatrix, createRng } from '../src/index.js';

/**
 * Samples a label matrix from a known conditionally independent model: Y ~ classBalance; LF j votes with probability
 * propensity[j] (independently of Y) and, when it votes, is right with probability accuracy[j], otherwise picks one
 * of the other k − 1 classes uniformly. Seeded, so every test sees the same matrix.
 */
export function sampleGenerative(opts: { n: number; accuracy: number[]; propensity: number[]; classBalance: number[]; seed: number }): {
  L: LabelMatrix;
  y: Int32Array;
} {
  // The class-independent special case of sampleByClass (same random draws, so the same matrix).
  const k = opts.classBalance.length;
  const { L, y } = sampleByClass({
    n: opts.n,
    voteRate: opts.propensity.map((p) => new Array<number>(k).fill(p)),
    rightRate: opts.accuracy.map((a) => new Array<number>(k).fill(a)),
    classBalance: opts.classBalance,
    seed: opts.seed,
  });
  return { L, y };
}

/** Fraction of rows where argmax(probs) (first on ties) equals y. */
export function accuracyOf(probs: Float64Array, k: number, y: Int32Array): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    if (best === y[i]) right++;
  }
  return right / y.length;
}

/**
 * A per-LF, per-class generative model: LF j votes on a row of class y with probability voteRate[j][y] and, when it
 * does, votes y with probability rightRate[j][y], otherwise one of the other classes uniformly. Unipolar LFs (a keyword
 * that only ever says SPAM) are rightRate[j][y] = 1 for their class and 0 for the others. Returns the matrix, the true
 * classes and each LF's true P(vote correct | LF votes) under the class balance.
 */
export function sampleByClass(opts: { n: number; voteRate: number[][]; rightRate: number[][]; classBalance: number[]; seed: number }): {
  L: LabelMatrix;
  y: Int32Array;
  accuracy: number[];
} {
  const { n, voteRate, rightRate, classBalance, seed } = opts;
  const m = voteRate.length;
  const k = classBalance.length;
  const rng = createRng(seed);
  const y = new Int32Array(n);
  const votes = new Int8Array(n * m).fill(-1);
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    let c = 0;
    while (c < k - 1 && u >= classBalance[c]) u -= classBalance[c++];
    y[i] = c;
    for (let j = 0; j < m; j++) {
      if (rng.next() >= voteRate[j][c]) continue;
      votes[i * m + j] = rng.next() < rightRate[j][c] ? c : (c + 1 + rng.int(k - 1)) % k;
    }
  }
  const accuracy = voteRate.map((rate, j) => {
    let right = 0;
    let voted = 0;
    for (let c = 0; c < k; c++) {
      voted += classBalance[c] * rate[c];
      right += classBalance[c] * rate[c] * rightRate[j][c];
    }
    return right / voted;
  });
  const labels = Array.from({ length: k }, (_, c) => `c${c}`);
  return { L: new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) }), y, accuracy };
}
