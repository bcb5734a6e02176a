import type { LabelMatrix } from '../matrix/label-matrix.js';
import { rowCodes, wordView } from '../matrix/sparse-votes.js';
import { softmaxInPlace } from './linalg.js';

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
  return k === 2 ? binaryPosterior(L, logTable, prior, coveredOffset) : multiclassPosterior(L, logTable, prior, coveredOffset);
}

/** Above this share of non-abstain votes, reading every vote through a table is faster than skipping abstains. */
const DENSE_VOTES = 0.04;

/** Binary: only the log-odds matter; p1 = σ(s). */
function binaryPosterior(L: LabelMatrix, logTable: Float64Array, prior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { n, m, votes } = L;
  const probs = new Float64Array(n * 2);
  const codes = new Int32Array(m);
  const words = wordView(votes);
  const logOdds = Math.log(prior[1]) - Math.log(prior[0]);
  const offset = coveredOffset ? coveredOffset[1] - coveredOffset[0] : 0;
  const diff = new Float64Array(m * 2);
  for (let a = 0; a < 2 * m; a++) diff[a] = logTable[a * 2 + 1] - logTable[a * 2];
  // Dense matrices: a table with a 0 for abstain, indexed by the vote, so the row loop has no branch per vote (the
  // abstain test mispredicts often at 10% coverage). Adding those zeros leaves every sum bit-identical.
  const dense = voteShare(votes, m, n) > DENSE_VOTES;
  const table = new Float64Array(dense ? m * 3 : 0);
  if (dense) for (let j = 0; j < m; j++) [table[3 * j + 1], table[3 * j + 2]] = [diff[2 * j], diff[2 * j + 1]];
  for (let i = 0; i < n; i++) {
    let c: number;
    let s = logOdds + offset;
    if (dense) {
      c = 0;
      for (let j = 0, p = i * m, t = 1; j < m; j++, p++, t += 3) {
        const v = votes[p];
        c |= v + 1; // nonzero once any LF voted
        s += table[t + v];
      }
    } else {
      c = rowCodes(votes, words, i * m, m, 2, codes);
      for (let t = 0; t < c; t++) s += diff[codes[t]];
    }
    if (c === 0) {
      // No evidence: exactly the class balance (a softmax of its logs could be off in the last bit).
      probs[2 * i] = prior[0];
      probs[2 * i + 1] = prior[1];
      continue;
    }
    // Both branches keep exp's argument ≤ 0, so nothing overflows.
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
  return probs;
}

function multiclassPosterior(L: LabelMatrix, logTable: Float64Array, prior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { n, m, k, votes } = L;
  const logPrior = prior.map(Math.log);
  const probs = new Float64Array(n * k);
  const codes = new Int32Array(m);
  const words = wordView(votes);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    const c = rowCodes(votes, words, i * m, m, k, codes);
    if (c === 0) {
      probs.set(prior, base);
      continue;
    }
    for (let y = 0; y < k; y++) probs[base + y] = logPrior[y];
    for (let t = 0; t < c; t++) {
      const row = codes[t] * k;
      for (let y = 0; y < k; y++) probs[base + y] += logTable[row + y];
    }
    if (coveredOffset) for (let y = 0; y < k; y++) probs[base + y] += coveredOffset[y];
    softmaxInPlace(probs, base, k);
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

/** Share of non-abstain votes, estimated on up to 4,096 rows spread over the matrix. */
function voteShare(votes: Int8Array, m: number, n: number): number {
  if (n === 0 || m === 0) return 0;
  const step = Math.max(1, Math.floor(n / 4096));
  let seen = 0;
  let voted = 0;
  for (let i = 0; i < n; i += step) {
    for (let p = i * m, end = p + m; p < end; p++) if (votes[p] !== -1) voted++;
    seen += m;
  }
  return voted / seen;
}
