import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDistributed } from '../src/project/distributed/coordinator.js';
import { startWorker } from '../src/project/distributed/worker.js';
import { applyFile, readRows } from '../src/index.js';
import { runCli } from './cli-helpers.js';
import { freePort, spawnBallot, startRedis, writeProject, type WorkerProc } from './distributed-helpers.js';

// Real redis-server and real `ballot worker` processes on loopback. The tests run in order: the refusal tests need
// the queue to themselves (no good worker running), the later ones share two worker processes.
const ROWS = 20_000;
const SHARD = 4_000; // 5 shards: rows 0–3999, 4000–7999, …
const LOCK = ['--lock-ms', '3000', '--stalled-ms', '700'];
// Worker-side only: the `slow` LF sleeps on these rows (row 9000, in shard 3, for the kill test; one row per other shard for
// the resume test). The LF code is the same as in the single-process run.
const SLOW = { BALLOT_TEST_SLOW: '100:300,4100:300,9000:1000,12100:300,16100:300' };

let root: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
let project: { data: string; lfs: string };
let reference: Buffer;
const procs: WorkerProc[] = [];

const worker = (env: Record<string, string> = SLOW): WorkerProc => {
  const w = spawnBallot(['worker', '--queue', redis.url, ...LOCK], env, root);
  procs.push(w);
  return w;
};
const stopAll = () => Promise.all(procs.splice(0).map((w) => w.kill('SIGKILL')));
const run = (name: string, extra: Partial<Parameters<typeof applyDistributed>[0]> = {}) =>
  applyDistributed({
    data: project.data,
    lfs: [project.lfs],
    out: join(root, name, 'L.arrow'),
    queue: redis.url,
    shardRows: SHARD,
    cwd: root,
    ...extra,
  });
const ready = (w: WorkerProc) => w.waitFor(/serving/);
const count = (dir: string, ext: string) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(ext)).length;
  } catch {
    return 0;
  }
};

let workers: WorkerProc[] = [];
let survivor: WorkerProc;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ballot-dist-'));
  redis = await startRedis();
  project = writeProject(root, ROWS);
  await applyFile({
    data: project.data,
    lfs: [project.lfs],
    out: join(root, 'single', 'L.arrow'),
    workers: 1,
    cache: false,
    progress: false,
    cwd: root,
  });
  reference = readFileSync(join(root, 'single', 'L.arrow'));
}, 30_000);

