import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWrenchSplit, MatrixCompletionModel, createRng } from '../src/index.js';
import {
  assertEndModelClasses,
  calibrationReport,
  crossFitProba,
  EndModel,
  Featurizer,
  foldAssignment,
  readEndModelFile,
  sparseDot,
  type EndModelJSON,
  type Targets,
  charNgramIds,
  IdBuffer,
  wordNgramIds,
  expectedScore,
} from '../src/internal.js';
import { haveSharedData, SHARED_DATA } from './shared-data.js';

const argmax = (p: Float64Array, k: number, i: number) => {
  let b = 0;
  for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + b]) b = c;
  return b;
};
const accuracy = (p: Float64Array, gold: Int32Array, k: number) => gold.reduce((s, y, i) => s + (argmax(p, k, i) === y ? 1 : 0), 0) / gold.length;
const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** Rows of random filler words; class 1 iff the row holds one of the SPAM words (a known rule on the text). */
function ruleRows(n: number, seed: number): { rows: { text: string }[]; gold: Int32Array } {
  const rng = createRng(seed);
  const filler = Array.from({ length: 60 }, (_, i) => `w${i}x`);
  const spam = ['prize', 'winner', 'cash', 'subscribe'];
  const rows: { text: string }[] = [];
  const gold = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 4 + rng.int(6) }, () => filler[rng.int(filler.length)]);
    gold[i] = rng.next() < 0.4 ? 1 : 0;
    if (gold[i]) words.splice(rng.int(words.length + 1), 0, spam[rng.int(spam.length)]);
    rows.push({ text: words.join(' ') });
  }
  return { rows, gold };
}

describe('tokenisers (scikit-learn conventions)', () => {
  it('words: runs of ≥ 2 word characters, uni- and bigrams', () => {
    const out = new IdBuffer();
    wordNgramIds('hello, world! a b_c 12', 1, 2, (1 << 18) - 1, 0, out);
    expect(out.len).toBe(4 + 3); // hello world b_c 12; three bigrams
  });
  it("char_wb: n-grams of ' word ', a short word once", () => {
    const out = new IdBuffer();
    charNgramIds('hi', 2, 5, (1 << 18) - 1, 0, out);
    expect(out.len).toBe(3 + 2 + 1); // ' h','hi','i ' · ' hi','hi ' · ' hi '
    out.len = 0;
    charNgramIds('a', 4, 5, (1 << 18) - 1, 0, out);
    expect(out.len).toBe(1); // ' a ' is shorter than 4: counted once, whole
  });
});

