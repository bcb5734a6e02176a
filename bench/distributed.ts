/**
 * `npm run bench:distributed`: sharded apply on BullMQ + a real redis-server against single-process `ballot apply`,
 * in the same run on the same data.
 *
 *   node bin/run-ts.mjs bench/distributed.ts [--rows 200000] [--lfs 100] [--workers 1,2,4] [--shard-rows 65536]
 *
 * Measures (1) wall time of single-process apply (1 thread, and all cores) and of the distributed apply with 1, 2 and 4
 * `ballot worker` processes (coordinator plan + queue + merge included); (2) the fixed cost of one shard: many tiny
 * shards with one LF that abstains, so the time per shard is queue round trip + store writes + merge share; (3) raw
 * BullMQ job round trips and redis-benchmark (when installed). From these it picks the smallest shard size whose fixed
 * cost is ≤ 2% of its work, and prints a paper estimate for 100 machines × 8 workers on 1B rows.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { applyDistributed } from '../src/project/distributed/coordinator.js';
import { applyFile, createRng, loadLabelMatrix, MajorityVote, runRecipe, writeSample } from '../src/index.js';
import { sampleDistributed } from '../src/project/distributed/sample.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const ROWS = Number(arg('rows', '200000'));
const M = Number(arg('lfs', '100'));
const WORKERS = arg('workers', '1,2,4').split(',').map(Number);
const SHARD_ROWS = Number(arg('shard-rows', '65536'));

const freePort = (): Promise<number> =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });

function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((res, rej) => {
    let out = '';
    p.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) res(p);
    });
    p.once('error', () => rej(new Error('redis-server is not installed (apt-get install -y redis-server)')));
  });
}

/** Every worker process started, so none outlives the bench when a step throws. */
const started: ChildProcess[] = [];

function startWorkers(n: number, url: string, cwd: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ChildProcess>((res) => {
          const w = spawn(process.execPath, [join(repo, 'bin/ballot.mjs'), 'worker', '--queue', url], {
            cwd,
            stdio: ['ignore', 'pipe', 'inherit'],
            env: { ...process.env, CI: '1' },
          });
          started.push(w);
          let out = '';
          w.stdout!.on('data', (d) => {
            out += d;
            if (out.includes('serving')) res(w);
          });
        }),
    ),
  );
}
const stop = (ws: ChildProcess[]) => Promise.all(ws.map((w) => new Promise<void>((r) => (w.once('exit', () => r()), w.kill('SIGTERM')))));

