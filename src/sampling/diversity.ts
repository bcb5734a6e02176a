import { sketchDot, sketchRows, SKETCH_DIM } from './sketch.js';
import type { SparseRowsView } from './feature-view.js';
import { hash2, type Rng } from '../util/rng.js';

export interface DiverseSelectOptions {
  /** Rows already chosen (earlier parts, labeled rows): a pick far from them is preferred. At most `maxAnchors` are used. */
  anchors?: ArrayLike<number>;
  maxAnchors?: number;
  /**
   * Group of each candidate (0..groups−1), e.g. its predicted class: pick t is taken from group t mod groups (skipping
   * groups with no candidates left), so the groups share the batch equally.
   */
  groupOf?: Int32Array;
  groups?: number;
}

/**
 * Weighted k-center greedy: repeatedly picks the candidate maximising score · distance, where distance is the cosine
 * distance (1 − cos, on sketches) to the nearest row picked so far or anchor. With equal scores this is plain k-center
 * greedy (spread over the feature space); with scores it trades "how useful" against "how unlike what we have", so a
 * batch is not fifty copies of one hard case. Scores must be ≥ 0; candidates are given best first.
 * Ties are broken by a seeded hash of the row index. O(candidates · (count + anchors) · 128).
 */
export function diverseSelect(
  X: SparseRowsView,
  candidates: ArrayLike<number>,
  score: Float64Array,
  count: number,
  rng: Rng,
  options: DiverseSelectOptions = {},
): number[] {
  const c = candidates.length;
  const take = Math.min(count, c);
  if (take <= 0) return [];
  const S = sketchRows(X, candidates);
  const dist = new Float64Array(c).fill(1);
  const anchors = options.anchors ?? [];
  const maxAnchors = options.maxAnchors ?? 2000;
  if (anchors.length > 0) {
    // Use a seeded subset of anchors when there are many: the nearest-anchor distance only needs to be approximate.
    let list: ArrayLike<number> = anchors;
    if (anchors.length > maxAnchors) {
      const a = Array.from(anchors);
      const sub = rng.fork('anchors');
      for (let i = 0; i < maxAnchors; i++) {
        const j = i + sub.int(a.length - i);
        [a[i], a[j]] = [a[j], a[i]];
      }
      list = a.slice(0, maxAnchors);
    }
    const A = sketchRows(X, list);
    for (let r = 0; r < list.length; r++) {
      for (let q = 0; q < c; q++) {
        const d = 1 - sketchDot(S, q, A, r);
        if (d < dist[q]) dist[q] = d;
      }
    }
  }
  const tieSeed = rng.int(0x7fffffff);
  const used = new Uint8Array(c);
  const out: number[] = [];
  const G = options.groupOf ? Math.max(1, options.groups ?? 1) : 1;
  const left = new Int32Array(G);
  for (let q = 0; q < c; q++) left[options.groupOf ? options.groupOf[q] : 0]++;
  let turn = 0;
  for (let t = 0; t < take; t++) {
    let best = -1;
    let bestVal = -Infinity;
    let bestHash = 0;
    while (left[turn % G] === 0) turn++;
    const group = turn % G;
    turn++;
    for (let q = 0; q < c; q++) {
      if (used[q]) continue;
      if (options.groupOf && options.groupOf[q] !== group) continue;
      const v = Math.round(score[candidates[q]] * Math.max(dist[q], 0) * 1e9) / 1e9;
      const h = hash2(tieSeed, candidates[q]);
      if (v > bestVal || (v === bestVal && h < bestHash)) {
        best = q;
        bestVal = v;
        bestHash = h;
      }
    }
    used[best] = 1;
    left[group]--;
    out.push(candidates[best]);
    for (let q = 0; q < c; q++) {
      if (used[q]) continue;
      const d = 1 - sketchDot(S, q, S, best, SKETCH_DIM);
      if (d < dist[q]) dist[q] = d;
    }
  }
  return out;
}