describe('features', () => {
  it('TF-IDF blocks are l2-normalised and rows sorted; unseen buckets are dropped', () => {
    const { rows } = ruleRows(200, 1);
    const { featurizer, X } = Featurizer.fitTransform(rows, { textColumns: ['text'] });
    for (let i = 0; i < X.n; i++) {
      for (let q = X.indptr[i] + 1; q < X.indptr[i + 1]; q++) expect(X.indices[q]).toBeGreaterThan(X.indices[q - 1]);
      expect(sparseDot(X, i, X, i)).toBeCloseTo(2, 5); // word block + char block, each of norm 1
    }
    const Y = featurizer.transform([{ text: 'zzzzqqq' }]);
    expect(Y.indptr[1]).toBe(0);
  });

  it('numeric columns are standardised, categorical hashed one-hot', () => {
    const rows = [
      { x: '1', c: 'a' },
      { x: '3', c: 'b' },
      { x: '', c: 'a' },
    ];
    const { X } = Featurizer.fitTransform(rows, { textColumns: [], numericColumns: ['x'], categoricalColumns: ['c'] });
    const numeric = (i: number) => X.values[X.indptr[i + 1] - 1];
    expect(numeric(0)).toBeCloseTo(-1, 6);
    expect(numeric(1)).toBeCloseTo(1, 6);
    expect(X.indptr[3] - X.indptr[2]).toBe(1); // missing x → the mean → no entry; one categorical entry
    expect(X.indices[X.indptr[0]]).toBe(X.indices[X.indptr[2]]); // same category, same bucket
  });

  it('several text columns get their own blocks; mixed with numeric and categorical in one model', () => {
    const rng = createRng(11);
    const rows: Record<string, string>[] = [];
    const gold = new Int32Array(400);
    for (let i = 0; i < 400; i++) {
      gold[i] = rng.int(2);
      // the class shows in the title's word, the body's word, the channel and the score, each partly
      const noisy = (p: number) => (rng.next() < p ? gold[i] : 1 - gold[i]);
      rows.push({
        title: `${['calm', 'loud'][noisy(0.8)]} t${rng.int(20)}`,
        body: `${['plain', 'shiny'][noisy(0.8)]} b${rng.int(20)}`,
        channel: ['news', 'ads'][noisy(0.8)],
        score: String(noisy(0.8) * 2 + rng.next()),
      });
    }
    const options = { textColumns: ['title', 'body'], categoricalColumns: ['channel'], numericColumns: ['score'] };
    const { featurizer, X } = Featurizer.fitTransform(rows, options);
    expect(featurizer.dim).toBe(5 * 2 ** 18 + 1); // 2 columns × (word, char) + categorical + 1 numeric
    const textNorm = (i: number) => {
      let s2 = 0;
      for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) if (X.indices[q] < 4 * 2 ** 18) s2 += X.values[q] ** 2;
      return s2;
    };
    expect(textNorm(0)).toBeCloseTo(4, 5); // four text blocks, each of norm 1
    const all = EndModel.train(rows.slice(0, 300), { kind: 'hard', gold: gold.slice(0, 300) }, ['a', 'b'], options);
    const one = EndModel.train(rows.slice(0, 300), { kind: 'hard', gold: gold.slice(0, 300) }, ['a', 'b'], { textColumns: ['title'] });
    const test = rows.slice(300),
      tg = gold.slice(300);
    // four independent 80%-signals beat one
    expect(accuracy(all.predictProba(test), tg, 2)).toBeGreaterThan(accuracy(one.predictProba(test), tg, 2) + 0.05);
  });

  it('bad columns are one clear error naming the source and column', () => {
    const rows = [
      { t: 'a b', n: '3' },
      { t: 'c d', n: '4', e: '' },
    ];
    expect(() => Featurizer.fit(rows, { textColumns: ['missing'] }, 'rows.csv')).toThrow(/^rows\.csv: no text column "missing"/);
    expect(() => Featurizer.fit(rows, { textColumns: ['e'] }, 'rows.csv')).toThrow(/^rows\.csv: text column "e" is empty in every row/);
    expect(() => Featurizer.fit(rows, { textColumns: ['n'] }, 'rows.csv')).toThrow(/^rows\.csv: text column "n" holds only numbers/);
    expect(() => Featurizer.fit([{ t: 'a', x: 'abc' }], { textColumns: ['t'], numericColumns: ['x'] }, 'r.csv')).toThrow(
      /^r\.csv \(row 0\): numeric column "x" holds "abc"/,
    );
    const f = Featurizer.fit(rows, { textColumns: ['t'] }, 'rows.csv');
    expect(() => f.transform([{ other: 'x' }], 'new.csv')).toThrow(/^new\.csv: no column "t": the end model was trained on columns text "t"/);
  });
});

