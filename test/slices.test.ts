import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  slicesByColumn,
  analyzeSlices,
  MajorityVote,
  LabelMatrix,
  discoverSlices,
  sliceFunction,
  createSampleContext,
  runRecipe,
  createRng,
  disagreements,
} from '../src/index.js';
import { flaggedRows, evaluateSlices, evaluateSlicesCached, type Slice } from '../src/internal.js';

/**
 * Generated data with a planted failing slice: rows come from sources a–d (and a tiny 'e'); 5 LFs vote with
 * probability 0.6 each and are right with probability 0.85, except in source 'c' (0.55) and 'e' (0.1).
 */
function planted(seed: number, n = 4000) {
  const rng = createRng(seed);
  const m = 5;
  const votes = new Int8Array(n * m).fill(-1);
  const gold = new Int32Array(n);
  const rows: { source: string; len: number }[] = [];
  for (let i = 0; i < n; i++) {
    const source = i < 15 ? 'e' : ['a', 'b', 'c', 'd'][rng.int(4)];
    const acc = source === 'c' ? 0.55 : source === 'e' ? 0.1 : 0.85;
    const y = rng.int(2);
    gold[i] = y;
    rows.push({ source, len: 1 + rng.int(100) });
    for (let j = 0; j < m; j++) if (rng.next() < 0.6) votes[i * m + j] = rng.next() < (j === 0 && source === 'c' ? 0.2 : acc) ? y : 1 - y;
  }
  const L = new LabelMatrix({ n, m, votes, labels: ['NEG', 'POS'], lfNames: ['lf0', 'lf1', 'lf2', 'lf3', 'lf4'] });
  return { L, gold, rows, probs: new MajorityVote().predictProba(L) };
}

describe('analyzeSlices', () => {
  it('ranks a planted failing slice first; tiny and random slices do not flood the list', () => {
    const { L, gold, rows, probs } = planted(1);
    const rng = createRng(9);
    const random: Slice = {
      name: 'random_half',
      mask: Uint8Array.from({ length: L.n }, () => (rng.next() < 0.5 ? 1 : 0)),
      source: 'function',
      errors: 0,
    };
    const slices = [...slicesByColumn(rows, 'source').slices, random];
    const r = analyzeSlices({ L, probs, gold, slices });
    expect(r.underperforming[0]).toBe('source=c');
    expect(r.underperforming).not.toContain('source=e'); // accuracy ~0.1 but 15 gold rows < minSize
    expect(r.underperforming).not.toContain('random_half');
    const e = r.slices.find((s) => s.name === 'source=e')!;
    expect(e.labelModel!.value).toBeLessThan(0.5);
    expect(e.q).toBeUndefined();
    const c = r.slices.find((s) => s.name === 'source=c')!;
    expect(c.gap!).toBeLessThan(-0.2);
    expect(c.labelModel!.lo).toBeLessThan(c.labelModel!.value);
    // lf0 is much worse inside c than outside: listed first.
    expect(c.lfs[0].lf).toBe('lf0');
    expect(c.lfs[0].diff).toBeLessThan(-0.5);
    // The whole-set row and a plain data shape (JSON round trip keeps everything).
    expect(r.overall.rows).toBe(L.n);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('the Wilson interval covers the true accuracy at its nominal 95% over 400 seeds', () => {
    const seeds = 400,
      n = 300,
      truth = 0.8;
    let covered = 0;
    for (let s = 0; s < seeds; s++) {
      const rng = createRng(100 + s);
      // One LF that always votes; the label model is the LF, right with probability `truth`.
      const gold = Int32Array.from({ length: n }, () => rng.int(2));
      const votes = Int8Array.from(gold, (g) => (rng.next() < truth ? g : 1 - g));
      const L = new LabelMatrix({ n, m: 1, votes, labels: ['A', 'B'], lfNames: ['only'] });
      const mask = Uint8Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 0));
      const r = analyzeSlices({ L, probs: new MajorityVote().predictProba(L), gold, slices: [{ name: 'odd', mask, source: 'function', errors: 0 }] });
      const m = r.slices[0].labelModel!;
      if (m.lo <= truth && truth <= m.hi) covered++;
    }
    const tol = 3 * Math.sqrt((0.95 * 0.05) / seeds);
    expect(Math.abs(covered / seeds - 0.95)).toBeLessThanOrEqual(tol);
  });

  it('F1 with a seeded bootstrap interval: reproducible, and covering the truth at about its nominal rate', () => {
    let covered = 0;
    const seeds = 150;
    let first: unknown;
    for (let s = 0; s < seeds; s++) {
      const { L, gold, rows, probs } = planted(200 + s, 1200);
      const r = analyzeSlices({ L, probs, gold, slices: slicesByColumn(rows, 'source').slices }, { metric: 'f1', bootstrap: 400, seed: 3 });
      if (s === 0) first = r;
      const a = r.slices.find((x) => x.name === 'source=a')!.labelModel!;
      // True F1 of majority vote on a source with 5 LFs at 0.85, vote rate 0.6, ties broken at random: from a
      // 200k-row simulation of the same model.
      if (a.lo <= TRUE_F1 && TRUE_F1 <= a.hi) covered++;
    }
    expect(covered / seeds).toBeGreaterThan(0.88);
    const { L, gold, rows, probs } = planted(200, 1200);
    expect(analyzeSlices({ L, probs, gold, slices: slicesByColumn(rows, 'source').slices }, { metric: 'f1', bootstrap: 400, seed: 3 })).toEqual(
      first,
    );
  });

  it('flag rates use disagreements: its counts and the per-row mask agree', () => {
    const { L, gold, probs } = planted(2, 1500);
    const f = flaggedRows(L, probs, gold);
    expect(f.labelErrors).toBe(f.found['label-error']);
    expect(f.lfMistakes).toBe(Object.values(f.found['lf-mistake']!).reduce((a, b) => a + b, 0));
    // With top lists long enough for every flag, the mask is exactly the rows flagged as label-error or lf-mistake.
    const all = disagreements(L, probs, { gold, top: 1e6, topPerLF: 1e6, kinds: ['label-error', 'lf-mistake'] });
    const rows = new Set(all.flags.map((x) => x.row));
    expect(rows.size).toBeGreaterThan(0);
    expect(f.flagged.reduce((a, b) => a + b, 0)).toBe(rows.size);
    for (const r of rows) expect(f.flagged[r]).toBe(1);
  });
});

