import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AutoLabelModel,
  type AutoOptions,
  probsToPreds,
  snorkelTiePick,
  bestF1Threshold,
  predsAtThreshold,
  tuneF1Threshold,
} from '../src/internal.js';
import { MajorityVote, scorePredictions, loadLabelModel, type LabelMatrix } from '../src/index.js';
import { sampleByClass } from './label-model-helpers.js';

/** Snorkel's pick, computed the way Python does it: the whole SHA-1 digest as one big integer, modulo the count. */
function sha1Pick(i: number, count: number): number {
  return Number(BigInt(`0x${createHash('sha1').update(String(i)).digest('hex')}`) % BigInt(count));
}

describe("tie policy 'snorkel' (Snorkel's probs_to_preds(..., 'random'))", () => {
  it('pins picks checked against Python hashlib: int(sha1(str(i)).hexdigest(), 16) % count', () => {
    expect([
      snorkelTiePick(0, 5),
      snorkelTiePick(3, 5),
      snorkelTiePick(1, 6),
      snorkelTiePick(42, 6),
      snorkelTiePick(4570, 3),
      snorkelTiePick(10, 2),
    ]).toEqual([3, 4, 3, 4, 1, 1]);
  });

  it('equals the big-integer reduction for many rows and counts', () => {
    for (let i = 0; i < 300; i++) for (const c of [2, 3, 4, 6, 7]) expect(snorkelTiePick(i, c)).toBe(sha1Pick(i, c));
  });

  it('picks among the tied classes only, by the row index within the matrix', () => {
    // Rows 0..5: two tied of three, all three tied, one clear winner.
    const probs = Float64Array.from([0.4, 0.4, 0.2, 0.2, 0.4, 0.4, 1 / 3, 1 / 3, 1 / 3, 0.1, 0.2, 0.7, 0.5, 0.5, 0, 0.5, 0, 0.5]);
    const preds = probsToPreds(probs, 3, 'snorkel');
    expect(Array.from(preds)).toEqual([
      [0, 1][sha1Pick(0, 2)],
      [1, 2][sha1Pick(1, 2)],
      sha1Pick(2, 3),
      2,
      [0, 1][sha1Pick(4, 2)],
      [0, 2][sha1Pick(5, 2)],
    ]);
    // The seed does not enter.
    expect(probsToPreds(probs, 3, 'snorkel', 99)).toEqual(preds);
  });

  it("ties are strictly within 1e-5, as Snorkel's `diffs < tol`", () => {
    const exact = Float64Array.from([0.5 + 5e-6, 0.5 - 5e-6, 0.5, 0.5 - 1e-5 - 1e-9]);
    expect(Array.from(probsToPreds(exact, 2, 'snorkel'))).toEqual([sha1Pick(0, 2), 0]);
  });

  it("leaves 'abstain' and the seeded 'random' policy as they were", () => {
    const probs = Float64Array.from([0.5, 0.5, 0.9, 0.1, 0.5, 0.5]);
    expect(Array.from(probsToPreds(probs, 2, 'abstain'))).toEqual([-1, 0, -1]);
    const a = probsToPreds(probs, 2, 'random', 3);
    expect(probsToPreds(probs, 2, 'random', 3)).toEqual(a);
    expect(a[1]).toBe(0);
    expect(() => probsToPreds(probs, 2, 'bogus' as never)).toThrow(/unknown tie policy "bogus"/);
  });
});

