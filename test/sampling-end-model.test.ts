import { describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, createRng, ConfigError } from '../src/index.js';
import {
  createSampleContext,
  diverseUncertainSampler,
  representativeSampler,
  runRecipe,
  uncertaintySampler,
  type Recipe,
  type SparseRowsView,
} from '../src/internal.js';

/** CSR rows from lists of (feature, value), l2-normalised. */
function csr(rows: [number, number][][], dim: number): SparseRowsView {
  const indptr = new Int32Array(rows.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  rows.forEach((r, i) => {
    const sorted = [...r].sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(sorted.reduce((s, [, v]) => s + v * v, 0)) || 1;
    for (const [f, v] of sorted) {
      idx.push(f);
      val.push(v / norm);
    }
    indptr[i + 1] = idx.length;
  });
  return { n: rows.length, dim, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

/**
 * Clustered pool: cluster c's rows use 8 of the features c*50..c*50+11 (disjoint across clusters).
 * Cluster 0 is big and the most uncertain (variants of one hard case); clusters 1..4 are small and a bit less uncertain.
 */
function clusteredPool(seed = 3) {
  const rng = createRng(seed);
  const sizes = [300, 30, 30, 30, 30];
  const rows: [number, number][][] = [];
  const cluster: number[] = [];
  const uncertainty: number[] = [];
  sizes.forEach((size, c) => {
    for (let r = 0; r < size; r++) {
      const feats = new Map<number, number>();
      while (feats.size < 8) feats.set(c * 50 + rng.int(12), 0.5 + rng.next());
      rows.push([...feats]);
      cluster.push(c);
      uncertainty.push(c === 0 ? 0.9 + 0.1 * rng.next() : 0.6 + 0.2 * rng.next());
    }
  });
  const X = csr(rows, 256);
  const n = rows.length;
  // Binary probabilities whose margin-uncertainty is the wanted value: p1 − p2 = 1 − u.
  const probs = new Float64Array(n * 2);
  uncertainty.forEach((u, i) => {
    const top = (1 + (1 - u)) / 2;
    probs[2 * i] = top;
    probs[2 * i + 1] = 1 - top;
  });
  return { X, probs, cluster, n };
}

describe('end-model samplers', () => {
  it('diverseUncertain spreads a batch over every cluster, where plain uncertainty stays in the most uncertain one', () => {
    const { X, probs, cluster, n } = clusteredPool();
    const ctx = createSampleContext({ probs, labels: ['a', 'b'], endModel: { X, probs } });
    const diverse = diverseUncertainSampler().select(ctx, 5, new Uint8Array(n), createRng(1));
    expect(new Set(diverse.map((i) => cluster[i]))).toEqual(new Set([0, 1, 2, 3, 4]));
    const plain = uncertaintySampler({ measure: 'margin' }).select(ctx, 5, new Uint8Array(n), createRng(1));
    expect(new Set(plain.map((i) => cluster[i]))).toEqual(new Set([0]));
  });

  it('representative covers the dense regions and keeps away from rows already taken', () => {
    const { X, probs, cluster, n } = clusteredPool(5);
    const ctx = createSampleContext({ probs, labels: ['a', 'b'], endModel: { X, probs } });
    const picked = representativeSampler().select(ctx, 5, new Uint8Array(n), createRng(2));
    expect(new Set(picked.map((i) => cluster[i])).size).toBe(5);
    // With all of cluster 0 but one row already labeled, the row of cluster 0 is not preferred over the others.
    const taken = new Uint8Array(n);
    for (let i = 0; i < 299; i++) taken[i] = 1;
    const next = representativeSampler().select(ctx, 4, taken, createRng(2));
    expect(next.every((i) => !taken[i])).toBe(true);
    expect(new Set(next.map((i) => cluster[i]))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('balance shares a batch over the predicted classes: equal, ∝ √rows, or ∝ rows', () => {
    const { X, probs, cluster, n } = clusteredPool(5);
    // Clusters 1..4 (120 rows) predict class 1, cluster 0 (300 rows) class 0.
    for (let i = 0; i < n; i++) if (cluster[i] > 0) [probs[2 * i], probs[2 * i + 1]] = [probs[2 * i + 1], probs[2 * i]];
    const ctx = createSampleContext({ probs, labels: ['a', 'b'], endModel: { X, probs } });
    const ones = (balance: 'equal' | 'sqrt' | 'proportional') =>
      representativeSampler({ balance, candidates: 100 })
        .select(ctx, 20, new Uint8Array(n), createRng(2))
        .filter((i) => cluster[i] > 0).length;
    expect(ones('equal')).toBe(10);
    expect(ones('sqrt')).toBe(8); // 20 · √120 / (√120 + √300) = 7.7
    expect(ones('proportional')).toBe(6); // 20 · 120 / 420 = 5.7
    expect(() => runRecipe({ budget: 5, parts: [{ representative: 1, balance: 'even' } as never] }, ctx)).toThrow(/balance has an invalid value/);
  });

  it('a seeded recipe of end-model parts reproduces byte for byte', () => {
    const { X, probs, n } = clusteredPool(7);
    const rng = createRng(4);
    const votes = Array.from({ length: n }, () => [rng.next() < 0.5 ? rng.int(2) : -1, rng.next() < 0.5 ? rng.int(2) : -1]);
    const L = LabelMatrix.fromRows(votes, ['a', 'b']);
    const lm = new MajorityVote().predictProba(L);
    const recipe: Recipe = {
      budget: 60,
      seed: 11,
      parts: [
        { diverseUncertain: 0.4 },
        { representative: 0.2 },
        { modelDisagreement: 0.1 },
        { coverageGap: 0.1, pick: 'representative' },
        { random: 0.2 },
      ],
    };
    const run = () => runRecipe(recipe, createSampleContext({ probs: lm, L, endModel: { X, probs } }));
    const a = run();
    const b = run();
    expect(Buffer.from(a.indices.buffer).equals(Buffer.from(b.indices.buffer))).toBe(true);
    expect(a.indices.length).toBe(60);
    expect(new Set(a.indices).size).toBe(60);
    const c = runRecipe({ ...recipe, seed: 12 }, createSampleContext({ probs: lm, L, endModel: { X, probs } }));
    expect(Array.from(c.indices)).not.toEqual(Array.from(a.indices));
  });

  it('an end-model part without an end model is one ConfigError naming the sampler', () => {
    const { probs } = clusteredPool();
    const ctx = createSampleContext({ probs, labels: ['a', 'b'] });
    expect(() => runRecipe({ budget: 5, parts: [{ diverseUncertain: 1 }] }, ctx)).toThrow(ConfigError);
    expect(() => runRecipe({ budget: 5, parts: [{ diverseUncertain: 1 }] }, ctx)).toThrow(/diverseUncertain sampler needs the end model/);
  });

  it('runRecipe never selects an excluded row', () => {
    const { X, probs, n } = clusteredPool(9);
    const ctx = createSampleContext({ probs, labels: ['a', 'b'], endModel: { X, probs } });
    const exclude = new Uint8Array(n);
    for (let i = 0; i < n; i += 2) exclude[i] = 1;
    const r = runRecipe({ budget: 150, parts: [{ diverseUncertain: 0.5 }, { representative: 0.3 }, { random: 0.2 }] }, ctx, { exclude });
    expect(r.indices.length).toBe(150);
    for (const i of r.indices) expect(exclude[i]).toBe(0);
  });
});