const TRUE_F1 = (() => {
  // Monte Carlo truth for the F1 test above (source 'a' rows only follow the 0.85 model).
  const { L, gold, rows, probs } = planted(99, 200_000);
  const mask = Uint8Array.from(rows, (r) => (r.source === 'a' ? 1 : 0));
  return analyzeSlices({ L, probs, gold, slices: [{ name: 'a', mask, source: 'column', errors: 0 }] }, { metric: 'f1', bootstrap: 10 }).slices[0]
    .labelModel!.value;
})();

describe('slices by column', () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ stars: String(i % 10), text: 'x'.repeat(i), kind: i % 3 ? 'a' : '', one: 'same' }));
  it('numeric in quantiles, text length, categories with a missing slice', () => {
    const q = slicesByColumn(rows, 'stars').slices;
    expect(q.map((s) => s.name)).toEqual(['stars in [0, 2)', 'stars in [2, 5)', 'stars in [5, 7)', 'stars in [7, 9]']);
    expect(q.reduce((t, s) => t + s.mask.reduce((a, b) => a + b, 0), 0)).toBe(100);
    const len = slicesByColumn(rows, 'length:text').slices;
    expect(len.map((s) => s.name)).toEqual([
      'length(text) in [0, 25)',
      'length(text) in [25, 50)',
      'length(text) in [50, 75)',
      'length(text) in [75, 99]',
    ]);
    expect(slicesByColumn(rows, 'kind').slices.map((s) => s.name)).toEqual(['kind=a', 'kind=(missing)']);
  });
  it('a missing column or a single value: one clear error', () => {
    expect(() => slicesByColumn(rows, 'source', { source: 'rows.csv' })).toThrow(
      /rows\.csv: cannot slice by "source": no such column; columns are stars, text, kind, one/,
    );
    expect(() => slicesByColumn(rows, 'one', { source: 'rows.csv' })).toThrow(/every row has the same value "same"/);
  });
});

