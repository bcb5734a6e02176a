import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, readRows, runRecipe, sampleBatches, saveLabelMatrix, writeRows, writeSample, type Recipe } from '../src/index.js';
import {
  createRng,
  createSampleContext,
  prepareRecipe,
  sampleFile,
  sampleRows,
  SampleCandidates,
  selectCandidates,
  type SampleInput,
} from '../src/internal.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ballot.mjs');

// The batched engine (and the sharded run built on it) must select exactly what a one-pass run selects: the same
// rows, parts, order and report, whatever the batch or shard boundaries.

function pool(n: number, seed: number) {
  const rng = createRng(seed);
  const k = 3;
  const m = 7;
  const votes = new Int8Array(n * m);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = rng.next() < 0.6 ? 0 : rng.next() < 0.7 ? 1 : 2;
    for (let j = 0; j < m; j++) {
      const r = rng.next();
      votes[i * m + j] = r < 0.55 ? -1 : r < 0.85 ? truth[i] : rng.int(k);
    }
    if (i % 17 === 0) for (let j = 0; j < m; j++) votes[i * m + j] = -1; // some uncovered rows
  }
  const L = new LabelMatrix({ n, m, votes, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`), labels: ['A', 'B', 'C'] });
  const probs = new MajorityVote().predictProba(L);
  const groups = ['north', 'south', 'east', '', 'west'];
  const rows = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, group: groups[(i * 7 + (i >> 3)) % groups.length], text: `row ${i}` }));
  return { L, probs, rows };
}

function slice(p: ReturnType<typeof pool>, a: number, b: number): SampleInput {
  const { L } = p;
  const k = L.k;
  return {
    L: new LabelMatrix({ n: b - a, m: L.m, votes: L.votes.slice(a * L.m, b * L.m), lfNames: L.lfNames, labels: L.labels }),
    probs: p.probs.slice(a * k, b * k),
    rows: p.rows.slice(a, b),
  };
}

function cuts(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const out = [0];
  while (out.at(-1)! < n) out.push(Math.min(n, out.at(-1)! + 1 + rng.int(Math.max(1, n >> 2))));
  return out;
}

const recipes: Recipe[] = [
  { budget: 120, seed: 3, parts: [{ uncertainty: 0.5 }, { random: 0.5 }] },
  { budget: 300, seed: 1, parts: [{ confident: 0.6 }, { disagreement: 0.2 }, { coverageGap: 0.1 }, { random: 0.1 }] },
  {
    budget: 250,
    seed: 9,
    parts: [
      { stratified: 0.5, by: 'group' },
      { confident: 0.3, by: 'group', floor: 10 },
      { uncertainty: 0.2, measure: 'margin' },
    ],
  },
  { budget: 80, seed: 4, parts: [{ stratified: 0.7, allocation: 'equal' }, { coverageGap: 0.3 }] },
  // Parts that run dry hand their shortfall on (coverageGap has ~60 rows here; disagreement many).
  { budget: 900, seed: 5, parts: [{ coverageGap: 0.5 }, { disagreement: 0.3 }, { confident: 0.2, minConfidence: 0.9 }] },
  { budget: 1000, seed: 2, parts: [{ uncertainty: 0.4, includeUncovered: true }, { stratified: 0.6 }], redistribute: false },
  // A part stopped at its max hands the rest on, here to a reserve part of fraction 0.
  { budget: 400, seed: 6, parts: [{ uncertainty: 0.7, max: 150 }, { stratified: 0.3, max: 40 }, { random: 0 }] },
  {
    budget: 7,
    seed: 0,
    parts: [
      { name: 'a', random: 0.5 },
      { name: 'b', random: 0.5 },
    ],
  },
];

describe('batched sampling', () => {
  const p = pool(1000, 11);
  const ctx = createSampleContext({ L: p.L, probs: p.probs, rows: p.rows });
  recipes.forEach((recipe, r) => {
    it(`recipe ${r + 1}: the one-pass path, batches and shards select the same rows, parts and report`, async () => {
      const exclude = new Uint8Array(1000);
      for (let i = 0; i < 1000; i += 13) exclude[i] = 1;
      const whole = runRecipe(recipe, ctx, { engine: 'whole', exclude });
      const engine = runRecipe(recipe, ctx, { exclude });
      const expected = { indices: Array.from(whole.indices), partOf: Array.from(whole.partOf), report: whole.report };
      expect(whole.indices.length).toBeGreaterThan(0);
      expect({ indices: Array.from(engine.indices), partOf: Array.from(engine.partOf), report: engine.report }).toEqual(expected);

      for (const seed of [1, 2]) {
        const c = cuts(1000, seed * 31 + r);
        const batches = c.slice(1).map((b, j) => slice(p, c[j], b));
        const batched = await sampleBatches(recipe, batches, { exclude });
        expect({ indices: Array.from(batched.indices), partOf: Array.from(batched.partOf), report: batched.report }).toEqual(expected);
        expect(sampleRows(batched)).toEqual(sampleRows(whole));

        // Shards: each its own candidates from its first row, through bytes, merged in order.
        const prepared = prepareRecipe(recipe);
        const merged = new SampleCandidates(prepared, p.L.labels);
        c.slice(1).forEach((b, j) => {
          const shard = new SampleCandidates(prepared, p.L.labels, c[j]);
          shard.addBatch(createSampleContext(slice(p, c[j], b)), c[j], exclude);
          merged.merge(SampleCandidates.fromBytes(shard.toBytes(), prepared, p.L.labels, `shard ${j}`));
        });
        const sharded = selectCandidates(prepared, merged);
        expect({ indices: Array.from(sharded.indices), partOf: Array.from(sharded.partOf), report: sharded.report }).toEqual(expected);
        expect(sampleRows(sharded)).toEqual(sampleRows(whole));
      }
    });
  });

  it('random picks are uniform: each row is picked about budget/n of the time over seeds', () => {
    const small = pool(200, 3);
    const c = createSampleContext({ L: small.L, probs: small.probs });
    const hits = new Int32Array(200);
    for (let seed = 0; seed < 400; seed++) for (const i of runRecipe({ budget: 50, seed, parts: [{ random: 1 }] }, c).indices) hits[i]++;
    // Expected 100 per row (400 × 50/200); binomial sd ≈ 8.7: every row within 5 sd.
    expect(Math.min(...hits)).toBeGreaterThan(100 - 44);
    expect(Math.max(...hits)).toBeLessThan(100 + 44);
  });

  it('refuses recipes that need the whole pool, naming the reason', async () => {
    await expect(sampleBatches({ budget: 5, parts: [{ random: 1 }], dedupe: true }, [slice(p, 0, 10)])).rejects.toThrow(/dedupes the pool/);
    await expect(sampleBatches({ budget: 5, parts: [{ representative: 1 }] }, [slice(p, 0, 10)])).rejects.toThrow(
      /part "representative".*whole pool/,
    );
  });

  it('an exclude mask of another length is refused on every path', async () => {
    const short = new Uint8Array(999);
    expect(() => runRecipe(recipes[0], ctx, { exclude: short })).toThrow(/exclude has 999 entries for a pool of 1000 rows/);
    expect(() => runRecipe(recipes[0], ctx, { exclude: short, engine: 'whole' })).toThrow(/exclude has 999 entries/);
    await expect(sampleBatches(recipes[0], [slice(p, 0, 1000)], { exclude: short })).rejects.toThrow(/exclude has 999 entries/);
  });

  it('candidates of another recipe or seed are refused when read', () => {
    const a = prepareRecipe(recipes[0]);
    const b = prepareRecipe({ ...recipes[0], seed: 99 });
    const shard = new SampleCandidates(a, p.L.labels);
    shard.addBatch(createSampleContext(slice(p, 0, 100)), 0);
    expect(() => SampleCandidates.fromBytes(shard.toBytes(), b, p.L.labels, 'shard.bin')).toThrow(/shard\.bin.*another recipe/);
    expect(() => SampleCandidates.fromBytes(new Uint8Array([1, 2, 3]), a, p.L.labels, 'shard.bin')).toThrow(/shard\.bin/);
  });
});

describe('ballot sample, streamed (ranked parts, no dedupe)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballot-sample-stream-'));
  const p = pool(1000, 5);
  saveLabelMatrix(join(dir, 'L.arrow'), p.L);
  writeRows(join(dir, 'rows.csv'), p.rows);
  const recipe = recipes[2]; // stratified and confident by a column, uncertainty
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe));
  const reference = join(dir, 'reference.csv');
  const rows = readRows(join(dir, 'rows.csv'));
  const mv = new MajorityVote();
  writeSample(reference, runRecipe(recipe, { L: p.L, probs: mv.predictProba(p.L), rows: rows.rows }, { engine: 'whole' }), rows.columns);

  it('the CLI and sampleFile (in chunks of 37 rows) write the bytes of the in-memory run', async () => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'sample', '--recipe', 'recipe.json', '--L', 'L.arrow', '--model', 'mv', '--data', 'rows.csv', '--out', 'next.csv', '--no-csv-safe'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'next.csv'), 'utf8')).toBe(readFileSync(reference, 'utf8'));
    await sampleFile({
      recipe: prepareRecipe(recipe),
      L: join(dir, 'L.arrow'),
      model: mv,
      modelFile: 'mv',
      data: join(dir, 'rows.csv'),
      out: join(dir, 'chunked.csv'),
      chunkRows: 37,
    });
    expect(readFileSync(join(dir, 'chunked.csv'), 'utf8')).toBe(readFileSync(reference, 'utf8'));
  });

  it('a data file with other rows than the matrix is one line naming it, and nothing is written', async () => {
    writeRows(join(dir, 'short.csv'), p.rows.slice(0, 990));
    const out = join(dir, 'never.csv');
    await expect(
      sampleFile({
        recipe: prepareRecipe(recipe),
        L: join(dir, 'L.arrow'),
        model: mv,
        modelFile: 'mv',
        data: join(dir, 'short.csv'),
        out,
        chunkRows: 100,
      }),
    ).rejects.toThrow(/short\.csv: has 990 rows but .*L\.arrow has more/);
    expect(existsSync(out)).toBe(false);
  });
});
