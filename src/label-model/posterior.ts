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
  for (let i = 0; i < n; i++) {
    const c = rowCodes(votes, words, i * m, m, 2, codes);
    if (c === 0) {
      // No evidence: exactly the class balance (a softmax of its logs could be off in the last bit).
      probs[2 * i] = prior[0];
      probs[2 * i + 1] = prior[1];
      continue;
    }
    let s = logOdds + offset;
    for (let t = 0; t < c; t++) s += diff[codes[t]];
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
