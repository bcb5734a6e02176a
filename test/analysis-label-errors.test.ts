import { describe, expect, it } from 'vitest';
import { findLabelErrors, confidentLearning, LabelMatrix, MajorityVote, createRng, ConfigError, disagreements } from '../src/internal.js';

/**
 * A known world: 400 rows, truth alternating 0/1. good_a and good_b vote the truth on 70 % of rows each (90 % right), and both vote the truth on the flipped rows;
 * buggy votes 1 on rows 300..339 whose truth is 0 (and nothing else votes there). Rows 10, 20, …, 90 have their given
 * label flipped. The end model is an out-of-sample classifier that is right with p ≈ 0.85 everywhere (it never saw the
 * given labels of the rows it scores, so a flipped label does not move it).
 */
function world() {
  const rng = createRng(1);
  const n = 400;
  const truth = Int32Array.from({ length: n }, (_, i) => (i >= 300 && i < 340 ? 0 : i % 2));
  const flipped = new Set([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const gold = Int32Array.from(truth, (y, i) => (flipped.has(i) ? 1 - y : y));
  const votes = Array.from({ length: n }, (_, i) => {
    if (i >= 300 && i < 340) return [-1, -1, 1];
    const v = () => (rng.next() < 0.7 ? (rng.next() < 0.9 ? truth[i] : 1 - truth[i]) : -1);
    if (flipped.has(i)) return [truth[i], truth[i], -1]; // the LFs see through the flipped labels
    return [v(), v(), -1];
  });
  const L = LabelMatrix.fromRows(votes, ['ham', 'spam'], ['good_a', 'good_b', 'buggy']);
  const labelProbs = new MajorityVote().predictProba(L);
  const endProbs = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const p = 0.8 + 0.1 * rng.next();
    endProbs[2 * i + truth[i]] = p;
    endProbs[2 * i + 1 - truth[i]] = 1 - p;
  }
  return { L, labelProbs, endProbs, gold, truth, flipped, n };
}

describe('label errors with attribution', () => {
  it('a flipped label is blamed on the label, a buggy LF is named as the culprit', () => {
    const { L, labelProbs, endProbs, gold, flipped } = world();
    const r = findLabelErrors({ gold, endProbs, labelProbs, L });
    const byRow = new Map(r.flags.map((f) => [f.row, f]));
    for (const i of flipped) {
      expect(byRow.get(i)?.attribution, `row ${i}`).toBe('label');
      expect(byRow.get(i)?.suggested).toBe(1 - gold[i]);
    }
    for (let i = 300; i < 340; i++) {
      const f = byRow.get(i);
      expect(f?.attribution, `row ${i}`).toBe('lf');
      expect(f?.lfs).toEqual(['buggy']);
    }
    // No correctly labeled row outside the buggy block is blamed on its label.
    for (const f of r.flags) if (f.attribution === 'label') expect(flipped.has(f.row)).toBe(true);
  });

  it('plain confident learning on the label model blames the buggy LF rows on their labels', () => {
    const { labelProbs, gold } = world();
    const cl = confidentLearning(labelProbs, gold, 2);
    let buggyFlagged = 0;
    for (let i = 300; i < 340; i++) buggyFlagged += cl.flagged[i];
    expect(buggyFlagged).toBe(40);
  });

  it('judges rows no LF voted on by the end model alone', () => {
    const { endProbs, gold, n } = world();
    const votes = Array.from({ length: n }, () => [-1, -1]);
    const L = LabelMatrix.fromRows(votes, ['ham', 'spam'], ['x', 'y']);
    const r = findLabelErrors({ gold, endProbs, labelProbs: new MajorityVote().predictProba(L), L });
    expect(r.judgedUncovered).toBe(n);
    const blamed = r.flags.filter((f) => f.attribution === 'label').map((f) => f.row);
    expect(blamed.length).toBeGreaterThan(0);
    for (const i of blamed) expect([10, 20, 30, 40, 50, 60, 70, 80, 90]).toContain(i);
    // Ranked by score, the nine flipped rows come first.
    const order = Array.from(r.scores.keys()).sort((a, b) => r.scores[b] - r.scores[a] || a - b);
    expect(new Set(order.slice(0, 9))).toEqual(new Set([10, 20, 30, 40, 50, 60, 70, 80, 90]));
  });

  it('disagreements() with end-model probabilities attributes every label-error flag', () => {
    const { L, labelProbs, endProbs, gold, flipped } = world();
    const r = disagreements(L, labelProbs, { gold, endProbs, kinds: ['label-error'], top: 100 });
    const flags = r.flags.filter((f) => f.kind === 'label-error');
    expect(flags.length).toBeGreaterThanOrEqual(flipped.size + 40);
    for (const f of flags) expect(['label', 'lf', 'ambiguous']).toContain(f.attribution);
    const buggy = flags.find((f) => f.row === 300)!;
    expect(buggy.attribution).toBe('lf');
    expect(buggy.blame).toEqual(['buggy']);
    expect(buggy.reason).toMatch(/probably the LFs buggy are wrong/);
    expect(flags.find((f) => f.row === 10)!.attribution).toBe('label');
    // Without the end model, the buggy LF's rows come out as label errors (the old behaviour).
    const old = disagreements(L, labelProbs, { gold, kinds: ['label-error'], top: 100 });
    expect(old.flags.some((f) => f.row === 300)).toBe(true);
  });

  it('bad shapes are one ConfigError', () => {
    const { gold, endProbs } = world();
    expect(() => findLabelErrors({ gold, endProbs: endProbs.subarray(2), labels: ['a', 'b'] })).toThrow(ConfigError);
    expect(() => findLabelErrors({ gold: Int32Array.from([0, 3]), endProbs: new Float64Array(4), labels: ['a', 'b'] })).toThrow(/row 1 has label 3/);
  });
});
