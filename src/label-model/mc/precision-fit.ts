import { clamp } from '../linalg.js';
import { createStepper } from '../optimizers.js';
import type { ResolvedOptions } from './options.js';

// ballot's fit: one precision per (LF, voted class).

/** The problem in precision form: first moments, the columns that vote, each π's prior and bounds. */
interface PrecisionProblem {
  O: Float64Array;
  n: number;
  d: number;
  k: number;
  p: Float64Array;
  diag: Float64Array;
  active: number[];
  pi0: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  strength: number;
}

/**
 * One parameter per augmented column a = (LF j, class l): its precision π_a = P(Y = l | λ_j = l). Votes for l are
 * assumed equally likely under every other class, so with P(λ_j = l) = O_aa known exactly,
 *   μ[a, l] = π_a O_aa / p_l,   μ[a, y≠l] = (1 − π_a) O_aa / (1 − p_l),
 * which satisfies every first moment by construction. The second moments are matched in the units of their sampling
 * noise (a co-vote count's variance is about its mean, n·O_aa·O_bb when the pair is unrelated), and the prior pulls
 * each π_a toward prec_j with the weight of `priorStrength` votes:
 *   Σ_{a<b, different LFs} n (O_ab − (μPμᵀ)_ab)² / (O_aa O_bb)  +  s Σ_a (π_a − prec_j)² / (prec_j (1 − prec_j)).
 * π_a is kept in [p_l, 1] (better than random: the symmetry breaking) and where μ stays a probability.
 */
export function fitPrecisions(
  O: Float64Array,
  n: number,
  d: number,
  k: number,
  p: Float64Array,
  opts: ResolvedOptions,
): { mu: Float64Array; lossHistory: number[] } {
  const prob = precisionProblem(O, n, d, k, p, opts);
  const pi = new Float64Array(d);
  for (let a = 0; a < d; a++) pi[a] = clamp(prob.pi0[a], prob.lo[a], prob.hi[a]);
  const mu = new Float64Array(d * k);
  const on = new Float64Array(d);
  const off = new Float64Array(d);
  const gOn = new Float64Array(d);
  const gOff = new Float64Array(d);
  const grad = new Float64Array(d);
  const step = createStepper('adam', opts.lr, d);
  const history: number[] = [];
  for (let epoch = 0; epoch <= opts.epochs; epoch++) {
    expandPrecisions(prob, pi, mu);
    if (epoch === opts.epochs) break;
    const loss = precisionLossAndGradient(prob, pi, on, off, gOn, gOff, grad);
    history.push(loss);
    if (!Number.isFinite(loss)) break;
    const h = history.length;
    if (h > 10 && Math.abs(history[h - 11] - loss) <= opts.tolerance * Math.abs(loss)) {
      expandPrecisions(prob, pi, mu);
      break;
    }
    step(pi, grad);
    for (const a of prob.active) pi[a] = clamp(pi[a], prob.lo[a], prob.hi[a]);
  }
  return { mu, lossHistory: history };
}

function precisionProblem(O: Float64Array, n: number, d: number, k: number, p: Float64Array, opts: ResolvedOptions): PrecisionProblem {
  const diag = new Float64Array(d);
  for (let a = 0; a < d; a++) diag[a] = O[a * d + a];
  const active: number[] = [];
  for (let a = 0; a < d; a++) if (diag[a] > 0) active.push(a);
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const pi0 = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    const l = a % k;
    pi0[a] = opts.precInit[(a / k) | 0];
    lo[a] = diag[a] > 0 ? Math.max(p[l], 1 - (1 - p[l]) / diag[a]) : p[l];
    hi[a] = diag[a] > 0 ? Math.min(1, p[l] / diag[a]) : 1;
  }
  return { O, n, d, k, p, diag, active, pi0, lo, hi, strength: opts.priorStrength };
}

/** μ from the precisions (see fitPrecisions). */
function expandPrecisions({ d, k, p, diag }: PrecisionProblem, pi: Float64Array, mu: Float64Array): void {
  for (let a = 0; a < d; a++) {
    const l = a % k;
    const on = (pi[a] * diag[a]) / p[l];
    const off = ((1 - pi[a]) * diag[a]) / (1 - p[l]);
    for (let y = 0; y < k; y++) mu[a * k + y] = y === l ? on : off;
  }
}

/**
 * The weighted moment loss plus the prior pull; writes d loss / d π into `grad`. Each μ row is two numbers (on its
 * voted class, off elsewhere), so a pair's predicted co-vote rate q = Σ_y p_y μ_ay μ_by and its derivatives have a
 * closed form: O(1) per pair instead of O(k). `on`, `off`, `gOn`, `gOff` are d-sized scratch.
 */
function precisionLossAndGradient(
  prob: PrecisionProblem,
  pi: Float64Array,
  on: Float64Array,
  off: Float64Array,
  gOn: Float64Array,
  gOff: Float64Array,
  grad: Float64Array,
): number {
  const { O, n, d, k, p, diag, active, pi0, strength: s } = prob;
  for (const a of active) {
    const l = a % k;
    on[a] = (pi[a] * diag[a]) / p[l];
    off[a] = ((1 - pi[a]) * diag[a]) / (1 - p[l]);
    gOn[a] = 0;
    gOff[a] = 0;
  }
  let loss = 0;
  for (let ia = 0; ia < active.length; ia++) {
    const a = active[ia];
    const ja = (a / k) | 0;
    const la = a % k;
    const pa = p[la];
    const onA = on[a];
    const offA = off[a];
    const wa = n / diag[a];
    let sumOn = 0;
    let sumOff = 0;
    for (let ib = ia + 1; ib < active.length; ib++) {
      const b = active[ib];
      if (((b / k) | 0) === ja) continue;
      const lb = b % k;
      const onB = on[b];
      const offB = off[b];
      let q: number;
      let dOnA: number;
      let dOffA: number;
      let dOnB: number;
      let dOffB: number;
      if (la === lb) {
        q = pa * onA * onB + (1 - pa) * offA * offB;
        dOnA = pa * onB;
        dOffA = (1 - pa) * offB;
        dOnB = pa * onA;
        dOffB = (1 - pa) * offA;
      } else {
        const pb = p[lb];
        const rest = 1 - pa - pb;
        q = pa * onA * offB + pb * offA * onB + rest * offA * offB;
        dOnA = pa * offB;
        dOffA = pb * onB + rest * offB;
        dOnB = pb * offA;
        dOffB = pa * onA + rest * offA;
      }
      const r = O[a * d + b] - q;
      const w = wa / diag[b];
      loss += w * r * r;
      const g = -2 * w * r;
      sumOn += g * dOnA;
      sumOff += g * dOffA;
      gOn[b] += g * dOnB;
      gOff[b] += g * dOffB;
    }
    gOn[a] += sumOn;
    gOff[a] += sumOff;
  }
  // Chain rule through on(π), off(π), then the prior term.
  for (const a of active) {
    const l = a % k;
    const g = gOn[a] * (diag[a] / p[l]) - gOff[a] * (diag[a] / (1 - p[l]));
    const dev = pi[a] - pi0[a];
    const v = pi0[a] * (1 - pi0[a]);
    loss += (s * dev * dev) / v;
    grad[a] = g + (2 * s * dev) / v;
  }
  return loss;
}