describe('binary F1 threshold', () => {
  it('finds the F1-best cut between distinct probabilities, rows sharing a probability on one side', () => {
    // p(class 1) and gold: the F1-best rule takes the top block and the 0.3 block (2 of 3 positive): F1 = 2·3 / (2·3 + 1 + 0).
    const p1 = [0.9, 0.3, 0.3, 0.3, 0.1, 0.1];
    const gold = [1, 1, 1, 0, 0, 0];
    const probs = Float64Array.from(p1.flatMap((p) => [1 - p, p]));
    const best = bestF1Threshold(gold, probs);
    expect(best.threshold).toBeCloseTo(0.2, 12);
    expect(best.f1).toBeCloseTo(6 / 7, 12);
    expect(Array.from(predsAtThreshold(probs, best.threshold))).toEqual([1, 1, 1, 1, 0, 0]);
    // Gold -1 rows are skipped.
    expect(bestF1Threshold([...gold, -1], Float64Array.from([...probs, 0.5, 0.5])).threshold).toBeCloseTo(0.2, 12);
  });

  it('keeps the most-probable-class cut (nearest 0.5) when nothing scores better', () => {
    const probs = Float64Array.from([0.2, 0.8, 0.8, 0.2, 0.3, 0.7, 0.7, 0.3]);
    const { threshold, f1 } = bestF1Threshold([1, 0, 1, 0], probs);
    expect(f1).toBe(1);
    expect(threshold).toBeCloseTo(0.5, 12);
  });

  it('cross-fitted F1 is no better than the in-sample F1 and is reproducible', () => {
    const n = 400;
    const gold = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const probs = Float64Array.from(
      gold.flatMap((g, i) => {
        const p = g ? 0.3 + (i % 5) * 0.1 : ((i * 37) % 100) / 200;
        return [1 - p, p];
      }),
    );
    const t = tuneF1Threshold(gold, probs, 5, 0);
    expect(t.crossFittedF1).toBeLessThanOrEqual(t.f1 + 1e-12);
    expect(tuneF1Threshold(gold, probs, 5, 0)).toEqual(t);
  });
});

