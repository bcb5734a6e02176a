/**
 * Label-model speed benchmark: a synthetic label matrix (default 1,000,000 rows × 100 LFs, k = 2, each LF votes on
 * 10% of rows, accuracies spread over [0.55, 0.95], seeded), and for each model the seconds to build its statistics,
 * fit and predict, and the peak RSS of a child process that does only that model (so peak RSS is per model and
 * includes the label matrix itself).
 *
 *   npm run bench:label-model -- [--n 1000000] [--m 100] [--coverage 0.1] [--models mc,triplet,ds,wmv,mv,mc-snorkel] [--json]
 *
 * Snorkel's LabelModel on this machine kind (REFERENCE.md): fit 8.2 s, predict_proba 4.0 s, peak RSS 3.8 GB.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/cli/output.js';
import { LabelMatrix } from '../src/matrix/label-matrix.js';
import { DawidSkene } from '../src/label-model/dawid-skene.js';
import { MajorityVote } from '../src/label-model/majority-vote.js';
import { MatrixCompletionModel } from '../src/label-model/mc/model.js';
import { OverlapStats } from '../src/label-model/stats.js';
import { TripletModel } from '../src/label-model/triplet.js';
import { WeightedMajorityVote } from '../src/label-model/weighted-majority-vote.js';
import { createRng } from '../src/util/rng.js';

const MODELS = ['mc', 'triplet', 'mc-snorkel', 'ds', 'wmv', 'mv'] as const;
type ModelName = (typeof MODELS)[number];

interface Options {
  n: number;
  m: number;
  coverage: number;
  seed: number;
  models: ModelName[];
  json: boolean;
  child?: ModelName;
}

interface ChildResult {
  model: ModelName;
  generateSeconds: number;
  statsSeconds: number | null;
  fitSeconds: number;
  predictSeconds: number;
  /** User + system CPU seconds of stats + fit + predict: less sensitive than wall time to other processes' load. */
  cpuSeconds: number;
  rssAfterDataMB: number;
  peakRssMB: number;
  checksum: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { n: 1_000_000, m: 100, coverage: 0.1, seed: 1, models: [...MODELS], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--n') o.n = Number(v());
    else if (a === '--m') o.m = Number(v());
    else if (a === '--coverage') o.coverage = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--models') o.models = v().split(',').map(checkModel);
    else if (a === '--json') o.json = true;
    else if (a === '--child') o.child = checkModel(v());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.n > 0 && o.m >= 3 && o.coverage > 0 && o.coverage <= 1)) throw new Error('need --n > 0, --m ≥ 3, 0 < --coverage ≤ 1');
  return o;
}

function checkModel(s: string): ModelName {
  if ((MODELS as readonly string[]).includes(s)) return s as ModelName;
  throw new Error(`unknown model ${s}; use ${MODELS.join(', ')}`);
}

/**
 * Y uniform over {0, 1}; LF j votes on each row independently with probability `coverage` and is right with
 * probability acc_j. Column by column with geometric gaps, so generation costs O(votes), not O(n·m).
 */
export function syntheticMatrix(n: number, m: number, coverage: number, seed: number): LabelMatrix {
  const rng = createRng(seed);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.next() < 0.5 ? 0 : 1;
  const votes = new Int8Array(n * m).fill(-1);
  const logMiss = Math.log(1 - coverage);
  for (let j = 0; j < m; j++) {
    const acc = 0.55 + (0.4 * j) / Math.max(m - 1, 1);
    let i = -1;
    for (;;) {
      i += coverage >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.next()) / logMiss);
      if (i >= n) break;
      votes[i * m + j] = rng.next() < acc ? y[i] : 1 - y[i];
    }
  }
  return new LabelMatrix({ n, m, votes, labels: ['neg', 'pos'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
}

function runChild(o: Options, model: ModelName): ChildResult {
  let t = performance.now();
  const L = syntheticMatrix(o.n, o.m, o.coverage, o.seed);
  const generateSeconds = (performance.now() - t) / 1000;
  const rssAfterDataMB = process.memoryUsage().rss / 2 ** 20;
  let statsSeconds: number | null = null;
  let predictProba: (L: LabelMatrix) => Float64Array;
  const cpu0 = process.cpuUsage();
  t = performance.now();
  if (model === 'mc' || model === 'mc-snorkel' || model === 'triplet') {
    const stats = OverlapStats.fromLabelMatrix(L);
    statsSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    if (model === 'triplet') {
      const tm = new TripletModel();
      tm.fitStats(stats, L.labels, L.lfNames);
      predictProba = (x) => tm.predictProba(x);
    } else {
      const mc = new MatrixCompletionModel();
      mc.fitStats(stats, L.labels, L.lfNames, model === 'mc-snorkel' ? { preset: 'snorkel', seed: 0 } : {});
      predictProba = (x) => mc.predictProba(x);
    }
  } else {
    const lm = model === 'ds' ? new DawidSkene() : model === 'wmv' ? new WeightedMajorityVote() : new MajorityVote();
    lm.fit(L);
    predictProba = (x) => lm.predictProba(x);
  }
  const fitSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const probs = predictProba(L);
  const predictSeconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  let checksum = 0;
  for (let i = 1; i < probs.length; i += 2) checksum += probs[i];
  return { model, generateSeconds, statsSeconds, fitSeconds, predictSeconds, cpuSeconds, rssAfterDataMB, peakRssMB: process.resourceUsage().maxRSS / 1024, checksum };
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
  const results: ChildResult[] = [];
  for (const model of o.models) {
    const args = [runner, self, '--child', model, '--n', String(o.n), '--m', String(o.m), '--coverage', String(o.coverage), '--seed', String(o.seed)];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`child for ${model} failed (${r.status}): ${r.stderr}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult);
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ n: o.n, m: o.m, k: 2, coverage: o.coverage, results }, null, 2)}\n`);
    return;
  }
  const s = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  console.log(`Synthetic ${o.n.toLocaleString('en-US')} rows × ${o.m} LFs, k = 2, coverage ${o.coverage} per LF, seed ${o.seed}; one child process per model.`);
  console.log(formatTable(
    ['model', 'stats s', 'fit s', 'predict s', 'stats+fit+predict s', 'same, CPU s', 'RSS with data MB', 'peak RSS MB'],
    results.map((r) => [r.model, s(r.statsSeconds), s(r.fitSeconds), s(r.predictSeconds), s((r.statsSeconds ?? 0) + r.fitSeconds + r.predictSeconds), s(r.cpuSeconds), r.rssAfterDataMB.toFixed(0), r.peakRssMB.toFixed(0)]),
  ));
  console.log(`Wall-clock seconds; load average during the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores.`);
  console.log('Snorkel LabelModel, same data shape (REFERENCE.md): fit 8.2 s, predict 4.0 s, peak RSS 3800 MB. Target for mc: stats+fit+predict < 1.2 s, peak RSS < 600 MB.');
}

main();
