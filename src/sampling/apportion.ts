/**
 * Splits `total` into whole numbers in proportion to `weights` by largest remainder (Hamilton), within per-item
 * bounds `min ≤ a_i ≤ max`. The real-valued quota of item i is clamp(λ·w_i, min_i, max_i) with λ chosen so the
 * quotas sum to `total`; each allocation is its quota rounded down or up, so it is within 1 of the quota.
 * An item that cannot use its share (a small stratum, an exhausted part) is held at its cap and the rest flows to
 * the others. Remainder ties go to the larger weight, then the lower index, so the result is deterministic.
 *
 * The result sums to `total` unless the caps do not allow it (then every item sits at its cap), or the only items
 * with room have weight 0 (zero-weight items never get more than their minimum).
 */
export function apportion(total: number, weights: ArrayLike<number>, max?: ArrayLike<number>, min?: ArrayLike<number>): Int32Array {
  const n = weights.length;
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`apportion: total must be a non-negative integer, got ${total}`);
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  let sumHi = 0;
  let sumLo = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`apportion: weight ${i} is ${w}; weights must be finite and ≥ 0`);
    hi[i] = max ? Math.max(0, Math.floor(max[i])) : Infinity;
    lo[i] = min ? Math.min(Math.max(0, Math.ceil(min[i])), hi[i]) : 0;
    sumHi += hi[i];
    sumLo += lo[i];
  }
  if (sumLo > total) throw new RangeError(`apportion: minimums sum to ${sumLo}, more than the total ${total}`);
  const out = new Int32Array(n);
  if (sumHi <= total) {
    for (let i = 0; i < n; i++) out[i] = hi[i];
    return out;
  }
  const quota = quotas(total, weights, lo, hi);
  let given = 0;
  for (let i = 0; i < n; i++) {
    // 1e-9 absorbs float dust from the λ search (a quota of 2.9999999999 is 3).
    out[i] = Math.min(hi[i], Math.floor(quota[i] + 1e-9));
    given += out[i];
  }
  while (given > total) {
    // Only reachable through float dust: take the seat back from the item that rounded up the most.
    let worst = -1;
    for (let i = 0; i < n; i++) if (out[i] > lo[i] && (worst < 0 || out[i] - quota[i] > out[worst] - quota[worst])) worst = i;
    out[worst]--;
    given--;
  }
  // Largest remainders get the seats left over by rounding down.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const ra = quota[a] - out[a];
    const rb = quota[b] - out[b];
    if (ra !== rb) return rb - ra;
    if (weights[a] !== weights[b]) return weights[b] - weights[a];
    return a - b;
  });
  for (let pass = 0; given < total && pass < 2; pass++) {
    for (const i of order) {
      if (given >= total) break;
      // First pass: only items with a fractional quota (Hamilton). Second pass (float dust only): anyone with room.
      if (out[i] + 1 > hi[i] || (pass === 0 && quota[i] - out[i] <= 1e-9) || (pass === 1 && weights[i] === 0)) continue;
      out[i]++;
      given++;
    }
  }
  return out;
}

/** Real-valued quotas clamp(λ·w_i, lo_i, hi_i) summing to `total` (or as close as the bounds and weights allow). */
function quotas(total: number, weights: ArrayLike<number>, lo: Float64Array, hi: Float64Array): Float64Array {
  const n = weights.length;
  const at = (lambda: number, out?: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const q = Math.min(hi[i], Math.max(lo[i], lambda * weights[i]));
      if (out) out[i] = q;
      s += q;
    }
    return s;
  };
  // Bracket λ: grow until the clamped sum reaches the total (it may never, when the items with room weigh 0).
  let a = 0;
  let b = 1;
  let guard = 0;
  while (at(b) < total && guard++ < 1000) b *= 2;
  for (let it = 0; it < 200 && b - a > 0; it++) {
    const mid = (a + b) / 2;
    if (mid === a || mid === b) break;
    if (at(mid) < total) a = mid;
    else b = mid;
  }
  const out = new Float64Array(n);
  at(b, out);
  return out;
}
