import { describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, disagreements, createRng, ConfigError } from '../src/index.js';
import { TopK } from '../src/internal.js';

// Hand-computed example, classes NO(0) YES(1), LFs x y z. probs come from "some label model".
//                votes          p(NO), p(YES)   given
const rows = [
  [1, 1, -1], //  r0             0.02  0.98      YES
  [1, 1, 0], //   r1             0.05  0.95      NO    ← model contradicts the given label
  [0, -1, -1], // r2             0.80  0.20      NO
  [0, 0, 1], //   r3             0.85  0.15      YES   ← model contradicts the given label
  [-1, -1, -1], // r4            0.50  0.50      YES   (uncovered: cannot be judged)
  [1, -1, 0], //  r5             0.46  0.54      NO    (contradicted, but 0.54 < threshold of YES)
];
const L = LabelMatrix.fromRows(rows, ['NO', 'YES'], ['x', 'y', 'z']);
const probs = Float64Array.from([0.02, 0.98, 0.05, 0.95, 0.8, 0.2, 0.85, 0.15, 0.5, 0.5, 0.46, 0.54]);
const gold = Int32Array.from([1, 0, 0, 1, 1, 0]);

describe('disagreements: label-error (confident learning)', () => {
  const rep = disagreements(L, probs, { gold });
  const flags = rep.flags.filter((f) => f.kind === 'label-error');

  it('uses per-class mean self-confidence over covered rows as thresholds', () => {
    // t_NO = mean p(NO) over covered rows given NO (r1, r2, r5); t_YES over covered rows given YES (r0, r3; r4 uncovered).
    expect(rep.thresholds.labelError![0]).toBeCloseTo((0.05 + 0.8 + 0.46) / 3, 12);
    expect(rep.thresholds.labelError![1]).toBeCloseTo((0.98 + 0.15) / 2, 12);
  });

  it('flags confident contradictions ranked by margin, and says why', () => {
    expect(flags.map((f) => [f.row, f.rank])).toEqual([
      [1, 1],
      [3, 2],
    ]);
    expect(flags[0].score).toBeCloseTo(0.9, 12);
    expect(flags[1].score).toBeCloseTo(0.7, 12);
    expect(flags[0]).toMatchObject({
      kind: 'label-error',
      votes: { x: 'YES', y: 'YES', z: 'NO' },
      probs: [0.05, 0.95],
      predicted: 'YES',
      given: 'NO',
    });
    expect(flags[0].reason).toBe('given NO, but the model says YES with p=0.95 (class threshold 0.56); votes: 2 YES, 1 NO');
    expect(rep.found['label-error']).toBe(2);
  });

  it('never flags uncovered rows, and reports them instead', () => {
    expect(rep.flags.some((f) => f.row === 4)).toBe(false);
    expect(rep.uncoveredRows).toBe(1);
    expect(rep.uncoveredWithGold).toBe(1);
    expect(rep.notes.join('\n')).toMatch(/1 of 6 rows have no LF vote and were not judged/);
  });

  it('skips rows whose given label is unknown (-1)', () => {
    const partial = Int32Array.from(gold);
    partial[1] = -1;
    const r = disagreements(L, probs, { gold: partial, kinds: ['label-error'] });
    expect(r.flags.map((f) => f.row)).toEqual([3]);
  });

  it('does not flag a row where the given class ties with the top class', () => {
    const tied = Float64Array.from(probs);
    tied.set([0.5, 0.5], 2); // r1 now 50/50
    const r = disagreements(L, tied, { gold, kinds: ['label-error'] });
    expect(r.flags.map((f) => f.row)).toEqual([3]);
  });
});

describe('disagreements: lf-conflict (vote entropy)', () => {
  it('ranks rows by normalised vote entropy, then by number of votes, then row', () => {
    const rep = disagreements(L, probs, { kinds: ['lf-conflict'] });
    const h = -(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3);
    expect(rep.flags.map((f) => f.row)).toEqual([5, 1, 3]);
    expect(rep.flags.map((f) => f.score)).toEqual([1, expect.closeTo(h, 12), expect.closeTo(h, 12)]);
    expect(rep.flags[0].reason).toBe('LFs split 1 NO, 1 YES (vote entropy 1.00)');
    expect(rep.flags[0].given).toBeUndefined();
    expect(rep.found).toEqual({ 'lf-conflict': 3 });
  });

  it('normalises by log k, so a 3-way split of 3 classes scores 1', () => {
    const L3 = LabelMatrix.fromRows(
      [
        [0, 1, 2],
        [0, 0, 1],
      ],
      ['a', 'b', 'c'],
    );
    const p3 = Float64Array.from([1 / 3, 1 / 3, 1 / 3, 0.9, 0.1, 0]);
    const rep = disagreements(L3, p3, { kinds: ['lf-conflict'] });
    expect(rep.flags[0]).toMatchObject({ row: 0, score: expect.closeTo(1, 12), predicted: null });
  });
});

