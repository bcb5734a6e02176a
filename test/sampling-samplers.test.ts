import { describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, createRng, ConfigError } from '../src/index.js';
import {
  apportion,
  confidentSampler,
  coverageGapSampler,
  createSampleContext,
  disagreementSampler,
  filterUncovered,
  randomSample,
  stratifiedSample,
  stratifiedSampler,
  uncertaintySampler,
  type SampleContext,
} from '../src/internal.js';

/** n rows with a skewed true class (70/25/5 %), m LFs of 30 % coverage and 80 % accuracy, majority-vote probs. */
function synthetic(n: number, seed = 1, m = 5) {
  const rng = createRng(seed);
  const labels = ['A', 'B', 'C'];
  const truth = new Int32Array(n);
  const rows: { id: number; group: string }[] = [];
  const votes: number[][] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    truth[i] = u < 0.7 ? 0 : u < 0.95 ? 1 : 2;
    rows.push({ id: i, group: ['north', 'south', 'east', 'west', 'tiny'][i % 50 === 0 ? 4 : rng.int(4)] });
    votes.push(Array.from({ length: m }, () => (rng.next() < 0.3 ? (rng.next() < 0.8 ? truth[i] : rng.int(3)) : -1)));
  }
  const L = LabelMatrix.fromRows(votes, labels);
  const probs = new MajorityVote().predictProba(L);
  return { L, probs, rows, truth, ctx: createSampleContext({ probs, L, rows }) };
}

const noneTaken = (ctx: SampleContext) => new Uint8Array(ctx.n);

describe('apportion (largest remainder)', () => {
  it('splits a total by weight, each share within 1 of its quota, summing exactly', () => {
    // Classic Hamilton example: 10 seats, votes 5:3:2 with remainders deciding.
    expect(Array.from(apportion(10, [0.6, 0.2, 0.1, 0.1]))).toEqual([6, 2, 1, 1]);
    expect(Array.from(apportion(7, [1, 1, 1]))).toEqual([3, 2, 2]);
    const w = [13, 7, 5, 1, 0.5];
    const a = apportion(101, w);
    expect(a.reduce((x, y) => x + y, 0)).toBe(101);
    const W = w.reduce((x, y) => x + y, 0);
    w.forEach((wi, i) => expect(Math.abs(a[i] - (101 * wi) / W)).toBeLessThan(1));
  });

  it('holds small items at their cap and gives the rest to the others', () => {
    const a = apportion(100, [50, 30, 20], [100, 3, 100]);
    expect(a[1]).toBe(3);
    expect(a[0] + a[1] + a[2]).toBe(100);
    // The remaining 97 are split 50:20 between the uncapped items (69.3 / 27.7).
    expect(Array.from(a)).toEqual([69, 3, 28]);
  });

  it('gives everything when the caps sum to less than the total', () => {
    expect(Array.from(apportion(100, [1, 1], [3, 4]))).toEqual([3, 4]);
  });

  it('raises items to their floor and takes the difference from the others', () => {
    const a = apportion(100, [95, 5], undefined, [20, 20]);
    expect(Array.from(a)).toEqual([80, 20]);
  });

  it('rejects floors above the total', () => {
    expect(() => apportion(5, [1, 1], undefined, [3, 3])).toThrow(RangeError);
  });
});

