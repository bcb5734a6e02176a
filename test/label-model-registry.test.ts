import { describe, expect, it } from 'vitest';
import {
  checkModelFits,
  fitLabelModel,
  MatrixCompletionModel,
  createLabelModel,
  LABEL_MODELS,
  loadLabelModel,
  LabelMatrix,
  ConfigError,
  compareCandidates,
} from '../src/internal.js';
import { sampleGenerative } from './label-model-helpers.js';

const { L, y } = sampleGenerative({ n: 600, accuracy: [0.8, 0.75, 0.7, 0.65], propensity: [0.6, 0.5, 0.5, 0.4], classBalance: [0.6, 0.4], seed: 5 });

describe('the LABEL_MODELS table', () => {
  it('every row creates its kind, and loads what that kind saves', () => {
    for (const [kind, spec] of Object.entries(LABEL_MODELS)) {
      const model = spec.create();
      expect(model.kind).toBe(kind);
      if (kind === 'auto') continue;
      model.fit(L);
      expect(model.labels).toEqual(L.labels);
      expect(model.lfNames).toEqual(L.lfNames);
      const back = spec.load(JSON.parse(JSON.stringify(model.toJSON())));
      expect(back.predictProba(L)).toEqual(model.predictProba(L));
    }
  });

  it('D3: a misspelt option is a compile error through the registry and a ConfigError naming it at run time', () => {
    // @ts-expect-error `epocs` is no matrix-completion option
    const typo = () => createLabelModel('mc').fit(L, { epocs: 1 });
    expect(typo).toThrow(ConfigError);
    expect(typo).toThrow(/matrix-completion: unknown option "epocs"; its options are preset, classBalance/);
    try {
      typo();
    } catch (e) {
      expect((e as ConfigError).option).toBe('epocs');
    }
    for (const kind of ['mv', 'wmv', 'ds', 'triplet', 'auto'] as const) {
      expect(() => createLabelModel(kind as string).fit(L, { clasBalance: [0.9, 0.1] })).toThrow(/unknown option "clasBalance"/);
    }
    // A value of the wrong shape names the option too.
    expect(() => createLabelModel('ds').fit(L, { abstains: 'sometimes' as never })).toThrow(/option abstains must be "model" or "ignore"/);
  });
});

describe('checkModelFits: one rule and one wording', () => {
  const model = createLabelModel('mc');
  model.fit(L);
  it('accepts the same LFs in another order and refuses other LFs or classes', () => {
    expect(() => checkModelFits(model, L.selectLFs([3, 2, 1, 0]))).not.toThrow();
    expect(() => checkModelFits(model, L.selectLFs([0, 1]))).toThrow(
      /^the label model was fitted on LFs \[lf0, lf1, lf2, lf3\] but the label matrix has \[lf0, lf1\] \(only the model has lf2, lf3\); refit the model on this matrix$/,
    );
    const other = LabelMatrix.fromRows([[0, 1, 0, 1]], ['x', 'z'], L.lfNames);
    expect(() => checkModelFits(model, other, { model: 'm.json', matrix: 'L.arrow' })).toThrow(
      /^m\.json has classes \[.*\] but L\.arrow has \[x, z\]; refit/,
    );
    // An unfitted majority vote records no LFs: it fits any matrix.
    expect(() => checkModelFits(createLabelModel('mv'), other)).not.toThrow();
  });
});

