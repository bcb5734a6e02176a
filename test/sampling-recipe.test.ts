import { formatSampleReport } from '../src/cli/format/sample.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, readRows, createRng, ConfigError } from '../src/index.js';
import { createSampleContext, loadRecipe, normalizeText, prepareRecipe, runRecipe, writeSample, type Recipe } from '../src/internal.js';

/** Texts with planted duplicates, a skewed class, LFs of partial coverage, majority-vote probs. */
function pool(n: number, seed = 1) {
  const rng = createRng(seed);
  const words = ['free', 'money', 'song', 'love', 'video', 'click', 'check', 'channel', 'great', 'music', 'win', 'prize', 'cool', 'beat'];
  const rows: { id: number; text: string; source: string }[] = [];
  const votes: number[][] = [];
  for (let i = 0; i < n; i++) {
    const spam = rng.next() < 0.2;
    const text =
      i > 10 && rng.next() < 0.1
        ? `${rows[rng.int(i)].text.toUpperCase()}!!!`
        : `${Array.from({ length: 8 + rng.int(8) }, () => words[rng.int(words.length)]).join(' ')} #${i}`;
    rows.push({ id: i, text, source: ['web', 'app', 'mail'][rng.int(3)] });
    votes.push(Array.from({ length: 6 }, () => (rng.next() < 0.35 ? (rng.next() < 0.85 ? (spam ? 1 : 0) : rng.int(2)) : -1)));
  }
  const L = LabelMatrix.fromRows(votes, ['HAM', 'SPAM']);
  const probs = new MajorityVote().predictProba(L);
  return { rows, L, probs };
}

const issueRecipe: Recipe = {
  budget: 600,
  seed: 7,
  parts: [{ confident: 0.6, by: 'class' }, { uncertainty: 0.2 }, { random: 0.1 }, { coverageGap: 0.1 }],
  dedupe: { threshold: 0.9 },
};