describe('training', () => {
  it('recovers a known rule on text (held-out rows)', () => {
    const train = ruleRows(600, 2),
      test = ruleRows(300, 3);
    const m = EndModel.train(train.rows, { kind: 'hard', gold: train.gold }, ['ham', 'spam'], { textColumns: ['text'] });
    expect(m.training.converged).toBe(true);
    expect(accuracy(m.predictProba(test.rows), test.gold, 2)).toBeGreaterThanOrEqual(0.98);
  });

  it('recovers a known linear rule on numeric columns, direction included', () => {
    const rng = createRng(4);
    const rows: { a: number; b: number }[] = [];
    const gold = new Int32Array(2000);
    for (let i = 0; i < 2000; i++) {
      const a = rng.next() * 2 - 1,
        b = rng.next() * 2 - 1;
      rows.push({ a, b });
      gold[i] = a + 2 * b > 0.1 ? 1 : 0;
    }
    const m = EndModel.train(rows, { kind: 'hard', gold }, ['neg', 'pos'], { textColumns: [], numericColumns: ['a', 'b'], l2: 1e-3, maxIter: 300 });
    const j = m.toJSON();
    // weights of a, b (the last two features) for class pos minus class neg, in standardised units
    const wa = j.weights.W[j.weights.W.length - 3] - j.weights.W[j.weights.W.length - 4];
    const wb = j.weights.W[j.weights.W.length - 1] - j.weights.W[j.weights.W.length - 2];
    const sa = j.features.numericStd[0],
      sb = j.features.numericStd[1];
    expect(wb / sb / (wa / sa)).toBeGreaterThan(1.8);
    expect(wb / sb / (wa / sa)).toBeLessThan(2.2);
    expect(accuracy(m.predictProba(rows), gold, 2)).toBeGreaterThan(0.98);
  });

  it('soft targets: learns the label model\u2019s confidence, not just its argmax', () => {
    const rows: { text: string }[] = [];
    const probs: number[] = [];
    for (let i = 0; i < 400; i++) {
      const a = i % 2 === 0;
      rows.push({ text: a ? `alpha sample${i % 7}` : `beta sample${i % 7}` });
      probs.push(...(a ? [0.2, 0.8] : [0.9, 0.1]));
    }
    const m = EndModel.train(rows, { kind: 'soft', probs: Float64Array.from(probs) }, ['x', 'y'], { textColumns: ['text'], l2: 0.01 });
    const p = m.predictProba([{ text: 'alpha sample3' }, { text: 'beta sample5' }]);
    expect(Math.abs(p[1] - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(p[2] - 0.9)).toBeLessThan(0.03);
    // the same rows with hard (argmax) targets: near-certain, so the confidence above came from the soft targets
    const hard = EndModel.train(rows, { kind: 'hard', gold: Int32Array.from(rows, (_, i) => (i % 2 === 0 ? 1 : 0)) }, ['x', 'y'], {
      textColumns: ['text'],
      l2: 0.01,
    });
    expect(hard.predictProba([{ text: 'alpha sample3' }])[1]).toBeGreaterThan(0.97);
    // weights: a row with weight 0 is ignored (its target may be anything)
    const w = new Float64Array(400).fill(1);
    w[0] = 0;
    const probs2 = Float64Array.from(probs);
    probs2[0] = 1;
    probs2[1] = 0;
    const m1 = EndModel.train(rows, { kind: 'soft', probs: Float64Array.from(probs), weights: w }, ['x', 'y'], { textColumns: ['text'] });
    const m2 = EndModel.train(rows, { kind: 'soft', probs: probs2, weights: w }, ['x', 'y'], { textColumns: ['text'] });
    expect(JSON.stringify(m1.toJSON().weights)).toBe(JSON.stringify(m2.toJSON().weights));
  });

  it('no row with a target is a clear error', () => {
    const rows = [{ t: 'a b' }, { t: 'c d' }];
    expect(() => EndModel.train(rows, { kind: 'hard', gold: Int32Array.of(-1, -1) }, ['a', 'b'], { textColumns: ['t'] })).toThrow(
      /no row has a target/,
    );
  });

  it('seeded runs are byte-identical (weights, JSON, probabilities, cross-fit)', () => {
    const { rows, gold } = ruleRows(300, 5);
    const t: Targets = { kind: 'hard', gold };
    const a = EndModel.train(rows, t, ['h', 's'], { textColumns: ['text'] });
    const b = EndModel.train(rows, t, ['h', 's'], { textColumns: ['text'] });
    const strip = (j: EndModelJSON) => JSON.stringify({ ...j, training: { ...j.training, seconds: 0 } });
    expect(strip(a.toJSON())).toBe(strip(b.toJSON()));
    expect(bits(a.predictProba(rows))).toBe(bits(b.predictProba(rows)));
    const X = a.featurizer.transform(rows);
    const c1 = crossFitProba(X, a.featurizer, t, ['h', 's'], { folds: 5, seed: 9 });
    const c2 = crossFitProba(X, a.featurizer, t, ['h', 's'], { folds: 5, seed: 9 });
    const c3 = crossFitProba(X, a.featurizer, t, ['h', 's'], { folds: 5, seed: 10 });
    expect(bits(c1)).toBe(bits(c2));
    expect(bits(c1)).not.toBe(bits(c3));
  });

  it('save/load round trip is bit-exact; load validates the envelope', () => {
    const { rows, gold } = ruleRows(200, 6);
    const m = EndModel.train(rows, { kind: 'hard', gold }, ['h', 's'], { textColumns: ['text'], numericColumns: [] });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const back = EndModel.fromJSON(json);
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(m.toJSON()));
    expect(bits(back.predictProba(rows))).toBe(bits(m.predictProba(rows)));
    const bad = (edit: (j: any) => void) => {
      const j = JSON.parse(JSON.stringify(json));
      edit(j);
      return () => EndModel.fromJSON(j);
    };
    expect(bad((j) => (j.format = 'ballot-label-model'))).toThrow(/format is "ballot-label-model"/);
    expect(bad((j) => (j.version = 2))).toThrow(/version 2 is not supported/);
    expect(bad((j) => (j.weights.W[3] = null))).toThrow(/weights\.W\[3\] is null, not a finite number/);
    expect(bad((j) => j.weights.W.pop())).toThrow(/weights\.W has/);
    expect(bad((j) => (j.labels = ['h']))).toThrow(/labels/);
    expect(bad((j) => (j.features.options.hashBits = 40))).toThrow(/hashBits/);
    expect(bad((j) => (j.weights.ids[0] = 1e9))).toThrow(/weights\.ids\[0\]/);
  });
});

