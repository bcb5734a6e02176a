import { describe, expect, it } from 'vitest';
import { scoreSummary } from '../src/analysis/score.js';
import { expectedScore, scorePredictions } from '../src/label-model/metrics.js';

// One F1 for `ballot score` (analysis/score.ts) and the label models' dev metric (label-model/metrics.ts), with
// f1_macro as scikit-learn's f1_score(average='macro'): the mean over the classes in the gold labels or predictions.
const oneHot = (preds: number[], k: number) => {
  const p = new Float64Array(preds.length * k);
  preds.forEach((c, i) => (p[i * k + c] = 1));
  return p;
};

describe('f1_macro', () => {
  it('leaves out a class in neither the gold labels nor the predictions (sklearn: 0.8, not (0.8 + 0.8 + 0) / 3)', () => {
    const gold = [0, 0, 1, 1, 0];
    const preds = [0, 1, 1, 1, 0]; // class 0: tp 2, fn 1 → 0.8; class 1: tp 2, fp 1 → 0.8; class 2 absent
    expect(scorePredictions(gold, preds, 3, 'f1_macro')).toBeCloseTo(0.8, 12);
    expect(expectedScore(gold, oneHot(preds, 3), 3, 'f1_macro')).toBeCloseTo(0.8, 12);
    expect(scoreSummary(gold, preds, ['a', 'b', 'c']).f1Macro).toBeCloseTo(0.8, 12);
    expect(scoreSummary(gold, preds, ['a', 'b', 'c']).perClass[2]!.f1).toBeNull();
  });

  it('a class that is predicted but never gold counts, with F1 0 (sklearn includes it)', () => {
    const gold = [0, 0, 1, 1];
    const preds = [0, 2, 1, 1]; // class 0: 2/3; class 1: 1; class 2: 0
    const want = (2 / 3 + 1 + 0) / 3;
    expect(scorePredictions(gold, preds, 3, 'f1_macro')).toBeCloseTo(want, 12);
    expect(scoreSummary(gold, preds, ['a', 'b', 'c']).f1Macro).toBeCloseTo(want, 12);
  });

  it('an abstain is a miss of the row’s gold class; both scorers agree on accuracy, f1 and f1_macro', () => {
    const gold = [0, 1, 1, -1, 0, 1];
    const preds = [0, -1, 1, 0, 1, 1]; // row 3 has no gold: left out
    const s = scoreSummary(gold, preds, ['n', 'y']);
    for (const m of ['accuracy', 'f1', 'f1_macro'] as const) expect(scorePredictions(gold, preds, 2, m)).toBeCloseTo(s.metrics[m]!, 12);
    expect(s.accuracy).toBeCloseTo(3 / 5, 12);
    expect(s.f1).toBeCloseTo(4 / 6, 12); // class 1: tp 2, fp 1, fn 1
    expect(s.f1Macro).toBeCloseTo((2 / 3 + 4 / 6) / 2, 12); // class 0: tp 1, fp 0, fn 1
  });
});
