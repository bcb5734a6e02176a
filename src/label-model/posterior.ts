import type { LabelMatrix } from '../matrix/label-matrix.js';
import { rowCodes, type SparseVotes, sparseVotes, wordView } from '../matrix/sparse-votes.js';

/**
 * The posterior of every conditionally independent model here (Dawid-Skene, matrix completion, triplet, weighted
 * vote): P(Y = y | λ) ∝ p_y · Π_{j votes} P(λ_j = λ_ij | Y = y), abstains left out. `logTable[(j·k + l)·k + y]` is
 * log P(λ_j = l | Y = y) (or any per-vote score); `prior` is the class balance p. A row with no votes gets exactly p.
 * `coveredOffset[y]`, when given, is added to every row with at least one vote (models that score abstains fold their
 * all-abstain factor in there and divide it back out of each vote's entry).
 */
export function posteriorFromLogTable(L: LabelMatrix, logTable: Float64Array, prior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { m, k } = L;
  if (logTable.length !== m * k * k) throw new RangeError(`log table has ${logTable.length} entries, expected m·k·k = ${m * k * k}`);
  const sparse = sparseVotes(L);
  if (k === 2) return sparse ? binaryPosteriorSparse(sparse, logTable, prior, coveredOffset) : binaryPosterior(L, logTable, prior, coveredOffset);
  return multiclassPosterior(L, logTable, prior, coveredOffset, sparse);
}

/** Binary from the compressed rows: each row's log-odds summed over its votes only (j ascending, as the dense pass). */
function binaryPosteriorSparse(sparse: SparseVotes, logTable: Float64Array, prior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { n, rowStart, code } = sparse;
  const probs = new Float64Array(n * 2);
  const start = Math.log(prior[1]) - Math.log(prior[0]) + (coveredOffset ? coveredOffset[1] - coveredOffset[0] : 0);
  // odds[j·2 + l]: what LF j's vote l adds to the log-odds of class 1.
  const odds = new Float64Array(logTable.length / 2);
  for (let a = 0; a < odds.length; a++) odds[a] = logTable[2 * a + 1] - logTable[2 * a];
  for (let i = 0; i < n; i++) {
    let s = start;
    for (let c = rowStart[i], end = rowStart[i + 1]; c < end; c++) s += odds[code[c]];
    setBinary(probs, i, s);
  }
  // Rows without votes get exactly the class balance, in a pass of their own: a branch first taken mid-loop would
  // send a fresh process's optimised loop above back to unoptimised code.
  priorForUncovered(rowStart, n, prior, probs);
  return probs;
}

/** Rows whose compressed range is empty: probabilities = the class balance, exactly. */
function priorForUncovered(rowStart: Int32Array, n: number, prior: Float64Array, probs: Float64Array): void {
  const k = prior.length;
  for (let i = 0; i < n; i++) if (rowStart[i + 1] === rowStart[i]) for (let y = 0; y < k; y++) probs[i * k + y] = prior[y];
}

/** Row i's two probabilities from its log-odds s; both branches keep exp's argument ≤ 0, so nothing overflows. */
function setBinary(probs: Float64Array, i: number, s: number): void {
  if (s >= 0) {
    const e = Math.exp(-s);
    probs[2 * i] = e / (1 + e);
    probs[2 * i + 1] = 1 / (1 + e);
  } else {
    const e = Math.exp(s);
    probs[2 * i] = 1 / (1 + e);
    probs[2 * i + 1] = e / (1 + e);
  }
}

/** Binary: only the log-odds matter; p1 = σ(s). */
function binaryPosterior(L: LabelMatrix, logTable: Float64Array, prior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { n, m, votes } = L;
  const probs = new Float64Array(n * 2);
  const logOdds = Math.log(prior[1]) - Math.log(prior[0]);
  const offset = coveredOffset ? coveredOffset[1] - coveredOffset[0] : 0;
  // A table with a 0 for abstain, indexed by LF and vote, so no vote needs a branch (the abstain test mispredicts
  // often at 10% coverage). Adding those zeros leaves every sum bit-identical to adding the votes' entries only.
  const table = new Float64Array(m * 3);
  for (let j = 0; j < m; j++) {
    table[3 * j + 1] = logTable[4 * j + 1] - logTable[4 * j];
    table[3 * j + 2] = logTable[4 * j + 3] - logTable[4 * j + 2];
  }
  // Only dense matrices come here (sparse ones are read from their compressed rows): every vote through the table.
  for (let i = 0; i < n; i++) {
    let c = 0;
    let s = logOdds + offset;
    let p = i * m;
    const end = p + m;
    let t = 1;
    for (; p < end; p++, t += 3) {
      const v = votes[p];
      c |= v + 1; // nonzero once any LF voted
      s += table[t + v];
    }
    if (c === 0) {
      // No evidence: exactly the class balance (a softmax of its logs could be off in the last bit).
      probs[2 * i] = prior[0];
      probs[2 * i + 1] = prior[1];
      continue;
    }
    setBinary(probs, i, s);
  }
  return probs;
}

function multiclassPosterior(
  L: LabelMatrix,
  logTable: Float64Array,
  prior: Float64Array,
  coveredOffset: Float64Array | undefined,
  sparse: SparseVotes | null,
): Float64Array {
  const { n, m, k, votes } = L;
  const start = prior.map(Math.log);
  if (coveredOffset) for (let y = 0; y < k; y++) start[y] += coveredOffset[y];
  const probs = new Float64Array(n * k);
  const codes = new Int32Array(m);
  const words = wordView(votes);
  const s = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    // The row's codes: a window of the compressed rows, or decoded from the dense votes.
    let src: Int32Array = codes;
    let from = 0;
    let c: number;
    if (sparse) {
      src = sparse.code;
      from = sparse.rowStart[i];
      c = sparse.rowStart[i + 1] - from;
    } else c = rowCodes(votes, words, i * m, m, k, codes);
    if (c === 0) {
      for (let y = 0; y < k; y++) probs[base + y] = prior[y];
      continue;
    }
    // Class by class, the row's votes in LF order (the sum stays in a register); then a softmax with one exp per
    // class: exp(s − max) normalised by its sum.
    let max = -Infinity;
    for (let y = 0; y < k; y++) {
      let acc = start[y];
      for (let t = from; t < from + c; t++) acc += logTable[src[t] * k + y];
      s[y] = acc;
      if (acc > max) max = acc;
    }
    let total = 0;
    for (let y = 0; y < k; y++) {
      const e = Math.exp(s[y] - max);
      s[y] = e;
      total += e;
    }
    for (let y = 0; y < k; y++) probs[base + y] = s[y] / total;
  }
  return probs;
}

/**
 * P(correct | LF votes) of each LF from a conditional table μ[(j·k + l)·k + y] = P(λ_j = l | Y = y) and the class
 * balance p: Σ_y p_y μ[j·k + y, y] / Σ_y p_y Σ_l μ[j·k + l, y]. The one accuracy formula of mc, triplet and ds.
 */
export function accuraciesFromMu(mu: Float64Array, prior: Float64Array, m: number, k: number): Float64Array {
  const acc = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let correct = 0;
    let votes = 0;
    for (let y = 0; y < k; y++) {
      correct += prior[y] * mu[(j * k + y) * k + y];
      for (let l = 0; l < k; l++) votes += prior[y] * mu[(j * k + l) * k + y];
    }
    acc[j] = votes > 0 ? correct / votes : 0;
  }
  return acc;
}