describe('model files', () => {
  it('readEndModelFile names the file; assertEndModelClasses refuses other classes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballot-end-model-'));
    try {
      expect(() => readEndModelFile(join(dir, 'none.json'))).toThrow(/none\.json: no such file/);
      writeFileSync(join(dir, 'bad.json'), '{ nope');
      expect(() => readEndModelFile(join(dir, 'bad.json'))).toThrow(/bad\.json: not JSON/);
      const { rows, gold } = ruleRows(100, 8);
      const m = EndModel.train(rows, { kind: 'hard', gold }, ['HAM', 'SPAM'], { textColumns: ['text'] });
      writeFileSync(join(dir, 'end.json'), JSON.stringify(m.toJSON()));
      const back = readEndModelFile(join(dir, 'end.json'));
      expect(() => assertEndModelClasses(back, 'end.json', ['HAM', 'SPAM'], 'L.arrow')).not.toThrow();
      expect(() => assertEndModelClasses(back, 'end.json', ['SPAM', 'HAM'], 'L.arrow')).toThrow(
        /end\.json was trained on classes HAM, SPAM but L\.arrow has SPAM, HAM/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cross-fitting', () => {
  it('a row never contributes its own target to its own out-of-sample probabilities', () => {
    const { rows, gold } = ruleRows(250, 7);
    const labels = ['h', 's'];
    const { featurizer, X } = Featurizer.fitTransform(rows, { textColumns: ['text'] });
    const folds = foldAssignment(X.n, 5, 3);
    const base = crossFitProba(X, featurizer, { kind: 'hard', gold }, labels, { folds: 5, seed: 3 });
    // Flip the targets of every row in fold 0: fold 0's probabilities are unchanged bit for bit (its model never saw
    // them), while the other folds' models see the flipped rows and change.
    const flipped = Int32Array.from(gold, (y, i) => (folds[i] === 0 ? 1 - y : y));
    const after = crossFitProba(X, featurizer, { kind: 'hard', gold: flipped }, labels, { folds: 5, seed: 3 });
    let changedElsewhere = 0;
    for (let i = 0; i < X.n; i++) {
      if (folds[i] === 0) {
        expect(after[2 * i]).toBe(base[2 * i]);
        expect(after[2 * i + 1]).toBe(base[2 * i + 1]);
      } else if (after[2 * i] !== base[2 * i]) changedElsewhere++;
    }
    expect(changedElsewhere).toBeGreaterThan(X.n / 2);
    // And fold 0's probabilities are exactly those of a model trained on the other folds only.
    const w = Float64Array.from(folds, (f) => (f === 0 ? 0 : 1));
    const m = EndModel.trainOnFeatures(X, featurizer, { kind: 'hard', gold, weights: w }, labels);
    const p = m.predictProbaFeatures(X);
    for (let i = 0; i < X.n; i++) if (folds[i] === 0) expect(p[2 * i + 1]).toBe(base[2 * i + 1]);
    // Out-of-sample probabilities are honest: worse than in-sample on noisy targets.
    expect(accuracy(base, gold, 2)).toBeGreaterThan(0.9);
  });
});

describe('calibration report', () => {
  it('computes ECE, log loss, Brier and accuracy on a constructed case', () => {
    const probs = Float64Array.of(0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.5, 0.5);
    const gold = Int32Array.of(0, 1, 1, -1);
    const r = calibrationReport(probs, gold, 10);
    expect(r.rows).toBe(3);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.7)) / 3, 12);
    expect(r.brier).toBeCloseTo((0.02 + 1.28 + 0.18) / 3, 12);
    // bins: 0.9 → bin 9 (acc 1), 0.8 → bin 8 (acc 0), 0.7 → bin 7 (acc 1)
    expect(r.ece).toBeCloseTo((0.1 + 0.8 + 0.3) / 3, 12);
    expect(r.bins[8]).toMatchObject({ rows: 1, accuracy: 0 });
  });
});