describe('recipes', () => {
  const data = pool(4000);
  const ctx = createSampleContext(data);

  it('fills the budget exactly, with no row picked twice, and splits it by the fractions', () => {
    const { indices, report } = runRecipe(issueRecipe, ctx);
    expect(indices.length).toBe(600);
    expect(new Set(indices).size).toBe(600);
    expect(report.parts.map((p) => p.target)).toEqual([360, 120, 60, 60]);
    expect(report.parts.map((p) => p.picked)).toEqual([360, 120, 60, 60]);
    expect(report.selected).toBe(600);
    expect(report.unfilled).toBe(0);
  });

  it('drops duplicates before selecting: no two selected rows share a normalized text', () => {
    const { indices, report } = runRecipe(issueRecipe, ctx);
    expect(report.pool.exactDuplicates).toBeGreaterThan(200);
    const texts = Array.from(indices, (i) => normalizeText(data.rows[i].text));
    expect(new Set(texts).size).toBe(texts.length);
    expect(report.classes.reduce((a, c) => a + c.poolAfterDedupe, 0)).toBe(report.pool.afterDedupe);
    expect(report.classes.reduce((a, c) => a + c.pool, 0)).toBe(4000);
  });

  it('reproduces byte for byte from the same seed, in every output format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballot-sample-'));
    for (const ext of ['arrow', 'csv', 'jsonl']) {
      const a = join(dir, `a.${ext}`);
      const b = join(dir, `b.${ext}`);
      const c = join(dir, `c.${ext}`);
      writeSample(a, runRecipe(issueRecipe, createSampleContext(data)));
      writeSample(b, runRecipe(issueRecipe, createSampleContext(data)));
      writeSample(c, runRecipe({ ...issueRecipe, seed: 8 }, createSampleContext(data)));
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
      expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    }
  });

  it('writes provenance columns: part, probabilistic label, hard label, vote count, original row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballot-sample-'));
    const out = join(dir, 'next.jsonl');
    const result = runRecipe(issueRecipe, ctx);
    writeSample(out, result);
    const back = readRows(out).rows;
    expect(back).toHaveLength(600);
    const first = back[0];
    expect(Object.keys(first)).toEqual(['id', 'text', 'source', '_row', '_part', '_label', '_prob_HAM', '_prob_SPAM', '_votes']);
    for (const r of back) {
      const i = r._row as number;
      expect(r.id).toBe(i);
      expect(r._prob_HAM).toBeCloseTo(data.probs[2 * i], 12);
      expect(r._votes).toBe(ctx.voteCounts![i]);
      expect(['confident', 'uncertainty', 'random', 'coverageGap']).toContain(r._part);
      if (r._part === 'coverageGap') expect(r._votes).toBe(0);
      if (r._part === 'confident') expect(r._label).not.toBeNull();
    }
  });

  it('redistributes a part’s shortfall to the others and reports it', () => {
    // Only rows with no votes are coverage gaps; ask for far more than exist.
    const gaps = Array.from(ctx.voteCounts!).filter((v) => v === 0).length;
    const recipe: Recipe = { budget: 1000, seed: 1, parts: [{ coverageGap: 0.5 }, { random: 0.3 }, { uncertainty: 0.2 }] };
    const { indices, report } = runRecipe(recipe, ctx);
    expect(gaps).toBeLessThan(500);
    expect(indices.length).toBe(1000);
    const [gap, rnd, unc] = report.parts;
    expect(gap.picked).toBe(gaps);
    expect(gap.shortfall).toBe(500 - gaps);
    expect(rnd.received + unc.received).toBe(500 - gaps);
    // The shortfall is shared 3:2 by fraction (largest remainder).
    expect(Math.abs(rnd.received - 0.6 * (500 - gaps))).toBeLessThanOrEqual(1);
    expect(report.notes.join('\n')).toMatch(/part "coverageGap" had only \d+ eligible rows for its target of 500/);
    expect(formatSampleReport(report)).toMatch(/coverageGap\s+coverageGap\s+0\.500\s+500\s+\d+\s+0\s+\d+/);
  });

  it('stops a part at its max and hands the rest on; a fraction-0 part is the reserve', () => {
    const recipe: Recipe = { budget: 300, seed: 2, parts: [{ uncertainty: 1, max: 120 }, { random: 0 }] };
    const { indices, partOf, report } = runRecipe(recipe, ctx);
    expect(indices.length).toBe(300);
    const [unc, rnd] = report.parts;
    expect(unc).toMatchObject({ target: 300, picked: 120, shortfall: 180, max: 120 });
    expect(rnd).toMatchObject({ target: 0, picked: 180, received: 180 });
    expect(Array.from(partOf.slice(0, 120)).every((p) => p === 0)).toBe(true);
    // The capped part's rows are the first 120 an uncapped run picks: max only stops it early.
    const uncapped = runRecipe({ budget: 120, seed: 2, parts: [{ uncertainty: 1 }] }, ctx);
    expect(Array.from(indices.slice(0, 120))).toEqual(Array.from(uncapped.indices));
    expect(report.notes.join('\n')).toMatch(/part "uncertainty" stopped at its max of 120 rows \(its target was 300\)/);
    expect(formatSampleReport(report)).toMatch(/uncertainty\s+uncertainty\s+1\s+120\s+300\s+180\s+0\s+120/);
    expect(formatSampleReport(report)).toMatch(/random\s+random\s+0\s+—\s+0\s+0\s+180\s+180/);
    // With a part of positive fraction left, the reserve gets nothing; under the cap, max changes nothing.
    const shared = runRecipe({ budget: 300, seed: 2, parts: [{ uncertainty: 0.5, max: 120 }, { random: 0.5 }, { coverageGap: 0 }] }, ctx);
    expect(shared.report.parts.map((p) => p.picked)).toEqual([120, 180, 0]);
    const under = runRecipe({ budget: 100, seed: 2, parts: [{ uncertainty: 1, max: 120 }, { random: 0 }] }, ctx);
    expect(Array.from(under.indices)).toEqual(Array.from(runRecipe({ budget: 100, seed: 2, parts: [{ uncertainty: 1 }] }, ctx).indices));
    expect(() => runRecipe({ budget: 10, parts: [{ random: 1, max: -1 }] }, ctx)).toThrow(
      /part 1: max \(the most rows this part selects\) must be a whole number/,
    );
    expect(() => runRecipe({ budget: 10, parts: [{ random: 1, max: 2.5 }] }, ctx)).toThrow(/max .* got 2\.5/);
  });

  it('says so when the whole pool is smaller than the budget', () => {
    const small = pool(50, 3);
    const { indices, report } = runRecipe({ budget: 100, parts: [{ uncertainty: 0.5 }, { random: 0.5 }], dedupe: true }, small);
    expect(indices.length).toBe(report.pool.afterDedupe);
    expect(report.unfilled).toBe(100 - report.pool.afterDedupe);
    expect(report.notes.join('\n')).toMatch(/only \d+ rows after dedupe \(50 before\)/);
  });

  it('stratifies within ±1 of the target per stratum inside a recipe', () => {
    const { indices, report } = runRecipe({ budget: 301, seed: 2, parts: [{ stratified: 1, by: 'source', allocation: 'equal' }] }, ctx);
    expect(report.selected).toBe(301);
    const per = new Map<string, number>();
    for (const i of indices) per.set(data.rows[i].source, (per.get(data.rows[i].source) ?? 0) + 1);
    for (const c of per.values()) expect(Math.abs(c - 301 / 3)).toBeLessThanOrEqual(1);
  });

  it('runs custom samplers from TypeScript recipes and checks what they return', () => {
    const longest = {
      name: 'longest',
      fraction: 0.5,
      sampler: (c: typeof ctx, count: number, taken: Uint8Array) => {
        const order = Array.from({ length: c.n }, (_, i) => i).filter((i) => !taken[i]);
        order.sort((a, b) => data.rows[b].text.length - data.rows[a].text.length || a - b);
        return order.slice(0, count);
      },
    };
    const { report } = runRecipe({ budget: 20, parts: [longest, { random: 0.5 }] }, ctx);
    expect(report.parts[0]).toMatchObject({ name: 'longest', picked: 10 });
    const cheat = { name: 'cheat', fraction: 1, sampler: () => [0, 0] };
    expect(() => runRecipe({ budget: 2, parts: [cheat] }, ctx)).toThrow(/part "cheat".*row 0, which is already taken/);
  });
});

