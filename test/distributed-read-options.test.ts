import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDistributed } from '../src/project/distributed/coordinator.js';
import { sampleDistributed } from '../src/project/distributed/sample.js';
import { startWorker, type RunningWorker } from '../src/project/distributed/worker.js';
import { applyFile, readRows } from '../src/index.js';
import type { ReadOptions } from '../src/data/read.js';
import { setDefaultReadOptions } from '../src/data/read-defaults.js';
import { loadLabelModel } from '../src/label-model/registry.js';
import { sampleFile } from '../src/project/sample-file.js';
import { loadRecipe } from '../src/sampling/index.js';
import { runCli } from './cli-helpers.js';
import { startRedis, writeProject } from './distributed-helpers.js';

// A sharded run reads its data with the read options of the single-process run (headerless CSV with --columns, JSONL
// with integers beyond 2^53 kept as strings): the same rows, so the same matrix and the same sample, byte for byte.
const ROWS = 3_000;
const SHARD = 1_000;

let root: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
let worker: RunningWorker;
let lfs: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ballot-dist-read-'));
  redis = await startRedis();
  lfs = writeProject(root, ROWS).lfs;
  worker = await startWorker({ queue: redis.url, project: root, lockDurationMs: 3000 });
}, 30_000);

afterAll(async () => {
  await worker?.close();
  redis?.proc.kill('SIGKILL');
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Applies `data` in one process and on the queue (same read options) and fits mc; returns the files' paths. */
async function applyBoth(name: string, data: string, read: ReadOptions): Promise<{ single: string; dist: string; model: string }> {
  const single = join(root, name, 'single', 'L.arrow');
  const dist = join(root, name, 'dist', 'L.arrow');
  await applyFile({ data, lfs: [lfs], out: single, workers: 1, cache: false, progress: false, cwd: root, read });
  const r = await applyDistributed({ data, lfs: [lfs], out: dist, queue: redis.url, shardRows: SHARD, cwd: root, read });
  expect(r.shards).toBe(3);
  expect(r.rows).toBe(ROWS);
  expect(readFileSync(dist).equals(readFileSync(single))).toBe(true);
  const model = join(root, name, 'mc.json');
  const fit = await runCli('fit', '--model', 'mc', '--L', single, '--out', model);
  expect(fit.code, fit.err).toBe(0);
  return { single, dist, model };
}

function writeRecipe(): string {
  const recipe = join(root, 'recipe.json');
  writeFileSync(recipe, JSON.stringify({ budget: 120, seed: 2, parts: [{ uncertainty: 0.5 }, { stratified: 0.3, by: 'x' }, { random: 0.2 }] }));
  return recipe;
}

describe('sharded runs honour the read options', () => {
  it('a headerless CSV named by --columns: sharded sample = single-process sample', async () => {
    const csv = readFileSync(join(root, 'data.csv'), 'utf8');
    const data = join(root, 'headerless.csv');
    writeFileSync(data, csv.slice(csv.indexOf('\n') + 1)); // drop the `id,text,x` header: the first line is data
    const { single, dist, model } = await applyBoth('csv', data, { header: false, columns: ['id', 'text', 'x'] });
    const recipe = writeRecipe();
    const flags = ['--no-header', '--columns', 'id,text,x', '--recipe', recipe, '--model', model, '--data', data];
    const s1 = await runCli('sample', ...flags, '--L', single, '--out', join(root, 'csv', 'single.csv'));
    const s2 = await runCli('sample', '--queue', redis.url, ...flags, '--L', dist, '--out', join(root, 'csv', 'dist.csv'));
    expect(s1.code, s1.err).toBe(0);
    expect(s2.code, s2.err).toBe(0);
    const out = readFileSync(join(root, 'csv', 'dist.csv'), 'utf8');
    expect(out).toBe(readFileSync(join(root, 'csv', 'single.csv'), 'utf8'));
    const picked = readRows(join(root, 'csv', 'dist.csv'));
    expect(picked.columns.slice(0, 3)).toEqual(['id', 'text', 'x']);
    expect(picked.rows.length).toBe(120);
    expect(picked.rows.every((r) => r.id === r._row)).toBe(true); // the first line is row 0, not a header
  }, 40_000);

  it('JSONL with integers beyond 2^53 kept as strings (unsafeNumbers): sharded sample = single-process sample', async () => {
    const data = join(root, 'big.jsonl');
    const rows = readRows(join(root, 'data.csv')).rows;
    writeFileSync(
      data,
      `${rows.map((r) => `{"id":${BigInt(r.id as string) + 10n ** 20n},"text":${JSON.stringify(r.text)},"x":${Number(r.x)}}`).join('\n')}\n`,
    );
    const read: ReadOptions = { unsafeNumbers: 'string' };
    const { single, dist, model } = await applyBoth('jsonl', data, read);
    const recipe = writeRecipe();
    setDefaultReadOptions(read); // the single-process sample reads the data with the process's read options
    try {
      const m = loadLabelModel(readFileSync(model, 'utf8'));
      await sampleFile({ recipe: await loadRecipe(recipe), L: single, model: m, modelFile: model, data, out: join(root, 'jsonl', 'single.jsonl') });
    } finally {
      setDefaultReadOptions({});
    }
    await sampleDistributed({ recipe, model, data, cwd: root, L: dist, queue: redis.url, out: join(root, 'jsonl', 'dist.jsonl') });
    const out = readFileSync(join(root, 'jsonl', 'dist.jsonl'), 'utf8');
    expect(out).toBe(readFileSync(join(root, 'jsonl', 'single.jsonl'), 'utf8'));
    expect(out).toMatch(/"id":"1000000000000000\d{5}"/); // the big ids, digit for digit
  }, 40_000);
});