const DATA = SHARED_DATA;
const haveData = haveSharedData('end-model', 'wrench_youtube/train.json');

describe.skipIf(!haveData)('real data: WRENCH youtube', () => {
  // Loaded lazily: a skipped describe still runs its body to collect the tests, and the files may be absent.
  const train = haveData ? loadWrenchSplit(join(DATA, 'wrench_youtube'), 'train') : undefined!;
  const test = haveData ? loadWrenchSplit(join(DATA, 'wrench_youtube'), 'test') : undefined!;
  const rows = haveData ? train.texts.map((text) => ({ text })) : [];
  const testRows = haveData ? test.texts.map((text) => ({ text })) : [];
  it('on gold labels: test accuracy ≥ 93% (scikit-learn TF-IDF + LR gets 94.4 on the same split)', () => {
    const m = EndModel.train(rows, { kind: 'hard', gold: train.gold }, train.labels, { textColumns: ['text'] });
    expect(accuracy(m.predictProba(testRows), test.gold, 2)).toBeGreaterThanOrEqual(0.93);
  });
  it("on the label model's probabilities (no gold): beats the label model on test", () => {
    const lm = new MatrixCompletionModel();
    lm.fit(train.L);
    const probs = lm.predictProba(train.L);
    const weights = Float64Array.from(train.L.voteCounts(), (c) => (c > 0 ? 1 : 0));
    const m = EndModel.train(rows, { kind: 'soft', probs, weights }, train.labels, { textColumns: ['text'] });
    const lmAcc = expectedScore(test.gold, lm.predictProba(test.L), 2, 'accuracy');
    const endAcc = accuracy(m.predictProba(testRows), test.gold, 2);
    expect(endAcc).toBeGreaterThan(lmAcc + 0.03);
  });
});
