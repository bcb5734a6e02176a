import { describe, expect, it } from 'vitest';
import { driftReport, createSampleContext, runRecipe, MajorityVote, LabelMatrix, readRows } from '../src/index.js';
import {
  evaluateDriftGate,
  parseDriftConditions,
  chiSquareSf,
  ksTwoSample,
  wilsonInterval,
  tokenizeRows,
  tokens,
  Vocabulary,
} from '../src/internal.js';
import { join } from 'node:path';
import { world } from './drift-helpers.js';

const report = (a: ReturnType<typeof world>, b: ReturnType<typeof world>, strict = false) =>
  driftReport({ L: a.L, rows: a.rows }, { L: b.L, rows: b.rows }, { textColumn: 'text', strict });

describe('statistics', () => {
  it('chi-square and KS tails match known values', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSf(18.307038053275146, 10)).toBeCloseTo(0.05, 6);
    expect(chiSquareSf(0.5, 3)).toBeCloseTo(0.918891, 5);
    // Disjoint samples: D = 1, tiny p.
    const r = ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(r.d).toBe(1);
    expect(r.p).toBeLessThan(1e-3);
    // Wilson for 81 of 100 at 95% (textbook value 0.7222–0.8750).
    const [lo, hi] = wilsonInterval(81, 100);
    expect(lo).toBeCloseTo(0.7222, 3);
    expect(hi).toBeCloseTo(0.875, 3);
  });
});

describe('driftReport: known answers', () => {
  it('two samples of one distribution: no alarm at the stated rate over 200 seeds, and each test is calibrated', () => {
    const seeds = 200,
      alpha = 0.05;
    let alarms = 0;
    const rejections = new Map<string, number>();
    for (let s = 0; s < seeds; s++) {
      const r = report(world({ n: 600, seed: 1000 + s }), world({ n: 600, seed: 5000 + s }));
      if (r.verdict.status !== 'none') alarms++;
      for (const c of r.checks) if (c.p < alpha) rejections.set(c.name, (rejections.get(c.name) ?? 0) + 1);
    }
    // Holm over all checks keeps the family-wise rate ≤ α; binomial tolerance 3 sd above.
    const tol = 3 * Math.sqrt((alpha * (1 - alpha)) / seeds);
    expect(alarms / seeds).toBeLessThanOrEqual(alpha + tol);
    // Single tests (unadjusted) reject at about α: within 3 sd (the Bonferroni gram tests only from above).
    for (const name of ['class balance (majority vote)', 'lf:kw_check', 'lf:kw_song', 'column:source', 'column:score', 'vote patterns']) {
      const rate = (rejections.get(name) ?? 0) / seeds;
      expect(rate, name).toBeLessThanOrEqual(alpha + tol);
      expect(rate, name).toBeGreaterThanOrEqual(Math.max(0, alpha - tol));
    }
    expect((rejections.get('tokens:text') ?? 0) / seeds).toBeLessThanOrEqual(alpha + tol);
  });

  it('a shifted class balance is detected and ranked first', () => {
    const r = report(world({ n: 2000, seed: 1 }), world({ n: 2000, seed: 2, spam: 0.7 }));
    expect(r.verdict.status).toBe('major');
    expect(r.checks[0].name).toBe('class balance (majority vote)');
    expect(r.checks[0].significant).toBe(true);
  });

  it('without a model, the class balance is majority vote: the same counts as the MajorityVote model', () => {
    const a = world({ n: 3000, seed: 1 }),
      b = world({ n: 3000, seed: 2, spam: 0.7 });
    const mv = (L: typeof a.L) => new MajorityVote().predictProba(L);
    const own = driftReport({ L: a.L }, { L: b.L }).checks.find((c) => c.kind === 'class-balance')!;
    const model = driftReport({ L: a.L, probs: mv(a.L) }, { L: b.L, probs: mv(b.L) }, { modelName: 'majority vote' }).checks.find(
      (c) => c.kind === 'class-balance',
    )!;
    expect(own).toEqual(model);
  });

  it('an LF whose keyword disappears is detected and ranked first', () => {
    const r = report(world({ n: 2000, seed: 1 }), world({ n: 2000, seed: 2, drop: ['free'] }));
    expect(r.checks[0].name).toBe('lf:kw_free');
    expect(r.checks[0].detail).toMatch(/coverage 0\.\d+ → 0\.000/);
    expect(r.checks.find((c) => c.name === 'tokens:text')!.top.map((t) => t.value)).toContain('free');
  });

  it('a new vocabulary is detected and ranked first, naming the new words', () => {
    const r = report(world({ n: 2000, seed: 1 }), world({ n: 2000, seed: 2, newWords: ['crypto', 'nft', 'bitcoin', 'airdrop'] }));
    expect(r.checks[0].name).toBe('tokens:text');
    expect(
      r.checks[0].top
        .slice(0, 4)
        .map((t) => t.value)
        .sort(),
    ).toEqual(['airdrop', 'bitcoin', 'crypto', 'nft']);
    // The LFs did not move: no LF check is significant.
    expect(r.checks.filter((c) => c.kind === 'lf' && c.significant)).toEqual([]);
  });

  it('fail-on gates: psi>0.2 trips on real drift only; bad conditions are one clear error', () => {
    const same = report(world({ n: 1500, seed: 1 }), world({ n: 1500, seed: 2 }));
    const moved = report(world({ n: 1500, seed: 1 }), world({ n: 1500, seed: 2, drop: ['free'] }));
    const conds = parseDriftConditions('psi>0.2');
    expect(evaluateDriftGate(same, conds)).toEqual([]);
    expect(evaluateDriftGate(moved, conds)[0].checks).toContain('lf:kw_free');
    expect(evaluateDriftGate(moved, parseDriftConditions('tokens: psi>0.5'))).toEqual([]);
    expect(evaluateDriftGate(moved, parseDriftConditions('lf:* psi>0.5'))[0].checks).toEqual(['lf:kw_free']);
    expect(() => parseDriftConditions('psi=0.2')).toThrow(/not understood/);
  });
});

