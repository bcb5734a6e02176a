import { hash2 } from '../util/rng.js';

/** Rows not yet taken that pass `keep`, in index order. */
export function eligibleRows(n: number, taken: Uint8Array, keep?: (i: number) => boolean): Int32Array {
  const buf = new Int32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) if (taken[i] === 0 && (!keep || keep(i))) buf[c++] = i;
  return buf.subarray(0, c);
}

/**
 * The `count` items of `pool` with the highest `score` (then the highest `score2`), best first. Ties are broken by a
 * seeded hash of the row index, so equal scores do not always favour the top of the file, and a run reproduces.
 * A bounded heap keeps this O(pool · log count), which matters for 1M-row pools and small counts.
 */
export function topByScore(pool: ArrayLike<number>, count: number, score: Float64Array, tieSeed: number, score2?: Float64Array): number[] {
  const better = (a: number, b: number): boolean => {
    if (score[a] !== score[b]) return score[a] > score[b];
    if (score2 && score2[a] !== score2[b]) return score2[a] > score2[b];
    const ha = hash2(tieSeed, a);
    const hb = hash2(tieSeed, b);
    if (ha !== hb) return ha < hb;
    return a < b;
  };
  const size = Math.min(count, pool.length);
  if (size <= 0) return [];
  // Min-heap (worst at the root) of the best `size` seen so far.
  const heap = new Int32Array(size);
  let h = 0;
  const siftUp = (pos: number): void => {
    const x = heap[pos];
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!better(heap[parent], x)) break;
      heap[pos] = heap[parent];
      pos = parent;
    }
    heap[pos] = x;
  };
  const siftDown = (pos: number): void => {
    const x = heap[pos];
    for (;;) {
      let c = 2 * pos + 1;
      if (c >= h) break;
      if (c + 1 < h && better(heap[c], heap[c + 1])) c++;
      if (!better(x, heap[c])) break;
      heap[pos] = heap[c];
      pos = c;
    }
    heap[pos] = x;
  };
  for (let p = 0; p < pool.length; p++) {
    const i = pool[p];
    if (h < size) {
      heap[h] = i;
      siftUp(h++);
    } else if (better(i, heap[0])) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return Array.from(heap).sort((a, b) => (better(a, b) ? -1 : 1));
}

/** Groups `pool` by stratum id (0..strata-1), keeping index order inside each group. */
export function groupByStratum(pool: ArrayLike<number>, stratumOf: Int32Array, strata: number): Int32Array[] {
  const counts = new Int32Array(strata);
  for (let p = 0; p < pool.length; p++) counts[stratumOf[pool[p]]]++;
  const groups = Array.from({ length: strata }, (_, s) => new Int32Array(counts[s]));
  const fill = new Int32Array(strata);
  for (let p = 0; p < pool.length; p++) {
    const s = stratumOf[pool[p]];
    groups[s][fill[s]++] = pool[p];
  }
  return groups;
}