describe('disagreements: lf-mistake (LF against a confident consensus)', () => {
  it('lists, per LF, the rows where it votes against a confident model', () => {
    const rep = disagreements(L, probs, { kinds: ['lf-mistake'] });
    // Consensus thresholds: mean p(top) over covered rows per top class: YES r0 r1 r5, NO r2 r3.
    expect(rep.thresholds.consensus![1]).toBeCloseTo((0.98 + 0.95 + 0.54) / 3, 12);
    expect(rep.thresholds.consensus![0]).toBeCloseTo((0.8 + 0.85) / 2, 12);
    // z votes NO on r1 (consensus YES 0.95) and YES on r3 (consensus NO 0.85 ≥ 0.825); r5 is below the YES threshold.
    expect(rep.flags.map((f) => [f.lf, f.row, f.rank])).toEqual([
      ['z', 1, 1],
      ['z', 3, 2],
    ]);
    expect(rep.flags[0].score).toBeCloseTo(0.9, 12);
    expect(rep.flags[0].reason).toBe('z votes NO against a confident YES (p=0.95, threshold 0.82); votes: 2 YES, 1 NO');
    expect(rep.found['lf-mistake']).toEqual({ x: 0, y: 0, z: 2 });
  });

  it('honours topPerLF and a fixed consensus threshold', () => {
    expect(disagreements(L, probs, { kinds: ['lf-mistake'], topPerLF: 1 }).flags.map((f) => f.row)).toEqual([1]);
    const loose = disagreements(L, probs, { kinds: ['lf-mistake'], consensusThreshold: 0.5 });
    // At 0.5, r5 (YES 0.54) is confident too: z (NO) and x (YES) are judged there; x agrees, z is flagged.
    expect(loose.flags.map((f) => [f.lf, f.row])).toEqual([
      ['z', 1],
      ['z', 3],
      ['z', 5],
    ]);
  });
});

describe('disagreements: options and input checks', () => {
  it('returns all applicable kinds in a fixed order and cuts each at top', () => {
    const rep = disagreements(L, probs, { gold, top: 1 });
    expect(rep.flags.map((f) => `${f.kind}:${f.row}`)).toEqual(['label-error:1', 'lf-conflict:5', 'lf-mistake:1', 'lf-mistake:3']);
    expect(rep.found['lf-conflict']).toBe(3);
    expect(disagreements(L, probs).flags.some((f) => f.kind === 'label-error')).toBe(false);
  });

  it('rejects bad input with a clear message', () => {
    expect(() => disagreements(L, probs, { kinds: ['label-error'] })).toThrow(/need gold/);
    expect(() => disagreements(L, probs.subarray(0, 10))).toThrow(/10 values, expected n·k = 6·2/);
    const nan = Float64Array.from(probs);
    nan[7] = Number.NaN;
    expect(() => disagreements(L, nan)).toThrow(/row 3, class YES is NaN/);
    expect(() => disagreements(L, probs, { top: -1 })).toThrow(ConfigError);
    expect(() => disagreements(L, probs, { kinds: ['nope' as never] })).toThrow(/unknown disagreement kind "nope"/);
  });

  it('works on majority-vote probabilities, where ties mean no consensus', () => {
    const mv = new MajorityVote().predictProba(L);
    const rep = disagreements(L, mv, { gold });
    // MV: r1 YES (2-1), r3 NO (2-1), r5 tie. Given labels NO/YES there, so both are label errors.
    expect(rep.flags.filter((f) => f.kind === 'label-error').map((f) => f.row)).toEqual([1, 3]);
    expect(rep.flags.find((f) => f.row === 5 && f.kind === 'lf-conflict')!.predicted).toBeNull();
  });
});

describe('TopK', () => {
  it('keeps the same best items, in the same order, as a full sort', () => {
    const rng = createRng(7);
    const items = Array.from({ length: 2000 }, (_, row) => ({ row, score: rng.int(20) / 20, tie: rng.int(3) }));
    const top = new TopK<(typeof items)[number]>(37);
    for (const it of items) top.offer(it);
    const expected = [...items].sort((a, b) => b.score - a.score || b.tie - a.tie || a.row - b.row).slice(0, 37);
    expect(top.sorted()).toEqual(expected);
    expect(new TopK(0).sorted()).toEqual([]);
  });
});