describe('random and stratified samples', () => {
  it('randomSample is seeded, distinct, in range and skips excluded rows', () => {
    const a = randomSample(1000, 100, 7);
    expect(a).toEqual(randomSample(1000, 100, 7));
    expect(a).not.toEqual(randomSample(1000, 100, 8));
    expect(new Set(a).size).toBe(100);
    const excluded = new Set(a.slice(0, 50));
    const b = randomSample(1000, 100, 7, excluded);
    expect(b.some((i) => excluded.has(i))).toBe(false);
    expect(randomSample(10, 50, 1)).toHaveLength(10);
  });

  it('stratified by predicted class is within ±1 of the proportional target per stratum', () => {
    const { ctx } = synthetic(5000);
    const count = 777;
    const picked = stratifiedSample(ctx, count, 3);
    expect(picked).toHaveLength(count);
    expect(new Set(picked).size).toBe(count);
    const strata = (i: number) => (ctx.preds[i] < 0 ? 'tie' : String(ctx.preds[i]));
    const sizes = new Map<string, number>();
    for (let i = 0; i < ctx.n; i++) sizes.set(strata(i), (sizes.get(strata(i)) ?? 0) + 1);
    const got = new Map<string, number>();
    for (const i of picked) got.set(strata(i), (got.get(strata(i)) ?? 0) + 1);
    expect(sizes.size).toBe(4); // A, B, C and tied rows
    for (const [s, size] of sizes) expect(Math.abs((got.get(s) ?? 0) - (count * size) / ctx.n)).toBeLessThanOrEqual(1);
  });

  it('equal allocation by a column gives each stratum the same count, small strata give all they have', () => {
    const { ctx, rows } = synthetic(5000);
    const tiny = rows.filter((r) => r.group === 'tiny').length; // every 50th row: 100
    const count = 1000; // 200 per stratum, but 'tiny' has only 100
    const picked = stratifiedSampler({ by: 'group', allocation: 'equal' }).select(ctx, count, noneTaken(ctx), createRng(1));
    expect(picked).toHaveLength(count);
    const per = new Map<string, number>();
    for (const i of picked) per.set(rows[i].group, (per.get(rows[i].group) ?? 0) + 1);
    expect(per.get('tiny')).toBe(tiny);
    const others = ['north', 'south', 'east', 'west'].map((g) => per.get(g)!);
    const target = (count - tiny) / 4;
    for (const c of others) expect(Math.abs(c - target)).toBeLessThanOrEqual(1);
  });

  it('never overshoots: asking for more than the pool returns the whole pool', () => {
    const { ctx } = synthetic(200);
    const picked = stratifiedSampler({ by: (row) => (row as { group: string }).group }).select(ctx, 10_000, noneTaken(ctx), createRng(1));
    expect(picked).toHaveLength(200);
    expect(new Set(picked).size).toBe(200);
  });

  it('stratifying by a missing column is a ConfigError naming it', () => {
    const { ctx } = synthetic(50);
    expect(() => stratifiedSample(ctx, 10, 1, { by: 'regoin' })).toThrow(/"regoin".*no such column/);
  });
});

