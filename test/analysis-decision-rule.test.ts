import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeSlices, disagreements, LabelMatrix, loadLabelModel, saveLabelMatrix, WeightedMajorityVote } from '../src/index.js';
import { runCli } from './cli-helpers.js';

// One decision rule: disagreements judge rows by the model's own labels (auto's binary F1 cut), as predict and sample
// do, not by a second argmax. Rows below have P(YES) in (0.35, 0.5): argmax says NO, the cut P(YES) > 0.35 says YES.
describe('disagreements with the model’s decision rule', () => {
  //                          votes      P(YES)  given   argmax  cut 0.35
  const L = LabelMatrix.fromRows(
    [
      [1, 1], //  r0            0.42    YES     NO      YES
      [1, 0], //  r1            0.41    NO      NO      YES   ← contradicts the given label under the cut only
      [0, 0], //  r2            0.10    NO      NO      NO
      [1, -1], // r3            0.38    YES     NO      YES
    ],
    ['NO', 'YES'],
    ['a', 'b'],
  );
  const pYes = [0.42, 0.41, 0.1, 0.38];
  const probs = Float64Array.from(pYes.flatMap((p) => [1 - p, p]));
  const gold = Int32Array.from([1, 0, 0, 1]);
  const cut = Int32Array.from(pYes.map((p) => (p > 0.35 ? 1 : 0)));

  it('label-error: argmax flags nothing; the cut flags the row it labels against the given label', () => {
    // t_YES = mean P(YES) over rows given YES = (0.42 + 0.38) / 2 = 0.40; t_NO = (0.59 + 0.90) / 2.
    expect(disagreements(L, probs, { gold, kinds: ['label-error'] }).flags).toEqual([]);
    const r = disagreements(L, probs, { gold, kinds: ['label-error'], preds: cut });
    expect(r.flags.map((f) => [f.row, f.predicted, f.given])).toEqual([[1, 'YES', 'NO']]);
    expect(r.flags[0].score).toBeCloseTo(0.41 - 0.59, 12);
  });

  it('lf-mistake and `predicted` follow the decision rule', () => {
    const argmax = disagreements(L, probs, { kinds: ['lf-mistake'], consensusThreshold: 0.35 });
    const ruled = disagreements(L, probs, { kinds: ['lf-mistake'], consensusThreshold: 0.35, preds: cut });
    // Row r1 (a says YES, b says NO): by argmax a is the mistaken LF, by the cut b is.
    expect(argmax.flags.filter((f) => f.row === 1).map((f) => [f.lf, f.predicted])).toEqual([['a', 'NO']]);
    expect(ruled.flags.filter((f) => f.row === 1).map((f) => [f.lf, f.predicted])).toEqual([['b', 'YES']]);
  });

  it('slices score the decision rule’s labels when given', () => {
    const slice = { name: 'all', mask: Uint8Array.from([1, 1, 1, 1]), source: 'column' as const, errors: 0 };
    // Given YES NO NO YES; argmax says NO NO NO NO, the cut YES YES NO YES.
    const three = { name: 'first3', mask: Uint8Array.from([1, 1, 1, 0]), source: 'column' as const, errors: 0 };
    const argmax = analyzeSlices({ L, probs, gold, slices: [slice, three] }, { minSize: 1 });
    const ruled = analyzeSlices({ L, probs, gold, preds: cut, slices: [slice, three] }, { minSize: 1 });
    const acc = (r: ReturnType<typeof analyzeSlices>, name: string) => r.slices.find((x) => x.name === name)!.labelModel!.value;
    expect(acc(argmax, 'first3')).toBeCloseTo(2 / 3, 12); // NO NO NO vs YES NO NO
    expect(acc(ruled, 'first3')).toBeCloseTo(2 / 3, 12); // YES YES NO vs YES NO NO
    expect(acc(argmax, 'all')).toBeCloseTo(0.5, 12);
    expect(acc(ruled, 'all')).toBeCloseTo(0.75, 12); // YES YES NO YES vs YES NO NO YES
    expect(() => analyzeSlices({ L, probs, gold, preds: Int32Array.from([0, 5, 0, 0]), slices: [slice] })).toThrow(/row 1 has label 5/);
  });

  it('refuses decisions of the wrong length or outside the classes', () => {
    expect(() => disagreements(L, probs, { preds: [0, 1] })).toThrow(/preds: 2 labels for 4 rows/);
    expect(() => disagreements(L, probs, { preds: [0, 1, 2, 0] })).toThrow(/row 2 has label 2/);
  });
});

describe('ballot disagreements --model <auto with a cut>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballot-decision-rule-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A weighted vote with fixed accuracies: a row where a (0.6) says YES and b (0.7) says NO has
  // P(YES) = 0.6·0.3 / (0.6·0.3 + 0.4·0.7) ≈ 0.391, so argmax says NO and a cut at 0.35 says YES.
  const L = LabelMatrix.fromRows(
    [
      [1, 0],
      [1, 1],
      [0, 0],
      [-1, -1],
    ],
    ['NO', 'YES'],
    ['a', 'b'],
  );
  const Lfile = join(dir, 'L.arrow');
  saveLabelMatrix(Lfile, L);
  const wmv = new WeightedMajorityVote();
  wmv.fit(L, { accuracies: [0.6, 0.7] });
  const auto = { model: 'auto', version: 1, labels: ['NO', 'YES'], lfNames: ['a', 'b'], selection: null, threshold: 0.35, chosen: wmv.toJSON() };
  const modelFile = join(dir, 'auto.json');
  writeFileSync(modelFile, JSON.stringify(auto));

  it('reports the label predict gives (the cut), and judges the LFs by it', async () => {
    const loaded = loadLabelModel(auto);
    const predicted = Array.from(loaded.predict(L));
    expect(predicted).toEqual([1, 1, 0, -1]); // r3 has no votes: the class balance, a tie (-1 under the abstain policy)
    const r = await runCli('disagreements', '--L', Lfile, '--model', modelFile, '--kinds', 'lf-mistake', '--consensus-threshold', '0.3', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const row0 = j.flags.filter((f: { row: number }) => f.row === 0);
    expect(row0.map((f: { lf: string; predicted: string }) => [f.lf, f.predicted])).toEqual([['b', 'YES']]);
  });
});
