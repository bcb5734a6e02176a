import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDistributed } from '../src/distributed/coordinator.js';
import { startWorker } from '../src/distributed/worker.js';
import { applyFile } from '../src/lf/apply-file.js';
import { runCli } from './cli-helpers.js';
import { freePort, spawnBallot, startRedis, writeProject, type WorkerProc } from './distributed-helpers.js';

const ROWS = 20_000;
const SHARD = 4_000; // 5 shards
const LOCK = ['--lock-ms', '2500', '--stalled-ms', '700'];

let root: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
let project: { data: string; lfs: string };
let reference: Buffer;
const procs: WorkerProc[] = [];

const worker = (env: Record<string, string> = {}, extra: string[] = []): WorkerProc => {
  const w = spawnBallot(['worker', '--queue', redis.url, ...LOCK, ...extra], env, root);
  procs.push(w);
  return w;
};
const stopAll = async () => {
  await Promise.all(procs.splice(0).map((w) => w.kill('SIGKILL')));
};
const run = (name: string, extra: Partial<Parameters<typeof applyDistributed>[0]> = {}) =>
  applyDistributed({ data: project.data, lfs: [project.lfs], out: join(root, name, 'L.arrow'), queue: redis.url, shardRows: SHARD, cwd: root, ...extra });
const ready = (w: WorkerProc) => w.waitFor(/serving/);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ballot-dist-'));
  redis = await startRedis();
  project = writeProject(root, ROWS);
  await applyFile({ data: project.data, lfs: [project.lfs], out: join(root, 'single', 'L.arrow'), workers: 1, cache: false, progress: false, cwd: root });
  reference = readFileSync(join(root, 'single', 'L.arrow'));
}, 30_000);

afterAll(async () => {
  await stopAll();
  redis?.proc.kill('SIGKILL');
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('distributed apply on BullMQ + Redis', () => {
  it('gives a label matrix and a fitted model byte-identical to the single-process run', async () => {
    const ws = [worker(), worker()];
    await Promise.all(ws.map(ready));
    const r = await run('dist');
    expect(r.shards).toBe(5);
    expect(r.rows).toBe(ROWS);
    expect(readFileSync(join(root, 'dist', 'L.arrow')).equals(reference)).toBe(true);
    // Both workers took shards.
    expect(ws.every((w) => /done shard/.test(w.out()))).toBe(true);

    const fit = await runCli('fit', '--model', 'mc', '--L', join(root, 'single', 'L.arrow'), '--out', join(root, 'single', 'mc.json'));
    const fitStats = await runCli('fit-stats', '--model', 'mc', '--stats', join(root, 'dist', 'L.stats'), '--out', join(root, 'dist', 'mc.json'));
    expect(fit.code, fit.err).toBe(0);
    expect(fitStats.code, fitStats.err).toBe(0);
    expect(readFileSync(join(root, 'dist', 'mc.json'), 'utf8')).toBe(readFileSync(join(root, 'single', 'mc.json'), 'utf8'));
    const ds = await runCli('fit-stats', '--model', 'ds', '--stats', join(root, 'dist', 'L.stats'), '--out', join(root, 'dist', 'ds.json'));
    expect(ds.err).toMatch(/"ds" cannot fit from statistics: it needs each row's votes/);

    // A re-run finds every shard in the store and enqueues nothing.
    const again = await run('dist');
    expect(again.reusedShards).toBe(5);
    expect(readFileSync(join(root, 'dist', 'L.arrow')).equals(reference)).toBe(true);
    await stopAll();
  }, 60_000);
});
