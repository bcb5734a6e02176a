import { describe, expect, it } from 'vitest';
import { createSampleContext, LabelMatrix, runRecipe } from '../src/index.js';

// One decision rule: a sample's hard labels (`_label`, class strata) come from the model's predictFromProbs when given,
// so they match `ballot predict` (e.g. auto's F1 cut), not a second argmax.
describe('sample context hard labels', () => {
  const L = LabelMatrix.fromRows(
    [
      [0, -1],
      [1, -1],
      [1, 1],
      [-1, -1],
    ],
    ['NO', 'YES'],
  );
  const probs = Float64Array.from([0.6, 0.4, 0.55, 0.45, 0.1, 0.9, 0.5, 0.5]);

  it('defaults to the most probable class, -1 on ties', () => {
    expect(Array.from(createSampleContext({ probs, L }).preds)).toEqual([0, 0, 1, -1]);
  });

  it('takes the decision rule’s labels when given, and a sample reports them', () => {
    const preds = Int32Array.from([1, 1, 1, -1]); // e.g. a binary F1 cut at P(YES) > 0.35 on covered rows
    const ctx = createSampleContext({ probs, L, preds });
    expect(Array.from(ctx.preds)).toEqual([1, 1, 1, -1]);
    const r = runRecipe({ budget: 4, seed: 1, parts: [{ random: 1 }] }, ctx);
    expect(r.report.classes.find((c) => c.class === 'YES')?.pool).toBe(3);
    expect(r.report.classes.find((c) => c.class === 'NO')?.pool ?? 0).toBe(0);
  });

  it('refuses labels of the wrong length or outside the classes', () => {
    expect(() => createSampleContext({ probs, L, preds: Int32Array.from([0, 1]) })).toThrow(/preds: 2 labels for 4 rows/);
    expect(() => createSampleContext({ probs, L, preds: Int32Array.from([0, 1, 2, 0]) })).toThrow(/row 2 has label 2/);
  });
});