describe('fitLabelModel', () => {
  it('with dev labels returns the dev table and the requested kind without fitting it twice (D9)', () => {
    const dev = { L, gold: y };
    const calls = { n: 0 };
    const fit = MatrixCompletionModel.prototype.fit;
    MatrixCompletionModel.prototype.fit = function (this: MatrixCompletionModel, ...args: Parameters<typeof fit>) {
      calls.n++;
      return fit.apply(this, args);
    };
    try {
      compareCandidates(L, { dev });
      const comparing = calls.n;
      calls.n = 0;
      const { model, report, selection } = fitLabelModel('mc', L, { dev });
      expect(calls.n).toBe(comparing);
      expect(model.kind).toBe('mc');
      expect(report.model).toBe('mc');
      expect(selection!.scores.map((s) => s.model)).toEqual(['mv', 'wmv', 'triplet', 'ds', 'mc', 'mc+balance']);
      const plain = createLabelModel('mc');
      plain.fit(L);
      expect(model.predictProba(L)).toEqual(plain.predictProba(L));
    } finally {
      MatrixCompletionModel.prototype.fit = fit;
    }
  });

  it('auto keeps the best candidate; without dev it is a plain fit', () => {
    const auto = fitLabelModel('auto', L, { dev: { L, gold: y } });
    expect(auto.selection!.chosen).toBe(auto.report.selection!.chosen);
    // Candidate options reach auto's candidates (here one that makes ds fail, which the table records).
    const bad = fitLabelModel('auto', L, { dev: { L, gold: y }, candidates: { ds: { smoothing: -1 } } });
    expect(bad.selection!.scores.find((s) => s.model === 'ds')!.error).toMatch(/smoothing must be ≥ 0/);
    const ds = fitLabelModel('ds', L, { options: { smoothing: 0.5 } });
    expect(ds.selection).toBeUndefined();
    expect(ds.model.kind).toBe('ds');
  });
});

describe('saved models are checked on load', () => {
  const saved = (kind: 'mc' | 'ds' | 'wmv' | 'triplet') => {
    const model = createLabelModel(kind);
    model.fit(L);
    return JSON.parse(JSON.stringify(model.toJSON()));
  };
  it('class balance entries > 0 summing to 1, probabilities in [0, 1], finite numbers, right shapes', () => {
    const a = saved('mc');
    a.classBalance = [0.7, 0.4];
    expect(() => loadLabelModel(a)).toThrow(/saved mc model: classBalance sums to 1\.1/);
    a.classBalance = [1.2, -0.2];
    expect(() => loadLabelModel(a)).toThrow(/saved mc model: classBalance\[1\] is -0\.2/);
    const b = saved('mc');
    b.mu[3] = 1.5;
    expect(() => loadLabelModel(b)).toThrow(/saved mc model: mu\[3\] is 1\.5, expected a probability/);
    b.mu[3] = null;
    expect(() => loadLabelModel(b)).toThrow(/field "mu" must be an array of 16 numbers/);
    const c = saved('ds');
    c.theta.pop();
    expect(() => loadLabelModel(c)).toThrow(/field "theta" must be an array of 16 numbers/);
    const d = saved('wmv');
    d.accuracies[2] = -0.1;
    expect(() => loadLabelModel(d)).toThrow(/saved wmv model: accuracies\[2\] is -0\.1/);
    const e = saved('triplet');
    e.lfNames[1] = 7;
    expect(() => loadLabelModel(e)).toThrow(/saved triplet model: lfNames\[1\] must be a name/);
  });
});

describe('OverlapStats with many LFs (the tiled pass, d > 512)', () => {
  it('equals a brute-force count of co-votes, whole and merged from chunks', async () => {
    const { OverlapStats } = await import('../src/label-model/stats.js');
    const { createRng } = await import('../src/util/rng.js');
    const rng = createRng(9);
    const n = 300;
    const m = 300;
    const k = 3;
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: m }, () => (i % 7 === 0 || rng.next() > 0.08 ? -1 : Math.floor(rng.next() * k))),
    );
    const M = LabelMatrix.fromRows(rows, ['a', 'b', 'c']);
    const d = m * k;
    const brute = new Float64Array(d * d);
    for (const r of rows) {
      const codes = r.flatMap((v, j) => (v < 0 ? [] : [j * k + v]));
      for (let s = 0; s < codes.length; s++) for (let t = s; t < codes.length; t++) brute[codes[s] * d + codes[t]]++;
    }
    const whole = OverlapStats.fromLabelMatrix(M);
    expect(Array.from(whole.counts)).toEqual(Array.from(brute));
    expect(whole.uncovered).toBe(rows.filter((r) => r.every((v) => v < 0)).length);
    const merged = OverlapStats.fromLabelMatrix(M, 0, 111).merge(OverlapStats.fromLabelMatrix(M, 111, n));
    expect(Array.from(merged.counts)).toEqual(Array.from(brute));
  });
});