describe('uncertainty, disagreement, coverage gaps, confident', () => {
  const labels = ['NEG', 'POS'];
  // Rows: 0 uncovered, 1 unanimous POS, 2 1-vs-1 tie, 3 2-vs-1, 4 3-vs-0 NEG, 5 uncovered (a model's class prior
  // 0.6/0.4, not a tie), 6 1 vote POS.
  const L = LabelMatrix.fromRows(
    [
      [-1, -1, -1],
      [1, 1, 1],
      [0, 1, -1],
      [1, 1, 0],
      [0, 0, 0],
      [-1, -1, -1],
      [-1, 1, -1],
    ],
    labels,
  );
  const probs = new Float64Array([0.5, 0.5, 0.05, 0.95, 0.5, 0.5, 0.3, 0.7, 0.98, 0.02, 0.6, 0.4, 0.2, 0.8]);
  const ctx = createSampleContext({ probs, L });

  it('uncertainty ranks by entropy or margin and leaves uncovered rows to coverageGap', () => {
    const rng = createRng(1);
    expect(uncertaintySampler().select(ctx, 3, noneTaken(ctx), rng)).toEqual([2, 3, 6]);
    expect(uncertaintySampler({ measure: 'margin' }).select(ctx, 2, noneTaken(ctx), rng)).toEqual([2, 3]);
    const withUncovered = uncertaintySampler({ includeUncovered: true }).select(ctx, 3, noneTaken(ctx), rng);
    expect(new Set(withUncovered)).toEqual(new Set([0, 2, 5]));
  });

  it('disagreement returns conflicting rows only, most contested first', () => {
    const taken = noneTaken(ctx);
    expect(disagreementSampler().select(ctx, 10, taken, createRng(1))).toEqual([2, 3]);
    taken[2] = 1;
    expect(disagreementSampler().select(ctx, 10, taken, createRng(1))).toEqual([3]);
  });

  it('coverageGap returns exactly the rows no LF voted on', () => {
    expect(new Set(coverageGapSampler().select(ctx, 10, noneTaken(ctx), createRng(1)))).toEqual(new Set([0, 5]));
  });

  it('samplers that need L say so', () => {
    const noL = createSampleContext({ probs, labels });
    expect(() => disagreementSampler().select(noL, 1, noneTaken(noL), createRng(1))).toThrow(ConfigError);
    expect(() => coverageGapSampler().select(noL, 1, noneTaken(noL), createRng(1))).toThrow(/needs the label matrix/);
  });

  it('confident takes the top rows per class, with a floor so a rare class appears', () => {
    const { ctx: big } = synthetic(20_000, 5, 8);
    const count = 400;
    const pick = (floor: number) => confidentSampler({ floor }).select(big, count, noneTaken(big), createRng(1));
    const perClass = (rowsPicked: number[]) => [0, 1, 2].map((y) => rowsPicked.filter((i) => big.preds[i] === y).length);
    const eligible = [0, 1, 2].map((y) => {
      let c = 0;
      for (let i = 0; i < big.n; i++) if (big.preds[i] === y && big.voteCounts![i] > 0) c++;
      return c;
    });
    const proportional = perClass(pick(0));
    expect(proportional.reduce((a, b) => a + b, 0)).toBe(count);
    proportional.forEach((c, y) => expect(Math.abs(c - (count * eligible[y]) / eligible.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(1));
    const floored = perClass(pick(100));
    expect(floored[2]).toBe(Math.max(100, proportional[2]));
    expect(floored.reduce((a, b) => a + b, 0)).toBe(count);
    // Within a class, the picks are the most confident rows of that class.
    const picked = pick(0);
    for (const y of [0, 1, 2]) {
      const mine = picked.filter((i) => big.preds[i] === y).map((i) => big.probs[i * 3 + y]);
      const minPicked = Math.min(...mine);
      for (let i = 0; i < big.n; i++) {
        if (big.preds[i] === y && big.voteCounts![i] > 0 && !picked.includes(i)) expect(big.probs[i * 3 + y]).toBeLessThanOrEqual(minPicked);
      }
    }
  });

  it('confident never picks tied or uncovered rows', () => {
    const picked = confidentSampler().select(ctx, 10, noneTaken(ctx), createRng(1));
    expect(new Set(picked)).toEqual(new Set([1, 3, 4, 6]));
    expect(picked.indexOf(4)).toBeGreaterThanOrEqual(0);
  });
});

describe('filterUncovered', () => {
  const L = LabelMatrix.fromRows(
    [
      [-1, -1],
      [0, -1],
      [0, 1],
      [-1, -1],
      [1, 1],
    ],
    ['HAM', 'SPAM'],
  );
  it('keeps the rows with at least one vote (like Snorkel filter_unlabeled_dataframe)', () => {
    expect(Array.from(filterUncovered(L))).toEqual([1, 2, 4]);
  });
  it('optionally drops rows whose probabilistic label is exactly uniform too', () => {
    const probs = new MajorityVote().predictProba(L);
    expect(Array.from(filterUncovered(L, { probs, dropUniform: true }))).toEqual([1, 4]);
    expect(() => filterUncovered(L, { dropUniform: true })).toThrow(/needs the probabilistic labels/);
  });
});
