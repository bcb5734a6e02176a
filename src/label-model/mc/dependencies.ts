/**
 * LF pairs that co-vote more often than the fitted conditionally independent model explains: the residual of each
 * co-vote moment, O_ab − q_ab with q_ab = Σ_y p_y μ_ay μ_by, in units of its sampling noise (a co-vote count is about
 * Poisson, so sd(O_ab) ≈ √(q_ab / n)). Two LFs that fire on the same rows for a reason other than the class (one
 * keyword inside another, a copied rule) show a large positive z on the cells where they vote the same class; the
 * model reads that excess as agreement and overstates both accuracies (the spam demo's keyword_my and
 * keyword_channel). Structure learning in the spirit of Bach et al. 2017 / Varma et al. 2019, by the moments the fit
 * already has.
 */
export interface DependentPair {
  /** Augmented columns a < b (LF a/k votes a%k, LF b/k votes b%k) of different LFs. */
  a: number;
  b: number;
  /** Observed and fitted co-vote rates. */
  observed: number;
  fitted: number;
  z: number;
}

/** z above which a pair counts as dependent, and the observed/fitted ratio it must also reach. */
export const DEPENDENCE_Z = 6;
export const DEPENDENCE_RATIO = 1.5;

/** Pairs with z > DEPENDENCE_Z and observed ≥ DEPENDENCE_RATIO × fitted, strongest first. */
export function dependentPairs(O: Float64Array, n: number, d: number, k: number, p: Float64Array, mu: Float64Array): DependentPair[] {
  const out: DependentPair[] = [];
  if (n === 0) return out;
  const pa = new Float64Array(k);
  for (let a = 0; a < d; a++) {
    if (O[a * d + a] === 0) continue;
    for (let y = 0; y < k; y++) pa[y] = p[y] * mu[a * k + y];
    dependentRow(O, n, d, k, pa, mu, a, out);
  }
  return out.sort((x, y) => y.z - x.z || x.a - y.a || x.b - y.b);
}

/**
 * Row a's dependent pairs with later LFs' columns into `out`; pa_y = p_y μ_ay. The ratio test goes first: it is
 * cheap and rejects nearly every pair of a fitted model, so the z-score is computed for few. A small function of its
 * own: V8 optimizes it within the first rows of a fresh process.
 */
function dependentRow(O: Float64Array, n: number, d: number, k: number, pa: Float64Array, mu: Float64Array, a: number, out: DependentPair[]): void {
  for (let b = (((a / k) | 0) + 1) * k; b < d; b++) {
    const o = O[a * d + b];
    if (o === 0) continue;
    let q = 0;
    for (let y = 0; y < k; y++) q += pa[y] * mu[b * k + y];
    if (!(o >= DEPENDENCE_RATIO * q)) continue;
    const z = (o - q) / Math.sqrt(Math.max(q, 1 / n) / n);
    if (z > DEPENDENCE_Z) out.push({ a, b, observed: o, fitted: q, z });
  }
}

/** One sentence per LF pair (its strongest cell), at most `top`. */
export function describeDependencies(
  pairs: readonly DependentPair[],
  k: number,
  lfNames: readonly string[],
  labels: readonly string[],
  top = 3,
): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const x of pairs) {
    const ja = (x.a / k) | 0;
    const jb = (x.b / k) | 0;
    const key = `${ja}:${jb}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (lines.length === top) continue;
    const va = labels[x.a % k];
    const vb = labels[x.b % k];
    const what = va === vb ? `vote ${va} together` : `vote ${va} and ${vb} together`;
    lines.push(
      `${lfNames[ja]} and ${lfNames[jb]} ${what} ${(x.observed / x.fitted).toFixed(1)}× as often as the fitted model explains (z = ${x.z.toFixed(1)})`,
    );
  }
  const more = seen.size - lines.length;
  return more > 0 ? [...lines, `and ${more} more LF pair${more === 1 ? '' : 's'}`] : lines;
}