describe('slice functions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballot-slices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const src = join(import.meta.dirname, '../src/index.js');

  it('evaluate, and a throwing slice under both error policies', () => {
    const rows = [{ t: 'hi' }, { t: null }, { t: 'a long one' }];
    const short = sliceFunction({ name: 'short', test: (r: { t: string }) => r.t.length < 5 });
    expect(() => evaluateSlices(rows, [short], { source: 'rows.csv' })).toThrow(
      /rows\.csv \(row 1\): slice function "short" failed on row 1: .*null/,
    );
    const [s] = evaluateSlices(rows, [short], { onError: 'abstain' });
    expect(Array.from(s.mask)).toEqual([1, 0, 0]);
    expect(s.errors).toBe(1);
    const bad = sliceFunction({ name: 'bad', test: (() => undefined) as unknown as () => boolean });
    expect(() => evaluateSlices(rows, [bad])).toThrow(/"bad" returned undefined on row 0; it must return true or false/);
  });

  it('discovered from files beside LFs, fingerprinted and cached', async () => {
    const file = join(dir, 'slices.ts');
    const write = (limit: number) =>
      writeFileSync(
        file,
        `import { sliceFunction, keywordLF } from ${JSON.stringify(src)};
export const lf = keywordLF({ name: 'kw', keywords: ['x'], label: 'A', field: 't' });
/** Short texts. */
export const short = sliceFunction({ name: 'short', test: (r: { t: string }) => r.t.length < ${limit} });
export const all = [sliceFunction({ name: 'has_x', test: (r: { t: string }) => r.t.includes('x') })];
`,
      );
    write(3);
    const d = await discoverSlices(file);
    expect(d.slices.map((s) => [s.name, s.doc ?? null, typeof s.codeHash])).toEqual([
      ['short', 'Short texts.', 'string'],
      ['has_x', null, 'string'],
    ]);
    const data = join(dir, 'rows.csv');
    writeFileSync(data, 't\nab\nxyz\n');
    const rows = [{ t: 'ab' }, { t: 'xyz' }];
    const cacheDir = join(dir, 'cache');
    const first = evaluateSlicesCached(rows, d.slices, { dataFile: data, cacheDir });
    expect(first.cached).toEqual([]);
    const again = evaluateSlicesCached(rows, d.slices, { dataFile: data, cacheDir });
    expect(again.cached).toEqual(['short', 'has_x']);
    expect(again.slices.map((s) => Array.from(s.mask))).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // Editing one slice re-evaluates only that one. (A fresh module URL: ESM caches imports by URL.)
    const file2 = join(dir, 'slices2.ts');
    write(5);
    writeFileSync(file2, (await import('node:fs')).readFileSync(file, 'utf8'));
    const d2 = await discoverSlices(file2);
    const third = evaluateSlicesCached(rows, d2.slices, { dataFile: data, cacheDir });
    expect(third.cached).toEqual(['has_x']);
    expect(Array.from(third.slices[0].mask)).toEqual([1, 1]);
  });

  it('a recipe stratifies by a slice', () => {
    const n = 200;
    const L = LabelMatrix.fromRows(
      Array.from({ length: n }, (_, i) => [i % 2]),
      ['A', 'B'],
    );
    const mask = Uint8Array.from({ length: n }, (_, i) => (i < 50 ? 1 : 0));
    const ctx = createSampleContext({ probs: new MajorityVote().predictProba(L), L, slices: new Map([['short_review', mask]]) });
    const res = runRecipe({ budget: 40, parts: [{ stratified: 1, by: 'slice:short_review' }] }, ctx);
    expect(Array.from(res.indices).filter((i) => i < 50).length).toBe(10); // proportional: 50 of 200 rows
    expect(() => runRecipe({ budget: 4, parts: [{ stratified: 1, by: 'slice:long' }] }, ctx)).toThrow(/no such slice; slices are short_review/);
  });
});