// ------------------------------------------------------------------------------------------ data and LFs
const root = mkdtempSync(join(tmpdir(), 'ballot-bench-dist-'));
writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
mkdirSync(join(root, 'node_modules'));
symlinkSync(repo, join(root, 'node_modules', 'ballot'), 'dir');
const rng = createRng(7);
const vocab = Array.from({ length: 1000 }, (_, i) => `w${i.toString(36)}x`);
async function writeData(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,text,score\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const len = 5 + rng.int(10);
    let t = '';
    for (let w = 0; w < len; w++) t += (w ? ' ' : '') + vocab[rng.int(vocab.length)];
    chunk += `${i},${t},${rng.int(1000)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}
const data = join(root, 'data.csv');
await writeData(data, ROWS);
mkdirSync(join(root, 'lfs'));
const lfLines = ["import { defineLabels, keywordLF } from 'ballot';", "export const labels = defineLabels(['NEG', 'POS'] as const);"];
for (let j = 0; j < M; j++)
  lfLines.push(
    `export const lf${String(j).padStart(3, '0')} = keywordLF({ name: 'kw${String(j).padStart(3, '0')}', keywords: ['${vocab[(j * 7) % vocab.length]}'], label: '${j % 2 ? 'POS' : 'NEG'}', field: 'text', match: 'substring' });`,
  );
writeFileSync(join(root, 'lfs', 'lfs.ts'), `${lfLines.join('\n')}\n`);
writeFileSync(
  join(root, 'lfs0.ts'),
  "import { defineLabels, labelingFunction, ABSTAIN } from 'ballot';\nexport const labels = defineLabels(['NEG', 'POS'] as const);\nexport const none = labelingFunction({ name: 'none', vote: () => ABSTAIN });\n",
);
const tiny = join(root, 'tiny.csv');
await writeData(tiny, 4000);

const port = await freePort();
const url = `redis://127.0.0.1:${port}/0`;
const redis = await startRedis(port);
const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};
try {
  say(
    `data: ${ROWS.toLocaleString('en-US')} rows (${(statSync(data).size / 1e6).toFixed(0)} MB CSV) × ${M} keyword LFs; ${availableParallelism()} cores; shard ${SHARD_ROWS.toLocaleString('en-US')} rows`,
  );
  say('');
  say('| run | wall s | rows/s | LF evals/s | vs single 1-thread |');
  say('|---|---|---|---|---|');
  const t1 = performance.now();
  await applyFile({
    data,
    lfs: [join(root, 'lfs', 'lfs.ts')],
    out: join(root, 'single1', 'L.arrow'),
    workers: 1,
    cache: false,
    progress: false,
    cwd: root,
  });
  const single1 = (performance.now() - t1) / 1000;
  const row = (name: string, s: number) =>
    say(
      `| ${name} | ${s.toFixed(2)} | ${Math.round(ROWS / s).toLocaleString('en-US')} | ${((ROWS * M) / s / 1e6).toFixed(1)}M | ${(single1 / s).toFixed(2)}× |`,
    );
  row('single process, 1 thread', single1);
  const tAll = performance.now();
  await applyFile({ data, lfs: [join(root, 'lfs', 'lfs.ts')], out: join(root, 'singleN', 'L.arrow'), cache: false, progress: false, cwd: root });
  row(`single process, ${availableParallelism()} worker threads`, (performance.now() - tAll) / 1000);
  // Single-process sample of the merged matrix (the reference for the sharded sample below).
  const mvModel = join(root, 'mv.json');

  const recipeFile = join(root, 'recipe.json');
  const recipe = { budget: 1000, seed: 3, parts: [{ uncertainty: 0.4 }, { confident: 0.3 }, { random: 0.3 }] };
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const sampleRef = join(root, 'single1', 'next.csv');
  const tSample = performance.now();
  {
    const L = loadLabelMatrix(join(root, 'single1', 'L.arrow'));
    const mv = new MajorityVote();
    mv.fit(L);
    writeFileSync(mvModel, JSON.stringify(mv.toJSON()));
    writeSample(sampleRef, runRecipe(recipe, { probs: mv.predictProba(L), L }));
  }
  const singleSample = (performance.now() - tSample) / 1000;
  const sampled: { w: number; s: number }[] = [];
  const distributed: { w: number; s: number; plan: number; cut: number; merge: number; shards: number }[] = [];
  for (const w of WORKERS) {
    const ws = await startWorkers(w, url, root);
    const t = performance.now();
    const r = await applyDistributed({
      data,
      lfs: [join(root, 'lfs', 'lfs.ts')],
      out: join(root, `dist${w}`, 'L.arrow'),
      queue: url,
      shardRows: SHARD_ROWS,
      cwd: root,
    });
    const s = (performance.now() - t) / 1000;
    await stop(ws);
    distributed.push({ w, s, plan: r.planSeconds, cut: r.cutSeconds, merge: r.mergeSeconds, shards: r.shards });
    row(
      `distributed, ${w} worker process${w > 1 ? 'es' : ''} (${r.shards} shards; plan ${r.planSeconds.toFixed(2)} s of which hash+cut ${r.cutSeconds.toFixed(2)} s, merge ${r.mergeSeconds.toFixed(2)} s)`,
      s,
    );
    const same = spawnSync('cmp', [join(root, 'single1', 'L.arrow'), join(root, `dist${w}`, 'L.arrow')]).status === 0;
    if (!same) say(`  !! distributed L.arrow with ${w} workers differs from the single-process one`);
    // Sharded sample on the same workers: the same rows as one process on the merged matrix?
    const ws2 = await startWorkers(w, url, root);
    const ts = performance.now();
    await sampleDistributed({
      L: join(root, `dist${w}`, 'L.arrow'),
      model: mvModel,
      recipe: recipeFile,
      out: join(root, `dist${w}`, 'next.csv'),
      queue: url,
      cwd: root,
    });
    sampled.push({ w, s: (performance.now() - ts) / 1000 });
    await stop(ws2);
    if (spawnSync('cmp', [sampleRef, join(root, `dist${w}`, 'next.csv')]).status !== 0)
      say(`  !! sharded sample with ${w} workers differs from the single-process one`);
    rmSync(join(root, `dist${w}`), { recursive: true, force: true });
  }

  say('');
  say(`sample (budget 1000: uncertainty 0.4, confident 0.3, random 0.3; mv), same rows as one process in every run:`);
  say('| run | wall s | vs single process |');
  say('|---|---:|---:|');
  say(`| single process: load L.arrow, predict, select, write | ${singleSample.toFixed(2)} | 1.00× |`);
  for (const r of sampled)
    say(
      `| sharded, ${r.w} worker process${r.w > 1 ? 'es' : ''} (score shards, merge candidates, select, write) | ${r.s.toFixed(2)} | ${(singleSample / r.s).toFixed(2)}× |`,
    );
  say('');

  // Fixed cost per shard: 4000 rows in shards of 10 rows, one LF that abstains, one worker.
  const ws = await startWorkers(1, url, root);
  const tq = performance.now();
  const rq = await applyDistributed({
    data: tiny,
    lfs: [join(root, 'lfs0.ts')],
    out: join(root, 'tiny', 'L.arrow'),
    queue: url,
    shardRows: 10,
    cwd: root,
  });
  const perShard = ((performance.now() - tq) / 1000 - rq.planSeconds) / rq.shards;
  await stop(ws);

  // Raw BullMQ round trips: 2000 no-op jobs through one in-process worker.
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const q = new Queue('bench-noop', { connection });
  const N = 2000;
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => (finish = r));
  const worker = new Worker(
    'bench-noop',
    async () => {
      if (++done === N) finish();
    },
    { connection, concurrency: 50 },
  );
  const tb = performance.now();
  await q.addBulk(Array.from({ length: N }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: true } })));
  await all;
  const bullJobsPerSec = N / ((performance.now() - tb) / 1000);
  await worker.close();
  await q.obliterate({ force: true });
  await q.close();
  let redisOps = '';
  const rb = spawnSync('redis-benchmark', ['-p', String(port), '-q', '-n', '50000', '-t', 'set,get,lpush,rpop'], { encoding: 'utf8' });
  if (rb.status === 0)
    redisOps = rb.stdout
      .split(/[\r\n]+/)
      .filter((l) => l.includes('requests per second'))
      .map((l) => l.trim().replace(/ requests per second.*/, '/s'))
      .join(', ');

  const one = distributed.find((d) => d.w === 1) ?? distributed[0];
  // Includes the worker's one-time LF discovery (ts-morph fingerprints) for this LF set, as a fresh worker pays it.
  const perWorkerRowsPerSec = ROWS / (one.s - one.plan - one.merge);
  const minShard = Math.ceil((perShard / 0.02) * perWorkerRowsPerSec);
  say('');
  say(`per-shard fixed cost (${rq.shards} shards of 10 rows, 1 LF, 1 worker): ${(perShard * 1000).toFixed(1)} ms`);
  say(`BullMQ no-op job round trips (1 in-process worker, concurrency 50): ${Math.round(bullJobsPerSec).toLocaleString('en-US')} jobs/s`);
  if (redisOps) say(`redis-benchmark: ${redisOps}`);
  say(
    `one worker process applies ${Math.round(perWorkerRowsPerSec).toLocaleString('en-US')} rows/s × ${M} LFs → a shard's fixed cost is ≤ 2% of its work from ${minShard.toLocaleString('en-US')} rows; default shard size 65,536 rows (${((perShard / (65536 / perWorkerRowsPerSec)) * 100).toFixed(1)}% overhead)`,
  );
  // Paper estimate: 100 machines × 8 workers, 1B rows, default shard size.
  const B = 1e9;
  const workers = 800;
  const shards = Math.ceil(B / 65536);
  const shardWork = 65536 / perWorkerRowsPerSec + perShard;
  const wall = Math.ceil(shards / workers) * shardWork;
  const redisShardRate = workers / shardWork;
  say('');
  say(`paper estimate, 1B rows × ${M} LFs on 100 machines × 8 workers (per-worker speed as measured here, one core each):`);
  say(`  ${shards.toLocaleString('en-US')} shards of 65,536 rows, ${shardWork.toFixed(2)} s each → ~${(wall / 60).toFixed(1)} min of applying`);
  const fileGB = ((statSync(data).size / ROWS) * B) / 1e9;
  const planMin = ((one.cut / (statSync(data).size / 1e9)) * fileGB) / 60;
  say(
    `  queue load: ~${Math.round(redisShardRate)} shard jobs/s = ${((redisShardRate / bullJobsPerSec) * 100).toFixed(0)}% of the ${Math.round(bullJobsPerSec).toLocaleString('en-US')} BullMQ jobs/s one in-process worker drove through this Redis (a lower bound on Redis's capacity: redis-benchmark above)`,
  );
  say(
    `  coordinator: plan = sha256 + one scan of the ${fileGB.toFixed(0)} GB CSV at ${(one.cut / (statSync(data).size / 1e9)).toFixed(1)} s/GB → ~${planMin.toFixed(0)} min (hash-bound; a list of files per shard, or hashing per shard on the workers, would remove it)`,
  );
  say(
    `  merge: statistics ${shards.toLocaleString('en-US')} × ${((((M * 2 * (M * 2 + 1)) / 2) * 8) / 1024).toFixed(0)} KB = ${((((shards * (M * 2) * (M * 2 + 1)) / 2) * 8) / 1e9).toFixed(1)} GB to read and add; the full matrix would be ${((B * M) / 1e9).toFixed(0)} GB concatenated on one machine — at this scale fit from the statistics (apply --queue without the matrix) and predict sharded`,
  );
  say(`  total ≈ ${(planMin + wall / 60).toFixed(0)} min + statistics merge, on 800 cores as fast as this machine's`);
} finally {
  for (const w of started) if (w.exitCode === null) w.kill('SIGKILL');
  redis.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}
