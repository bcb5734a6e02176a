import { describe, expect, it } from 'vitest';
import { LabelMatrix, AutoLabelModel, createLabelModel, loadLabelModel, type LabelModel, createRng } from '../src/index.js';
import { sampleGenerative } from './label-model-helpers.js';

const accuracy = [0.9, 0.85, 0.8, 0.7, 0.65, 0.6];
const propensity = [0.3, 0.5, 0.4, 0.6, 0.5, 0.7];

function permutation(n: number, seed: number): number[] {
  return createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
}

const KINDS = ['mv', 'wmv', 'ds', 'mc', 'triplet'] as const;

describe.each([2, 3])('k = %i', (k) => {
  const { L } = sampleGenerative({ n: 3000, accuracy, propensity, classBalance: new Array(k).fill(1 / k), seed: 11 });
  const kinds = KINDS.filter((x) => x !== 'triplet' || k === 2);

  it.each(kinds)('%s: permuting LF columns does not change the probabilities', (kind) => {
    const base = createLabelModel(kind);
    base.fit(L);
    const cols = permutation(L.m, 5);
    const permuted = L.selectLFs(cols);
    const m2 = createLabelModel(kind);
    m2.fit(permuted);
    const a = base.predictProba(L);
    const b = m2.predictProba(permuted);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 9);
    // A model also predicts on a matrix whose LFs come in another order (matched by name).
    expect(Array.from(base.predictProba(permuted))).toEqual(Array.from(a));
  });

  it.each(kinds)('%s: once fitted, refuses a matrix lacking its LFs or with other classes, and ignores extra LFs', (kind) => {
    const model = createLabelModel(kind);
    const own = L.selectLFs([0, 1, 2, 3]);
    model.fit(own);
    const expected = Array.from(model.predictProba(own));
    // The wider matrix, its columns shuffled: the model picks its own LFs by name.
    expect(Array.from(model.predictProba(L.selectLFs(permutation(L.m, 7))))).toEqual(expected);
    expect(() => model.predictProba(L.selectLFs([0, 1, 2]))).toThrow(/fitted with LFs the label matrix lacks: lf3$/);
    const renamed = new LabelMatrix({ n: L.n, m: L.m, votes: L.votes, lfNames: L.lfNames, labels: L.labels.map((c) => `${c}!`) });
    expect(() => model.predict(renamed)).toThrow(/classes/);
  });

  it.each(kinds)('%s: permuting rows permutes the probabilities and nothing else', (kind) => {
    const base = createLabelModel(kind);
    base.fit(L);
    const rows = permutation(L.n, 6);
    const m2 = createLabelModel(kind);
    m2.fit(L.selectRows(rows));
    const a = base.predictProba(L);
    const b = m2.predictProba(L);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 9);
  });

  it.each(kinds)('%s: toJSON → JSON text → loadLabelModel reproduces predictProba bit for bit', (kind) => {
    const model = createLabelModel(kind);
    model.fit(L);
    const text = JSON.stringify(model.toJSON());
    const loaded = loadLabelModel(text);
    expect(loaded.kind).toBe(kind);
    expect(Array.from(loaded.predictProba(L))).toEqual(Array.from(model.predictProba(L)));
    expect(loaded.accuracies() === null ? null : Array.from(loaded.accuracies()!)).toEqual(
      model.accuracies() === null ? null : Array.from(model.accuracies()!),
    );
    expect(Array.from(loaded.classBalance())).toEqual(Array.from(model.classBalance()));
    // Numbers are stored as plain JSON arrays, not typed-array objects.
    expect(text).not.toMatch(/"0":/);
  });
});

describe('mv', () => {
  it("unfitted (as the CLI's --model mv) votes on any matrix", () => {
    const L = LabelMatrix.fromRows(
      [
        [0, 0, 1],
        [1, -1, -1],
        [-1, -1, -1],
      ],
      ['a', 'b'],
      ['p', 'q', 'r'],
    );
    expect(Array.from(createLabelModel('mv').predictProba(L))).toEqual([1, 0, 0, 1, 0.5, 0.5]);
  });
});

describe('auto', () => {
  const { L, y } = sampleGenerative({ n: 3000, accuracy, propensity, classBalance: [0.5, 0.5], seed: 12 });
  const dev = sampleGenerative({ n: 400, accuracy, propensity, classBalance: [0.5, 0.5], seed: 13 });

  it('scores every candidate on the dev labels, keeps the best, and round-trips', () => {
    const auto = new AutoLabelModel();
    const report = auto.fit(L, { dev: { L: dev.L, gold: dev.y } });
    const sel = report.selection!;
    expect(sel.scores.map((s) => s.model)).toEqual(['mv', 'wmv', 'triplet', 'ds', 'mc', 'mc+balance']);
    const best = Math.max(...sel.scores.map((s) => s.score));
    const chosen = sel.scores.find((s) => s.model === sel.chosen)!;
    expect(chosen.score).toBe(best);
    // The first model reaching the best score is chosen (simplest first).
    expect(sel.scores.findIndex((s) => s.score === best)).toBe(sel.scores.indexOf(chosen));
    expect(sel.chosen).not.toBe('mv');
    const loaded = loadLabelModel(JSON.parse(JSON.stringify(auto.toJSON())));
    expect(Array.from(loaded.predictProba(L))).toEqual(Array.from(auto.predictProba(L)));
    expect(y.length).toBe(L.n);
  });

  it('prefers the simpler model when dev scores tie', () => {
    // Every LF agrees on every row: all models give the same argmax, so all tie and mv is kept.
    const rows = Array.from({ length: 60 }, (_, i) => [i % 2, i % 2, i % 2]);
    const Lt = LabelMatrix.fromRows(rows, ['a', 'b']);
    const auto = new AutoLabelModel();
    const report = auto.fit(Lt, { dev: { L: Lt, gold: Int32Array.from(rows, (r) => r[0]) } });
    expect(new Set(report.selection!.scores.map((s) => s.score)).size).toBe(1);
    expect(report.selection!.chosen).toBe('mv');
  });

  it('needs dev labels', () => {
    expect(() => new AutoLabelModel().fit(L)).toThrow(/dev gold labels/);
  });
});

describe('chunked statistics', () => {
  it('matrix completion fitted from merged per-chunk statistics equals the whole-matrix fit', async () => {
    const { OverlapStats } = await import('../src/label-model/stats.js');
    const { MatrixCompletionModel } = await import('../src/label-model/mc/model.js');
    const { L } = sampleGenerative({ n: 2500, accuracy, propensity, classBalance: [0.5, 0.5], seed: 14 });
    const whole = OverlapStats.fromLabelMatrix(L);
    const merged = OverlapStats.fromLabelMatrix(L, 0, 1000)
      .merge(OverlapStats.fromLabelMatrix(L, 1000, 1700))
      .merge(OverlapStats.fromLabelMatrix(L, 1700));
    expect(Array.from(merged.counts)).toEqual(Array.from(whole.counts));
    expect([merged.n, merged.uncovered]).toEqual([whole.n, whole.uncovered]);
    const a: LabelModel = new MatrixCompletionModel();
    a.fit(L);
    const b = new MatrixCompletionModel();
    b.fitStats(merged, L.labels, L.lfNames);
    expect(Array.from(b.predictProba(L))).toEqual(Array.from(a.predictProba(L)));
  });
});
