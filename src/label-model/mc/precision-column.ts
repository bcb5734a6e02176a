import type { PrecisionProblem } from './precision-fit.js';

// The one hot loop of the Newton fit (mc/newton.ts) and its coordinate start (mc/coordinate-start.ts): one column's
// pair terms against every other voting column. Every pass — a loss, a gradient with Hessian, a coordinate sweep — is
// a loop over columns calling it, so in a fresh process the sweeps warm up the code the Newton passes then run,
// instead of each pass being a separate loop that starts in the interpreter (and whose optimized code deoptimized
// where a later loop had not run yet).

/** μ's on/off entries and their π-slopes for the active columns (indexed like `prob.active`), plus a d-sized row. */
export interface ColumnScratch {
  on: Float64Array;
  off: Float64Array;
  /** d on / d π. */
  cOn: Float64Array;
  /** −d off / d π. */
  cOff: Float64Array;
  /** Where a pass that keeps no Hessian lets `columnTerms` write its row. */
  row: Float64Array;
  /** columnTerms' sums: [Σ_b w r g_a, Σ_b w g_a²]. */
  sums: Float64Array;
}

/** Scratch for the passes over this problem (allocate once per fit). */
export function columnScratch(prob: PrecisionProblem): ColumnScratch {
  const na = prob.active.length;
  const f = () => new Float64Array(na);
  return { on: f(), off: f(), cOn: f(), cOff: f(), row: new Float64Array(prob.d), sums: new Float64Array(2) };
}

/** The rates of every active column at π. */
export function fillRates(prob: PrecisionProblem, pi: Float64Array, s: ColumnScratch): void {
  const { k, p, diag, active } = prob;
  for (let i = 0; i < active.length; i++) setRate(s, i, pi[active[i]], diag[active[i]], p[active[i] % k]);
}

/** Active column i's rates at precision π (firing rate `rate`, its class's prior `pl`). */
export function setRate(s: ColumnScratch, i: number, pi: number, rate: number, pl: number): void {
  s.cOn[i] = rate / pl;
  s.cOff[i] = rate / (1 - pl);
  s.on[i] = pi * s.cOn[i];
  s.off[i] = (1 - pi) * s.cOff[i];
}

/**
 * Active column ia (= a) against every active column b of another LF whose moment is not excluded: returns
 * Σ_b w_ab r_ab² (r = O_ab − q_ab), puts Σ_b w r ∂q/∂π_a and Σ_b w (∂q/∂π_a)² into `s.sums`, and writes the pair's
 * Hessian entry 2 w (∂q/∂π_a ∂q/∂π_b − r ∂²q/∂π_a∂π_b) at out[base + b] (entries of skipped b are left alone).
 * The moments and exclusions are read at (min, max): only the upper triangle is promised.
 */
export function columnTerms(prob: PrecisionProblem, s: ColumnScratch, excluded: Uint8Array, ia: number, out: Float64Array, base: number): number {
  const { O, d, k, p, active, u } = prob;
  const { on, off, cOn, cOff } = s;
  const na = active.length;
  const a = active[ia];
  const ja = (a / k) | 0;
  const la = a % k;
  const pa = p[la];
  const onA = on[ia];
  const offA = off[ia];
  const cOnA = cOn[ia];
  const cOffA = cOff[ia];
  let loss = 0;
  let num = 0;
  let den = 0;
  for (let ib = 0; ib < na; ib++) {
    const b = active[ib];
    const at = a < b ? a * d + b : b * d + a;
    if (((b / k) | 0) === ja || excluded[at] === 1) continue;
    const lb = b % k;
    // q and its partials are pairMoment's (mc/pair-moment.ts), inlined: a call per pair was ~7% slower on the
    // 100k-row fit; the Newton test checks these passes against the every-pair loss.
    let q: number;
    let ga: number; // ∂q/∂π_a
    let gb: number;
    let cross: number; // ∂²q/∂π_a∂π_b
    if (la === lb) {
      q = pa * onA * on[ib] + (1 - pa) * offA * off[ib];
      ga = pa * on[ib] * cOnA - (1 - pa) * off[ib] * cOffA;
      gb = pa * onA * cOn[ib] - (1 - pa) * offA * cOff[ib];
      cross = pa * cOnA * cOn[ib] + (1 - pa) * cOffA * cOff[ib];
    } else {
      const pb = p[lb];
      const rest = 1 - pa - pb;
      q = pa * onA * off[ib] + pb * offA * on[ib] + rest * offA * off[ib];
      ga = pa * off[ib] * cOnA - (pb * on[ib] + rest * off[ib]) * cOffA;
      gb = pb * offA * cOn[ib] - (pa * onA + rest * offA) * cOff[ib];
      cross = -pa * cOnA * cOff[ib] - pb * cOffA * cOn[ib] + rest * cOffA * cOff[ib];
    }
    const w = u[a] * u[b];
    const r = O[at] - q;
    loss += w * r * r;
    num += w * r * ga;
    den += w * ga * ga;
    out[base + b] = 2 * w * (ga * gb - r * cross);
  }
  s.sums[0] = num;
  s.sums[1] = den;
  return loss;
}