describe('driftReport: bad input', () => {
  const a = world({ n: 300, seed: 1 });
  it('different LFs: the intersection with a note, or an error when strict', () => {
    const b = world({ n: 300, seed: 2 });
    const fewer = { ...b, L: b.L.selectLFs(['kw_check', 'kw_song', 'kw_love']) };
    const r = report(a, fewer);
    expect(r.lfs.compared).toEqual(['kw_check', 'kw_song', 'kw_love']);
    expect(r.lfs.onlyReference).toEqual(['kw_free', 'kw_subscribe']);
    expect(r.notes[0]).toMatch(/compared the 3 LFs both matrices have \(only in the reference: kw_free, kw_subscribe\)/);
    expect(() => report(a, fewer, true)).toThrow(/different LFs \(only in the reference: kw_free, kw_subscribe\)/);
  });
  it('empty new data, a missing text column', () => {
    const empty = { rows: [], y: new Int32Array(0), L: a.L.selectRows([]) };
    expect(() => report(a, empty)).toThrow(/the new data has no rows/);
    expect(() => driftReport({ L: a.L, rows: a.rows }, { L: a.L, rows: a.rows }, { textColumn: 'body' })).toThrow(/text column "body" is missing/);
  });
});

describe('drift sampler', () => {
  it('draws the new-looking rows of a mixed pool first', () => {
    const old = world({ n: 1500, seed: 1 });
    const same = world({ n: 500, seed: 2 });
    const fresh = world({ n: 500, seed: 3, newWords: ['crypto', 'nft', 'bitcoin', 'airdrop'], drop: ['free'] });
    const rows = [...same.rows, ...fresh.rows];
    const stacked = new LabelMatrix({
      n: 1000,
      m: same.L.m,
      votes: new Int8Array([...same.L.votes, ...fresh.L.votes]),
      lfNames: same.L.lfNames,
      labels: same.L.labels,
    });
    const ctx = createSampleContext({ probs: new MajorityVote().predictProba(stacked), L: stacked, rows, reference: { L: old.L, rows: old.rows } });
    const res = runRecipe({ budget: 100, parts: [{ drift: 1, textColumn: 'text' }] }, ctx);
    const fromFresh = Array.from(res.indices).filter((i) => i >= 500).length;
    expect(fromFresh).toBeGreaterThanOrEqual(90);
    // Without a reference: one clear error.
    expect(() => runRecipe({ budget: 10, parts: [{ drift: 1 }] }, createSampleContext({ probs: ctx.probs, L: stacked }))).toThrow(
      /needs the old training set/,
    );
  });
});

describe('tokenizer', () => {
  it('tokenizeRows (hashed scan) gives the tokens of tokens() on real comments, ids in first-seen order', () => {
    const rows = readRows(join(import.meta.dirname, '../examples/spam/data/Youtube02-KatyPerry.csv')).rows;
    const vocab = new Vocabulary();
    const t = tokenizeRows(rows, 'CONTENT', vocab);
    const expected = rows.flatMap((r) => tokens(r.CONTENT));
    expect(Array.from(t.ids, (id) => vocab.words[id])).toEqual(expected);
    expect(vocab.words).toEqual([...new Set(expected)]);
    expect(tokens("Don't STOP—believin’ 2 ✨ café")).toEqual(["don't", 'stop', 'believin', '2', 'café']);
  });
});
