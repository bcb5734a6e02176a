import type { LabelMatrix } from '../matrix/label-matrix.js';
import { toSparseVotes } from '../matrix/sparse-votes.js';
import { logSumExp, normalizeInPlace } from './linalg.js';

// The EM of the Dawid-Skene model in named phases: start from majority vote, then M-step and E-step until the
// log-likelihood settles.

export interface ResolvedDsOptions {
  maxIterations: number;
  tolerance: number;
  alpha: number;
  modelAbstain: boolean;
  fixedPrior: Float64Array | null;
  identifiable: boolean;
  votePrior: number;
  ratePrior: number;
  priorAccuracy: number;
  guard: boolean;
}

/** The diagonal prior the collapse guard refits with. */
export const DEFAULT_GUARD = { votePrior: 10, ratePrior: 100 };

/** The EM state: votes (sparse), soft labels T and the parameters estimated from them. */
export interface EmState {
  k: number;
  m: number;
  rowStart: Int32Array;
  code: Int32Array;
  covered: Int32Array;
  /** How many rows the shared uncovered posterior stands for (0 when abstains are ignored: no evidence). */
  uncoveredWeight: number;
  /** Soft labels of the covered rows, n·k (uncovered rows unused), and the one posterior of every uncovered row. */
  T: Float64Array;
  Tunc: Float64Array;
  prior: Float64Array;
  /** θ as m·k·k: theta[(j·k + l)·k + y] = P(λ_j = l | Y = y) (given a vote when abstains are ignored). */
  theta: Float64Array;
  /** P(λ_j abstains | Y = y) as m·k (abstains modelled only). */
  thetaAbstain: Float64Array;
  logTable: Float64Array;
  /** Σ_j log P(abstain_j | y), abstains modelled only. */
  offset: Float64Array;
}

export interface EmRun {
  state: EmState;
  iterations: number;
  converged: boolean;
  lossHistory: number[];
}

/** Majority vote's class shares over the rows with votes (floored at 1e-3), the collapse guard's fixed balance. */
export function majorityVoteShares(L: LabelMatrix): Float64Array {
  // The cached start's T is only read here: no copy of it and no confusion tables (majorityVoteStart makes both).
  const { covered, T } = startOf(L);
  const shares = new Float64Array(L.k);
  for (const i of covered) for (let y = 0; y < L.k; y++) shares[y] += T[i * L.k + y];
  return normalizeInPlace(normalizeInPlace(shares).map((x) => Math.max(x, 1e-3)));
}

/** EM from majority vote until the mean log-likelihood settles. */
export function runEm(L: LabelMatrix, o: ResolvedDsOptions): EmRun {
  const s = majorityVoteStart(L, o);
  const lossHistory: number[] = [];
  const fitRows = s.covered.length + s.uncoveredWeight;
  let converged = false;
  let iterations = 0;
  let prevLL = -Infinity;
  for (let it = 0; it < o.maxIterations; it++) {
    iterations = it + 1;
    mStep(s, o);
    const meanLL = fitRows ? eStep(s) / fitRows : 0;
    lossHistory.push(-meanLL);
    if (Math.abs(meanLL - prevLL) < o.tolerance) {
      converged = true;
      break;
    }
    prevLL = meanLL;
  }
  return { state: s, iterations, converged, lossHistory };
}

/** The sparse votes and majority-vote soft labels of a matrix, built once per matrix (the guard refits it up to 5 times). */
const starts = new WeakMap<LabelMatrix, { rowStart: Int32Array; code: Int32Array; covered: Int32Array; T: Float64Array }>();