describe('recipe validation', () => {
  it('rejects an unknown sampler, naming the part', () => {
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 0.5 }, { uncertainity: 0.5 }] })).toThrow(ConfigError);
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 0.5 }, { uncertainity: 0.5 }] })).toThrow(/part 2: unknown sampler "uncertainity"/);
  });

  it('rejects unknown options and bad values', () => {
    expect(() => prepareRecipe({ budget: 10, parts: [{ uncertainty: 1, mesure: 'margin' }] })).toThrow(
      /uncertainty has no option "mesure"; its options are measure/,
    );
    expect(() => prepareRecipe({ budget: 10, parts: [{ uncertainty: 1, measure: 'gini' }] })).toThrow(/measure has an invalid value "gini"/);
    expect(() => prepareRecipe({ budget: 10.5, parts: [{ random: 1 }] })).toThrow(/budget must be a whole number/);
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 1.5 }] })).toThrow(/part 1 \(random\).*\[0, 1\]/);
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 0.5, uncertainty: 0.5 }] })).toThrow(/one sampler per part/);
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 0.5 }, { random: 0.5 }] })).toThrow(/two parts are named "random"/);
    expect(() => prepareRecipe({ size: 8, parts: [{ random: 1 }] })).toThrow(/unknown key "size"/);
    expect(() => prepareRecipe({ budget: 8, parts: [{ sampler: 'random', share: 1 }] })).toThrow(/write "fraction" \(of the budget\), not "share"/);
    expect(() => prepareRecipe({ budget: 8, parts: [{ sampler: 'randum', fraction: 1 }] })).toThrow(/part 1: unknown sampler "randum"/);
  });

  it('accepts the explicit form { sampler, fraction, ...options }', () => {
    const r = prepareRecipe({
      budget: 8,
      parts: [
        { sampler: 'uncertainty', fraction: 0.5, measure: 'margin' },
        { sampler: 'stratified', fraction: 0.5, by: 'class' },
      ],
    });
    expect(r.parts.map((p) => [p.name, p.kind, p.fraction])).toEqual([
      ['uncertainty', 'uncertainty', 0.5],
      ['stratified', 'stratified', 0.5],
    ]);
    expect(() => prepareRecipe({ budget: 8, parts: [{ sampler: 'uncertainty', fraction: 1, mesure: 'margin' }] })).toThrow(/no option "mesure"/);
  });

  it('fractions above 1 are an error; below 1 are an error unless fill says scale or random', () => {
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 0.7 }, { uncertainty: 0.4 }] })).toThrow(/sum to 1\.1, more than 1/);
    expect(() => prepareRecipe({ budget: 10, parts: [{ random: 0.5 }] })).toThrow(/sum to 0\.5, not 1/);
    const data = pool(500);
    const scaled = runRecipe({ budget: 100, fill: 'scale', parts: [{ random: 0.3 }, { uncertainty: 0.1 }] }, data);
    expect(scaled.report.parts.map((p) => p.target)).toEqual([75, 25]);
    const filled = runRecipe({ budget: 100, fill: 'random', parts: [{ uncertainty: 0.25 }] }, data);
    expect(filled.report.parts.map((p) => [p.name, p.target])).toEqual([
      ['uncertainty', 25],
      ['fill', 75],
    ]);
    // Two parts of one sampler need names; 0.6 + 0.2 + 0.1 + 0.1 sums to 1 within float error.
    expect(() =>
      prepareRecipe({ budget: 10, parts: [{ confident: 0.6 }, { uncertainty: 0.2 }, { random: 0.1, name: 'r1' }, { random: 0.1, name: 'r2' }] }),
    ).not.toThrow();
  });

  it('loads a JSON recipe file and names the file in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballot-recipe-'));
    const good = join(dir, 'recipe.json');
    writeFileSync(good, JSON.stringify({ budget: 5, seed: 3, parts: [{ random: 1 }] }));
    expect((await loadRecipe(good)).budget).toBe(5);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "budget": 5, "parts": [{ "radnom": 1 }] }');
    await expect(loadRecipe(bad)).rejects.toThrow(`${bad}: part 1: unknown sampler "radnom"`);
    writeFileSync(bad, '{ "budget": 5, ');
    await expect(loadRecipe(bad)).rejects.toThrow(/bad\.json: the recipe is not valid JSON/);
  });
});

