import { sketchDot, sketchRows, SKETCH_DIM } from './sketch.js';
import type { SparseRowsView } from './feature-view.js';
import { hash2, type Rng } from '../util/rng.js';

export interface DiverseSelectOptions {
  /** Rows already chosen (earlier parts, labeled rows): a pick far from them is preferred. At most `maxAnchors` are used. */
  anchors?: ArrayLike<number>;
  maxAnchors?: number;
  /**
   * Group of each candidate (0..groups−1), e.g. its predicted class: each pick is taken from the group furthest below
   * its share (skipping groups with no candidates left), so the groups share the batch by `groupWeights`.
   */
  groupOf?: Int32Array;
  groups?: number;
  /** Share of each group (any scale; default equal shares, i.e. the groups take turns). */
  groupWeights?: ArrayLike<number>;
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
  const share = Float64Array.from({ length: G }, (_, g) => Math.max(options.groupWeights?.[g] ?? 1, 1e-12));
  const got = new Int32Array(G);
  for (let t = 0; t < take; t++) {
    let best = -1;
    let bestVal = -Infinity;
    let bestHash = 0;
    // The group with the fewest picks relative to its share (lowest index on ties): equal shares take turns.
    let group = -1;
    for (let g = 0; g < G; g++) if (left[g] > 0 && (group < 0 || got[g] / share[g] < got[group] / share[group])) group = g;
    got[group]++;
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