function startOf(L: LabelMatrix): { rowStart: Int32Array; code: Int32Array; covered: Int32Array; T: Float64Array } {
  const hit = starts.get(L);
  if (hit) return hit;
  const { n, k } = L;
  const { rowStart, code } = toSparseVotes(L);
  const coveredRows: number[] = [];
  for (let i = 0; i < n; i++) if (rowStart[i + 1] > rowStart[i]) coveredRows.push(i);
  const covered = Int32Array.from(coveredRows);
  const T = new Float64Array(n * k);
  for (const i of covered) {
    const base = i * k;
    for (let c = rowStart[i]; c < rowStart[i + 1]; c++) T[base + (code[c] % k)]++;
    let max = 0;
    for (let y = 0; y < k; y++) max = Math.max(max, T[base + y]);
    let tied = 0;
    for (let y = 0; y < k; y++) tied += T[base + y] === max ? 1 : 0;
    for (let y = 0; y < k; y++) T[base + y] = T[base + y] === max ? 1 / tied : 0;
  }
  const start = { rowStart, code, covered, T };
  starts.set(L, start);
  return start;
}

/** Sparse votes and majority-vote soft labels to start from: uniform over the classes with the most votes. */
export function majorityVoteStart(L: LabelMatrix, o: ResolvedDsOptions): EmState {
  const { n, m, k } = L;
  const start = startOf(L);
  const { rowStart, code, covered } = start;
  const T = Float64Array.from(start.T); // EM updates its own copy
  return {
    k,
    m,
    rowStart,
    code,
    covered,
    uncoveredWeight: o.modelAbstain ? n - covered.length : 0,
    T,
    Tunc: new Float64Array(k).fill(1 / k),
    prior: o.fixedPrior ? Float64Array.from(o.fixedPrior) : new Float64Array(k),
    theta: new Float64Array(m * k * k),
    thetaAbstain: new Float64Array(o.modelAbstain ? m * k : 0),
    logTable: new Float64Array(m * k * k),
    offset: new Float64Array(k),
  };
}

/** M-step: expected confusion counts and the class prior from the soft labels, then θ, its log table and offset. */
export function mStep(s: EmState, o: ResolvedDsOptions): void {
  const { k, m, rowStart, code, covered, T, prior, theta, thetaAbstain, logTable, offset } = s;
  const counts = new Float64Array(m * k * k); // expected votes: counts[(j·k + l)·k + y]
  const voteMass = new Float64Array(m * k); // Σ over rows where LF j votes of T_iy
  const classMass = new Float64Array(k); // Σ over all rows in the fit of T_iy
  for (const i of covered) {
    const base = i * k;
    for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
      const a = code[c];
      const j = (a / k) | 0;
      for (let y = 0; y < k; y++) {
        counts[a * k + y] += T[base + y];
        voteMass[j * k + y] += T[base + y];
      }
    }
    for (let y = 0; y < k; y++) classMass[y] += T[base + y];
  }
  for (let y = 0; y < k; y++) classMass[y] += s.uncoveredWeight * s.Tunc[y];
  const fitRows = covered.length + s.uncoveredWeight;
  if (!o.fixedPrior) {
    // With abstains ignored, uncovered rows carry no evidence (their posterior is the prior itself): the fixed point is the covered mean.
    if (fitRows === 0) prior.fill(1 / k);
    else {
      for (let y = 0; y < k; y++) prior[y] = Math.max(classMass[y] / fitRows, 1e-12);
      normalizeInPlace(prior);
    }
  }
  const outcomes = o.modelAbstain ? k + 1 : k;
  const alpha = o.alpha;
  offset.fill(0);
  if (o.votePrior > 0) {
    diagonalPriorStep(s, o, counts, voteMass, classMass, fitRows);
    return;
  }
  for (let j = 0; j < m; j++) {
    for (let y = 0; y < k; y++) {
      // Denominator: rows of class y where LF j voted (ignore) or all rows of class y (model).
      const tot = o.modelAbstain ? classMass[y] : voteMass[j * k + y];
      const denom = tot + outcomes * alpha;
      let logAbs = 0;
      if (o.modelAbstain) {
        const abs = denom > 0 ? (Math.max(classMass[y] - voteMass[j * k + y], 0) + alpha) / denom : 1 / outcomes;
        thetaAbstain[j * k + y] = abs;
        logAbs = Math.log(Math.max(abs, 1e-12));
        offset[y] += logAbs;
      }
      for (let l = 0; l < k; l++) {
        const idx = (j * k + l) * k + y;
        const th = denom > 0 ? (counts[idx] + alpha) / denom : 1 / outcomes;
        theta[idx] = th;
        // A vote replaces LF j's abstain factor, which `offset` already counted for every LF.
        logTable[idx] = Math.log(Math.max(th, 1e-12)) - logAbs;
      }
    }
  }
}

