/**
 * Small statistics kit for slices and drift: normal and chi-square tails, the Wilson interval, two-proportion and
 * chi-square tests, the two-sample Kolmogorov–Smirnov test, the population stability index, and p-value adjustment.
 */

/** erfc(x) (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** ln Γ(x) (Lanczos, g = 7). */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(s, x) (series below s + 1, continued fraction above). */
function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  const lg = logGamma(s);
  if (x < s + 1) {
    let sum = 1 / s;
    let term = sum;
    for (let k = 1; k < 1000; k++) {
      term *= x / (s + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + s * Math.log(x) - lg));
  }
  // Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + s * Math.log(x) - lg) * h;
}

/** P(X > x) for X ~ chi-square with df degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (df <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** Wilson score interval for a proportion (successes of n) at the given two-sided confidence (default 0.95). */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Two-sided p-value of the pooled two-proportion z-test (x1 of n1 against x2 of n2); 1 when either side is empty.
 * `continuity` applies Yates' correction, which keeps far tails honest for small counts (many tests, Bonferroni).
 */
export function twoProportionP(x1: number, n1: number, x2: number, n2: number, continuity = false): number {
  if (n1 === 0 || n2 === 0) return 1;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const gap = Math.max(0, Math.abs(x1 / n1 - x2 / n2) - (continuity ? 0.5 * (1 / n1 + 1 / n2) : 0));
  return Math.min(1, 2 * normalSf(gap / se));
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p: number;
  /** Cramér's V for a 2 × c table: sqrt(χ² / N). */
  cramersV: number;
}

/**
 * Pearson's chi-square test of homogeneity for two count vectors over the same cells. Cells empty on both sides are
 * dropped; callers pool rare cells first so expected counts stay ≥ 5 for the asymptotic p-value to hold.
 */
export function chiSquareTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): ChiSquareResult {
  let na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    na += a[i];
    nb += b[i];
  }
  const N = na + nb;
  if (na === 0 || nb === 0) return { statistic: 0, df: 0, p: 1, cramersV: 0 };
  let stat = 0;
  let cells = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i] + b[i];
    if (t === 0) continue;
    cells++;
    const ea = (t * na) / N;
    const eb = (t * nb) / N;
    stat += (a[i] - ea) ** 2 / ea + (b[i] - eb) ** 2 / eb;
  }
  const df = cells - 1;
  return { statistic: stat, df, p: df > 0 ? chiSquareSf(stat, df) : 1, cramersV: Math.sqrt(stat / N) };
}

/**
 * Pools cells whose count on both sides together is below `min` into one last cell, so the chi-square
 * approximation holds. Returns the pooled vectors and, per kept cell, its index in the input (-1 for the pool).
 */
export function poolRareCells(a: ArrayLike<number>, b: ArrayLike<number>, min = 10): { a: number[]; b: number[]; cells: number[] } {
  const oa: number[] = [],
    ob: number[] = [],
    cells: number[] = [];
  let ra = 0,
    rb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] + b[i] >= min) {
      oa.push(a[i]);
      ob.push(b[i]);
      cells.push(i);
    } else {
      ra += a[i];
      rb += b[i];
    }
  }
  if (ra + rb > 0) {
    oa.push(ra);
    ob.push(rb);
    cells.push(-1);
  }
  return { a: oa, b: ob, cells };
}

/**
 * Population stability index Σ (q − p) ln(q / p) between the reference shares p and the new shares q of the same
 * cells, with each share floored at 1e-4 so an empty cell does not make it infinite. < 0.1 stable, 0.1–0.25
 * moderate, > 0.25 major shift (the usual reading).
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let na = 0,
    nb = 0;
  for (let i = 0; i < reference.length; i++) {
    na += reference[i];
    nb += current[i];
  }
  if (na === 0 || nb === 0) return 0;
  const eps = 1e-4;
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = Math.max(reference[i] / na, eps);
    const q = Math.max(current[i] / nb, eps);
    s += (q - p) * Math.log(q / p);
  }
  return s;
}

/** Kolmogorov's limiting distribution P(K > λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²). */
function kolmogorovSf(lambda: number): number {
  if (lambda < 0.2) return 1;
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    s += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, s));
}

/**
 * Two-sample Kolmogorov–Smirnov test on sorted samples: D = the largest gap between the empirical CDFs, and its
 * asymptotic p-value with Stephens' small-sample correction. O(n + m) after sorting.
 */
export function ksTwoSample(sortedA: ArrayLike<number>, sortedB: ArrayLike<number>): { d: number; p: number } {
  const n = sortedA.length,
    m = sortedB.length;
  if (n === 0 || m === 0) return { d: 0, p: 1 };
  let i = 0,
    j = 0,
    d = 0;
  while (i < n && j < m) {
    const x = Math.min(sortedA[i], sortedB[j]);
    while (i < n && sortedA[i] <= x) i++;
    while (j < m && sortedB[j] <= x) j++;
    const gap = Math.abs(i / n - j / m);
    if (gap > d) d = gap;
  }
  const ne = Math.sqrt((n * m) / (n + m));
  return { d, p: kolmogorovSf((ne + 0.12 + 0.11 / ne) * d) };
}

/** Holm's step-down adjustment (controls the family-wise error rate; valid under any dependence). */
export function holm(p: readonly number[]): number[] {
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  const out = new Array<number>(p.length);
  let running = 0;
  order.forEach((i, r) => {
    running = Math.max(running, Math.min(1, (p.length - r) * p[i]));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg adjusted p-values (q-values; controls the false discovery rate). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a]);
  const out = new Array<number>(m);
  let running = 1;
  order.forEach((i, r) => {
    const rank = m - r;
    running = Math.min(running, (p[i] * m) / rank);
    out[i] = Math.min(1, running);
  });
  return out;
}
