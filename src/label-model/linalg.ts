/**
 * The little dense linear algebra the label models need, on row-major Float64Arrays.
 * Matrices here are small (d = m·k rows at most a few thousand), so plain loops in cache-friendly order suffice.
 */

/** Natural log of the sum of exponentials of x[from..from+len), computed without overflow. */
export function logSumExp(x: Float64Array, from = 0, len = x.length - from): number {
  let max = -Infinity;
  for (let i = from; i < from + len; i++) if (x[i] > max) max = x[i];
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let i = from; i < from + len; i++) s += Math.exp(x[i] - max);
  return max + Math.log(s);
}

/** Median of the values (copies; NaN-free input expected). Returns NaN for an empty list. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(values).sort();
  return n % 2 ? a[(n - 1) >> 1] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Normalizes non-negative weights to sum 1 in place; all-zero input becomes uniform. */
export function normalizeInPlace(p: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i];
  if (!(s > 0)) p.fill(1 / p.length);
  else for (let i = 0; i < p.length; i++) p[i] /= s;
  return p;
}