describe('sample output types', () => {
  it('writes a majority-vote sample to Arrow with Float64 probabilities even when every one is 0 or 1', () => {
    // One vote per row: majority vote gives every row probability exactly 0 or 1.
    const rng = createRng(3);
    const votes = Array.from({ length: 300 }, () => {
      const row = [-1, -1, -1];
      row[rng.int(3)] = rng.int(2);
      return row;
    });
    const L = LabelMatrix.fromRows(votes, ['HAM', 'SPAM']);
    const probs = new MajorityVote().predictProba(L);
    const rows = votes.map((_, i) => ({ id: i, text: `comment number ${i}` }));
    const result = runRecipe({ budget: 50, seed: 1, parts: [{ confident: 0.5 }, { random: 0.5 }] }, createSampleContext({ probs, L, rows }));
    const out = join(mkdtempSync(join(tmpdir(), 'ballot-sample-')), 'next.arrow');
    writeSample(out, result);
    const table = tableFromIPC(readFileSync(out));
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['id', 'Int32'],
      ['text', 'Utf8'],
      ['_row', 'Int32'],
      ['_part', 'Utf8'],
      ['_label', 'Utf8'],
      ['_prob_HAM', 'Float64'],
      ['_prob_SPAM', 'Float64'],
      ['_votes', 'Int32'],
    ]);
    const back = readRows(out).rows;
    expect(back).toHaveLength(50);
    for (const r of back) {
      expect([0, 1]).toContain(r._prob_HAM);
      expect(r._prob_SPAM).toBe(1 - (r._prob_HAM as number));
      expect(r._label).toBe(r._prob_SPAM === 1 ? 'SPAM' : 'HAM');
      expect(r._votes).toBe(1);
    }
  });
});

describe('budget property (random recipes over random pools, k = 2..6)', () => {
  it('selects min(budget, pool after dedupe) distinct rows whenever a part can take any row, and reproduces', () => {
    const rng = createRng(2024);
    const kinds = ['random', 'stratified', 'uncertainty', 'disagreement', 'coverageGap', 'confident'] as const;
    for (let t = 0; t < 150; t++) {
      const k = 2 + rng.int(5);
      const n = rng.int(150);
      const m = 4;
      const votes = Int8Array.from({ length: n * m }, () => (rng.next() < 0.6 ? -1 : rng.int(k)));
      const L = new LabelMatrix({ n, m, votes, lfNames: ['a', 'b', 'c', 'd'], labels: Array.from({ length: k }, (_, y) => `c${y}`) });
      const probs = new MajorityVote().predictProba(L);
      const rows = Array.from({ length: n }, () => ({ group: String(rng.int(4)), text: `text ${rng.int(60)}` }));
      const weights = Array.from({ length: 1 + rng.int(4) }, () => 0.05 + rng.next());
      const sum = weights.reduce((a, b) => a + b, 0);
      const parts = weights.map((w, i) => {
        const kind = kinds[rng.int(kinds.length)];
        const part: Record<string, unknown> = { [kind]: w / sum, name: `p${i}` };
        if ((kind === 'stratified' || kind === 'confident') && rng.next() < 0.5) part.by = 'group';
        return part;
      });
      const recipe = { budget: rng.int(200), seed: t, parts, fill: 'scale', dedupe: rng.next() < 0.3 } as Recipe;
      const a = runRecipe(recipe, { probs, L, rows });
      const picked = Array.from(a.indices);
      expect(new Set(picked).size).toBe(picked.length);
      expect(picked.length).toBeLessThanOrEqual(recipe.budget);
      expect(a.report.selected + a.report.unfilled).toBe(recipe.budget);
      if (parts.some((p) => 'random' in p || 'stratified' in p)) expect(picked.length).toBe(Math.min(recipe.budget, a.report.pool.afterDedupe));
      expect(Array.from(runRecipe(recipe, { probs, L, rows }).indices)).toEqual(picked);
    }
  });
});