describe('auto with binary F1', () => {
  const fitAuto = (train: { L: LabelMatrix }, dev: { L: LabelMatrix; y: Int32Array }, extra: Partial<AutoOptions> = {}) => {
    const auto = new AutoLabelModel();
    auto.fit(train.L, { dev: { L: dev.L, gold: dev.y }, metric: 'f1', ...extra });
    return auto;
  };
  const mvF1 = (train: { L: LabelMatrix }, test: { L: LabelMatrix; y: Int32Array }) => {
    const mv = new MajorityVote();
    mv.fit(train.L);
    return scorePredictions(test.y, probsToPreds(mv.predictProba(test.L), 2, 'snorkel'), 2, 'f1');
  };

  /** What auto must predict: the cut on rows with votes, the class balance's label (ties by the policy) on the others. */
  const expectedPreds = (auto: AutoLabelModel, L: LabelMatrix, policy: 'snorkel' | 'abstain') => {
    const probs = auto.predictProba(L);
    const cut = predsAtThreshold(probs, auto.decisionThreshold()!);
    const argmax = probsToPreds(probs, 2, policy);
    const votes = L.voteCounts();
    return cut.map((c, i) => (votes[i] === 0 ? argmax[i] : c));
  };

  describe('when positive evidence is weak (negative LFs also fire on most positives)', () => {
    // 20% positives; the negative LFs vote on half the positives too, so many positives with a positive vote end below
    // P = 0.5 and the F1-best cut on rows with votes sits well below it.
    const voteRate = [
      [0.1, 0.6],
      [0.1, 0.5],
      [0.7, 0.5],
      [0.6, 0.5],
      [0.5, 0.4],
    ];
    const rightRate = [
      [0, 1],
      [0, 1],
      [1, 0],
      [1, 0],
      [1, 0],
    ];
    const sample = (n: number, seed: number) => sampleByClass({ n, voteRate, rightRate, classBalance: [0.8, 0.2], seed });
    const train = sample(5000, 51);
    const dev = sample(600, 52);
    const test = sample(3000, 53);

    it('keeps a dev-tuned threshold, predicts with it and beats both the most probable class and majority vote', () => {
      const auto = fitAuto(train, dev);
      const t = auto.decisionThreshold();
      expect(t).toBeTypeOf('number');
      expect(auto.getSelection()!.threshold).toBe(t);
      const probs = auto.predictProba(test.L);
      const preds = auto.predict(test.L, 'snorkel');
      expect(preds).toEqual(expectedPreds(auto, test.L, 'snorkel'));
      const tuned = scorePredictions(test.y, preds, 2, 'f1');
      expect(tuned).toBeGreaterThan(scorePredictions(test.y, probsToPreds(probs, 2, 'snorkel'), 2, 'f1') + 0.05);
      expect(tuned).toBeGreaterThan(mvF1(train, test) + 0.05);
      const loaded = loadLabelModel(JSON.parse(JSON.stringify(auto.toJSON()))) as AutoLabelModel;
      expect(loaded.decisionThreshold()).toBe(t);
      expect(loaded.predict(test.L)).toEqual(preds);
    });

    it('tuneThreshold: false scores and predicts by the most probable class', () => {
      const auto = fitAuto(train, dev, { tuneThreshold: false });
      expect(auto.decisionThreshold()).toBeNull();
      expect(auto.getSelection()!.scores.every((s) => s.threshold === undefined)).toBe(true);
      expect(auto.predict(test.L, 'abstain')).toEqual(probsToPreds(auto.predictProba(test.L), 2, 'abstain'));
    });
  });

  describe('when positives hide among the rows without votes', () => {
    // The old failure: a cut tuned on dev rows no LF voted on labelled every uncovered row positive (wrench_sms).
    const voteRate = [
      [0.01, 0.1],
      [0.3, 0.02],
      [0.35, 0.03],
      [0.25, 0.02],
    ];
    const rightRate = [
      [0, 1],
      [1, 0],
      [1, 0],
      [1, 0],
    ];
    const sample = (n: number, seed: number) => sampleByClass({ n, voteRate, rightRate, classBalance: [0.8, 0.2], seed });
    const train = sample(5000, 51);
    const dev = sample(600, 52);
    const test = sample(3000, 53);

    it('the F1 cut never changes an uncovered row', () => {
      for (const candidates of [undefined, ['mv'] as const, ['wmv'] as const, ['mc', 'ds'] as const]) {
        const auto = new AutoLabelModel();
        auto.fit(train.L, { dev: { L: dev.L, gold: dev.y }, metric: 'f1', candidates });
        const probs = auto.predictProba(test.L);
        const votes = test.L.voteCounts();
        for (const policy of ['abstain', 'snorkel', 'random'] as const) {
          const argmax = probsToPreds(probs, 2, policy, 3);
          const preds = auto.predict(test.L, policy, 3);
          for (let i = 0; i < votes.length; i++) if (votes[i] === 0) expect(preds[i]).toBe(argmax[i]);
          expect(auto.predictFromProbs(probs, policy, 3)).toEqual(preds);
        }
        // Every uncovered row gets the class balance, i.e. the same label (or every one abstains on a tie).
        const uncoveredLabels = new Set(Array.from(auto.predict(test.L, 'abstain')).filter((_, i) => votes[i] === 0));
        expect(uncoveredLabels.size).toBeLessThanOrEqual(1);
      }
    });
  });

  describe('when positives are rare and most rows get no vote', () => {
    // 10% positives; majority vote leaves the uncovered rows tied, and a tie-break calls half of them positive.
    const voteRate = [
      [0.02, 0.5],
      [0.01, 0.4],
      [0.03, 0.3],
      [0.08, 0.05],
      [0.1, 0.02],
    ];
    const rightRate = [
      [0, 1],
      [0, 1],
      [0, 1],
      [1, 0],
      [1, 0],
    ];
    const sample = (n: number, seed: number) => sampleByClass({ n, voteRate, rightRate, classBalance: [0.9, 0.1], seed });
    const train = sample(6000, 41);
    const dev = sample(1000, 42);
    const test = sample(3000, 43);

    it('is far above majority vote and close to the best threshold in hindsight', () => {
      const auto = fitAuto(train, dev);
      const probs = auto.predictProba(test.L);
      const f1 = scorePredictions(test.y, auto.predict(test.L, 'snorkel'), 2, 'f1');
      expect(f1).toBeGreaterThan(mvF1(train, test) + 0.2);
      expect(f1).toBeGreaterThan(bestF1Threshold(test.y, probs).f1 - 0.05);
    });
  });

  it('accuracy keeps the most probable class (no threshold)', () => {
    const { L, y } = sampleByClass({
      n: 800,
      voteRate: [
        [0.5, 0.5],
        [0.4, 0.4],
        [0.6, 0.6],
      ],
      rightRate: [
        [0.8, 0.8],
        [0.7, 0.7],
        [0.75, 0.75],
      ],
      classBalance: [0.5, 0.5],
      seed: 61,
    });
    const auto = new AutoLabelModel();
    auto.fit(L, { dev: { L, gold: y }, candidates: ['mv', 'mc'] });
    expect(auto.decisionThreshold()).toBeNull();
  });
});