afterAll(async () => {
  await stopAll();
  redis?.proc.kill('SIGKILL');
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('distributed apply on BullMQ + Redis', () => {
  it('an unreachable Redis fails in seconds, naming the URL (password masked)', async () => {
    const port = await freePort();
    const url = `redis://ballot:secret@127.0.0.1:${port}/0`;
    await expect(run('unreachable', { queue: url })).rejects.toThrow(`cannot reach Redis at redis://ballot:***@127.0.0.1:${port}/0`);
    await expect(startWorker({ queue: url })).rejects.toThrow(`cannot reach Redis at redis://ballot:***@127.0.0.1:${port}/0`);
  }, 15_000);

  it('a worker with other LF code is refused by fingerprint, naming the LF', async () => {
    const other = join(root, 'other-checkout');
    writeProject(other, 10, 'changed'); // the same LF file with `slow`'s threshold changed
    const w = await startWorker({ queue: redis.url, project: other, lockDurationMs: 3000 });
    try {
      await expect(run('fp')).rejects.toThrow(/refuses shard \d\/5 .*LF code differs from the coordinator's for slow \(by fingerprint/);
    } finally {
      await w.close();
    }
  }, 30_000);

  it('storage not shared between coordinator and worker is detected and named', async () => {
    const w = await startWorker({ queue: redis.url, store: join(root, 'not-the-store'), lockDurationMs: 3000 });
    try {
      await expect(run('store')).rejects.toThrow(
        /storage not shared: worker .* does not see the coordinator's run file runs\/[0-9a-f]+\.json .* in .*not-the-store/,
      );
    } finally {
      await w.close();
    }
  }, 30_000);

  it('gives a label matrix and a fitted model byte-identical to the single-process run', async () => {
    workers = [worker(), worker()];
    await Promise.all(workers.map(ready));
    const r = await run('dist');
    expect(r.shards).toBe(5);
    expect(r.rows).toBe(ROWS);
    expect(readFileSync(join(root, 'dist', 'L.arrow')).equals(reference)).toBe(true);
    expect(workers.every((w) => /done shard/.test(w.out()))).toBe(true); // both took shards

    const fit = await runCli('fit', '--model', 'mc', '--L', join(root, 'single', 'L.arrow'), '--out', join(root, 'single', 'mc.json'));
    const fitStats = await runCli('fit-stats', '--model', 'mc', '--stats', join(root, 'dist', 'L.stats'), '--out', join(root, 'dist', 'mc.json'));
    expect(fit.code, fit.err).toBe(0);
    expect(fitStats.code, fitStats.err).toBe(0);
    expect(readFileSync(join(root, 'dist', 'mc.json'), 'utf8')).toBe(readFileSync(join(root, 'single', 'mc.json'), 'utf8'));
    const ds = await runCli('fit-stats', '--model', 'ds', '--stats', join(root, 'dist', 'L.stats'), '--out', join(root, 'dist', 'ds.json'));
    expect(ds.err).toMatch(/"ds" cannot fit from statistics: it needs each row's votes/);

    // Sharded predict (random ties: uncovered rows tie, and the pick hashes the global row) = predict on the merged matrix.
    const tie = ['--tie-policy', 'random', '--seed', '3'];
    const p1 = await runCli(
      'predict',
      '--model',
      join(root, 'single', 'mc.json'),
      '--L',
      join(root, 'single', 'L.arrow'),
      '--out',
      join(root, 'single', 'p.csv'),
      ...tie,
    );
    const p2 = await runCli(
      'predict',
      '--queue',
      redis.url,
      '--model',
      join(root, 'single', 'mc.json'),
      '--L',
      join(root, 'dist', 'L.arrow'),
      '--out',
      join(root, 'dist', 'p.csv'),
      ...tie,
    );
    expect(p1.code, p1.err).toBe(0);
    expect(p2.code, p2.err).toBe(0);
    expect(p2.out).toMatch(/20,000 rows .* \(5 shards, 0 from the store\)/);
    expect(readFileSync(join(root, 'dist', 'p.csv')).equals(readFileSync(join(root, 'single', 'p.csv')))).toBe(true);

    // Sharded sample (workers score their shards, the coordinator replays the recipe on the kept rows) = sample on
    // the merged matrix: rows copied out, a part stratified by a column with 100 values, shortfalls redistributed.
    const recipe = join(root, 'recipe.json');
    writeFileSync(
      recipe,
      JSON.stringify({
        budget: 400,
        seed: 5,
        parts: [{ uncertainty: 0.3 }, { stratified: 0.3, by: 'x' }, { confident: 0.2, floor: 5 }, { coverageGap: 0.1 }, { random: 0.1 }],
      }),
    );
    const sampleArgs = (dir: string) => [
      '--recipe',
      recipe,
      '--model',
      join(root, 'single', 'mc.json'),
      '--L',
      join(root, dir, 'L.arrow'),
      '--data',
      project.data,
      '--out',
      join(root, dir, 'next.csv'),
    ];
    const s1 = await runCli('sample', ...sampleArgs('single'));
    const s2 = await runCli('sample', '--queue', redis.url, ...sampleArgs('dist'));
    expect(s1.code, s1.err).toBe(0);
    expect(s2.code, s2.err).toBe(0);
    expect(s2.out).toMatch(/5 shards, 0 from the store/);
    const next = readFileSync(join(root, 'dist', 'next.csv'), 'utf8');
    expect(readRows(join(root, 'dist', 'next.csv')).rows.length).toBe(400);
    expect(next).toBe(readFileSync(join(root, 'single', 'next.csv'), 'utf8'));
    writeFileSync(join(root, 'dedupe.json'), JSON.stringify({ budget: 10, parts: [{ random: 1 }], dedupe: true }));
    const refused = await runCli('sample', '--queue', redis.url, ...sampleArgs('dist').map((x) => (x === recipe ? join(root, 'dedupe.json') : x)));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/dedupe\.json cannot be sampled in shards: it dedupes the pool/);

    // A re-run finds every shard in the store and enqueues nothing.
    const again = await run('dist');
    expect(again.reusedShards).toBe(5);
    expect(readFileSync(join(root, 'dist', 'L.arrow')).equals(reference)).toBe(true);
  }, 60_000);

  it('a poisoned shard fails the run after its attempts, naming the shard and row', async () => {
    const lines = readFileSync(project.data, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('5000,'));
    lines[at] = '5000,POISON,1';
    const poisoned = join(root, 'poisoned.csv');
    writeFileSync(poisoned, lines.join('\n'));
    await expect(run('poison', { data: poisoned, attempts: 2 })).rejects.toThrow(
      /shard 2\/5 \(.*poisoned\.csv bytes \d+–\d+\) failed after 2 attempts: row 1000 of the shard: labeling function "poison" failed on row 1000: poisoned row 5000/,
    );
    // Under onError 'abstain' the run goes through, with the same matrix (error counts included) as a single process.
    const r = await run('poison', { data: poisoned, onError: 'abstain' });
    expect(r.errorCounts.reduce((a, b) => a + b, 0)).toBe(1);
    await applyFile({
      data: poisoned,
      lfs: [project.lfs],
      out: join(root, 'poison-single', 'L.arrow'),
      workers: 1,
      cache: false,
      progress: false,
      cwd: root,
      onError: 'abstain',
    });
    expect(readFileSync(join(root, 'poison', 'L.arrow')).equals(readFileSync(join(root, 'poison-single', 'L.arrow')))).toBe(true);
  }, 30_000);

  it('a worker killed (SIGKILL) mid-shard leaves no partial output; the shard is retried elsewhere, result identical', async () => {
    const mark = workers.map((w) => w.out().length);
    const p = run('kill');
    const victim = await Promise.race(workers.map((w, i) => w.waitFor(/start shard 3\/5 job [0-9a-f]+-2 attempt 1/).then(() => i)));
    await new Promise((r) => setTimeout(r, 300)); // inside the 1 s sleep on row 9000
    await workers[victim].kill('SIGKILL');
    survivor = workers[1 - victim];
    const r = await p;
    expect(readFileSync(join(root, 'kill', 'L.arrow')).equals(reference)).toBe(true);
    expect(r.rows).toBe(ROWS);
    expect(workers[1 - victim].out().slice(mark[1 - victim])).toMatch(/done shard 3\/5/);
    expect(workers[victim].out().slice(mark[victim])).not.toMatch(/done shard 3\/5/);
    const store = join(root, 'kill', '.ballot-shards');
    expect(count(join(store, 'stats'), '.bin')).toBe(5);
    expect(count(join(store, 'seg'), '.tmp') + count(join(store, 'stats'), '.tmp')).toBe(0);
  }, 60_000);

  it('a restarted coordinator resumes: shards finished before it died are not redone', async () => {
    const out = join(root, 'resume', 'L.arrow');
    const apply = [
      'apply',
      '--queue',
      redis.url,
      '--data',
      project.data,
      '--lfs',
      project.lfs,
      '--out',
      out,
      '--shard-rows',
      String(SHARD),
      '--json',
    ];
    const mark = survivor.out().length;
    const c1 = spawnBallot(apply, {}, root);
    procs.push(c1);
    const stats = join(root, 'resume', '.ballot-shards', 'stats');
    while (count(stats, '.bin') < 1) await new Promise((r) => setTimeout(r, 50));
    await c1.kill('SIGKILL'); // the worker goes on with the flow's shards while no coordinator runs
    const before = count(stats, '.bin');
    const c2 = spawnBallot(apply, {}, root);
    procs.push(c2);
    await new Promise<void>((r) => c2.proc.once('exit', () => r()));
    expect(c2.proc.exitCode, c2.out()).toBe(0);
    const report = JSON.parse(c2.stdout());
    expect(report.reusedShards).toBeGreaterThanOrEqual(Math.max(1, before));
    expect(readFileSync(out).equals(reference)).toBe(true);
    // Each shard of this run was computed exactly once across both coordinators.
    const run = report.run.slice(0, 16);
    expect(
      survivor
        .out()
        .slice(mark)
        .match(new RegExp(`done shard \\d/5 job ${run}`, 'g')),
    ).toHaveLength(5);
  }, 60_000);
});