/**
 * The M-step of θ with a Dirichlet prior that says "an LF's vote is evidence for the class it names": θ_j[y, l] =
 * P(j votes | y) · P(j votes l | j votes, y), the vote share shrunk toward `accuracy` on the diagonal (rest spread
 * evenly) with the weight of `votePrior` votes, and (abstains modelled) the vote rate shrunk toward LF j's overall vote
 * rate with the weight of `ratePrior` rows. Pseudo-counts scale with an LF's votes, not with the rows: a rare LF is
 * not swamped by them as a flat Laplace count over the k + 1 outcomes swamps it.
 */
function diagonalPriorStep(
  s: EmState,
  o: ResolvedDsOptions,
  counts: Float64Array,
  voteMass: Float64Array,
  classMass: Float64Array,
  fitRows: number,
): void {
  const { k, m, theta, thetaAbstain, logTable, offset } = s;
  const a0 = o.priorAccuracy;
  const off0 = (1 - a0) / (k - 1);
  for (let j = 0; j < m; j++) {
    let votes = 0;
    for (let y = 0; y < k; y++) votes += voteMass[j * k + y];
    const rate = fitRows > 0 ? votes / fitRows : 0;
    for (let y = 0; y < k; y++) {
      const vm = voteMass[j * k + y];
      const r = o.modelAbstain ? (vm + o.ratePrior * rate) / (classMass[y] + o.ratePrior) : 1;
      let logAbs = 0;
      if (o.modelAbstain) {
        const abs = Math.min(Math.max(1 - r, 1e-12), 1);
        thetaAbstain[j * k + y] = abs;
        logAbs = Math.log(abs);
        offset[y] += logAbs;
      }
      for (let l = 0; l < k; l++) {
        const idx = (j * k + l) * k + y;
        const share = (counts[idx] + o.votePrior * (l === y ? a0 : off0)) / (vm + o.votePrior);
        const th = r * share;
        theta[idx] = th;
        logTable[idx] = Math.log(Math.max(th, 1e-12)) - logAbs;
      }
    }
  }
}

/** E-step: posteriors under the parameters just estimated; returns their log-likelihood. */
export function eStep(s: EmState): number {
  const { k, rowStart, code, covered, T, prior, logTable, offset } = s;
  const logPrior = prior.map(Math.log);
  const scores = new Float64Array(k);
  let ll = 0;
  for (const i of covered) {
    const base = i * k;
    for (let y = 0; y < k; y++) scores[y] = logPrior[y] + offset[y];
    for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
      const t = code[c] * k;
      for (let y = 0; y < k; y++) scores[y] += logTable[t + y];
    }
    const lse = logSumExp(scores);
    ll += lse;
    for (let y = 0; y < k; y++) T[base + y] = Math.exp(scores[y] - lse);
  }
  if (s.uncoveredWeight > 0) {
    for (let y = 0; y < k; y++) scores[y] = logPrior[y] + offset[y];
    const lse = logSumExp(scores);
    ll += s.uncoveredWeight * lse;
    for (let y = 0; y < k; y++) s.Tunc[y] = Math.exp(scores[y] - lse);
  }
  return ll;
}

/** Class mix of each LF's votes under the final posteriors (abstains ignored: the accuracy weights). */
export function voteClassShares(s: EmState): Float64Array {
  const { k, m, rowStart, code, covered, T, prior } = s;
  const share = new Float64Array(m * k);
  for (const i of covered) {
    for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
      const j = (code[c] / k) | 0;
      for (let y = 0; y < k; y++) share[j * k + y] += T[i * k + y];
    }
  }
  for (let j = 0; j < m; j++) {
    let t = 0;
    for (let y = 0; y < k; y++) t += share[j * k + y];
    for (let y = 0; y < k; y++) share[j * k + y] = t > 0 ? share[j * k + y] / t : prior[y];
  }
  return share;
}
