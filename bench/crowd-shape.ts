/**
 * A crowdsourcing-shaped label matrix (issue 13's 11,040 rows × 825 LFs × 4 classes, where workers play the LFs):
 * each row is labelled by `--per-row` workers drawn at random (default 5), worker j right with a fixed accuracy in
 * [0.5, 0.95), otherwise another class uniformly; seeded. Times `fit` of every label model and of `auto` (with a
 * 500-row dev set from the same generator), each in its own fresh process, beside majority vote's fit in the same
 * run, and prints test accuracy on 2,000 held-out rows.
 *
 *   npm run bench:crowd -- [--n 11040] [--m 825] [--k 4] [--per-row 5] [--seed 1]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/cli/format/table.js';
import { argmaxRow, AutoLabelModel, createLabelModel, createRng, LabelMatrix } from '../src/internal.js';

const MODELS = ['mv', 'wmv', 'ds', 'mc', 'triplet', 'auto'] as const;
type Model = (typeof MODELS)[number];

interface Options {
  n: number;
  m: number;
  k: number;
  perRow: number;
  seed: number;
  child?: Model;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { n: 11_040, m: 825, k: 4, perRow: 5, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => Number(argv[++i]);
    if (a === '--n') o.n = v();
    else if (a === '--m') o.m = v();
    else if (a === '--k') o.k = v();
    else if (a === '--per-row') o.perRow = v();
    else if (a === '--seed') o.seed = v();
    else if (a === '--child') o.child = argv[++i] as Model;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.n > 0 && o.m >= 3 && o.k >= 2 && o.perRow >= 1 && o.perRow <= o.m)) throw new Error('need --n > 0, --m ≥ 3, --k ≥ 2, 1 ≤ --per-row ≤ --m');
  return o;
}

/** Rows labelled by perRow distinct random workers; worker accuracies are fixed by the LF index, not the seed. */
function crowdMatrix(o: Options, n: number, seed: number): { L: LabelMatrix; y: Int32Array } {
  const { m, k, perRow } = o;
  const rng = createRng(seed);
  const votes = new Int8Array(n * m).fill(-1);
  const y = new Int32Array(n);
  const accuracy = Float64Array.from({ length: m }, (_, j) => 0.5 + (0.45 * ((j * 7919) % m)) / m);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(k);
    for (let t = 0; t < perRow; ) {
      const j = rng.int(m);
      if (votes[i * m + j] !== -1) continue;
      votes[i * m + j] = rng.next() < accuracy[j] ? y[i] : (y[i] + 1 + rng.int(k - 1)) % k;
      t++;
    }
  }
  const labels = Array.from({ length: k }, (_, c) => `c${c}`);
  return { L: new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `worker${j}`) }), y };
}

function runChild(o: Options, model: Model): { seconds: number; accuracy: number; chosen?: string } {
  const train = crowdMatrix(o, o.n, o.seed);
  const test = crowdMatrix(o, 2000, o.seed + 2);
  // auto's dev rows are made before the clock starts, like the other matrices.
  const dev = model === 'auto' ? crowdMatrix(o, 500, o.seed + 1) : undefined;
  const t = performance.now();
  let chosen: string | undefined;
  const lm = model === 'auto' ? new AutoLabelModel() : createLabelModel(model);
  if (lm instanceof AutoLabelModel && dev) {
    chosen = lm.fit(train.L, { dev: { L: dev.L, gold: dev.y } }).selection?.chosen;
  } else lm.fit(train.L);
  const seconds = (performance.now() - t) / 1000;
  const probs = lm.predictProba(test.L);
  let right = 0;
  for (let i = 0; i < test.L.n; i++) if (argmaxRow(probs, i, o.k) === test.y[i]) right++;
  return { seconds, accuracy: right / test.L.n, ...(chosen ? { chosen } : {}) };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) {
    process.stdout.write(`${JSON.stringify(runChild(o, o.child))}\n`);
    return;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const runner = resolve(here, '../bin/run-ts.mjs');
  const self = fileURLToPath(import.meta.url);
  const args = ['--n', o.n, '--m', o.m, '--k', o.k, '--per-row', o.perRow, '--seed', o.seed].map(String);
  const rows: { model: Model; seconds: number; accuracy: number; chosen?: string }[] = [];
  for (const model of MODELS) {
    if (model === 'triplet' && o.k !== 2) continue;
    const r = spawnSync(process.execPath, [runner, self, '--child', model, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`child for ${model} failed (${r.status}): ${r.stderr}`);
    rows.push({ model, ...JSON.parse(r.stdout.trim().split('\n').pop()!) });
  }
  const mv = rows.find((r) => r.model === 'mv')!;
  console.log(
    `Crowd-shaped matrix: ${o.n.toLocaleString('en-US')} rows × ${o.m} LFs (workers) × ${o.k} classes, ${o.perRow} votes per row, seed ${o.seed}; one fresh process per model; test accuracy on 2,000 held-out rows.`,
  );
  console.log(
    formatTable(
      ['model', 'fit s', '× MV fit time', 'test accuracy', 'auto chose'],
      rows.map((r) => [r.model, r.seconds.toFixed(2), (r.seconds / mv.seconds).toFixed(1), `${(100 * r.accuracy).toFixed(1)}%`, r.chosen ?? '']),
    ),
  );
  console.log(
    `Wall-clock seconds; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} on ${cpus().length} cores. Issue 13 measured on 11,040 × 825 × 4: mc 115 s, wmv 104 s, ds 3 s, auto 591 s.`,
  );
}

if (process.argv[1]?.endsWith('crowd-shape.ts')) main();
