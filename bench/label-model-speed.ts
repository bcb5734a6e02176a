/**
 * Label-model speed benchmark: a synthetic label matrix (default 1,000,000 rows × 100 LFs, k = 2, each LF votes on
 * 10% of rows, accuracies spread over [0.55, 0.95], seeded), and for each model the seconds of `fit(L)` (its
 * statistics, the fit and the post-fit checks, as a user's fit runs) and of `predictProba(L)`, and the peak RSS of a
 * child process that does only that model (so peak RSS is per model and includes the label matrix itself). Each model
 * runs in `--repeats` fresh processes (cold code, as `ballot fit` runs); the median run is shown with the range.
 *
 *   npm run bench:label-model -- [--shapes 1000000x100x2,100000x1000x2,1000000x100x6] [--n N --m M --k K] [--coverage 0.1]
 *                                [--models mc,triplet,ds,wmv,mv,mc-snorkel] [--repeats 3] [--snorkel-model] [--json]
 *
 * By default three shapes (n × m LFs × k classes): the 1M × 100 binary one, many LFs (m = 1000) and k = 6 (issue 13);
 * --n/--m/--k give one shape instead. triplet is binary and runs on k = 2 only.
 *
 * Snorkel's LabelModel on this machine kind (REFERENCE.md): fit 8.2 s, predict_proba 4.0 s, peak RSS 3.8 GB at 1M × 100 × 2,
 * fit 0.7 s + predict 0.7 s at 100k × 100 × 2; on those shapes (coverage 0.1) each model's speed-up is printed.
 *
 * Baseline for the statistics pass, per shape in the same run: bench/overlap-baseline.c (a plain C loop over the same
 * matrix, compiled with gcc -O2 into a temp dir; skipped with a message when gcc is missing), beside ballot's
 * OverlapStats on the same votes in one child process. `--no-c` skips it.
 *
 * `--snorkel-model` also times bench/snorkel_timing_model.py on every shape's votes: the work Snorkel 0.10's
 * LabelModel does (dense one-hot matrix, O by GEMM, 100 SGD epochs with autograd, predict through the n × d by d × d
 * product), run by Debian's python3 with python3-torch / python3-networkx / python3-munkres (skipped with a message when
 * they are missing). Snorkel itself cannot be installed here. The model is run on 1M × 100 × 2 as well, where
 * REFERENCE.md has Snorkel's measured time; each shape's estimate of Snorkel is the model's time there scaled by
 * REFERENCE / model at 1M × 100 × 2, so the machine's speed and load cancel out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/cli/format/table.js';
import {
  LabelMatrix,
  DawidSkene,
  MajorityVote,
  MatrixCompletionModel,
  OverlapStats,
  TripletModel,
  WeightedMajorityVote,
  createRng,
} from '../src/internal.js';

const MODELS = ['mc', 'triplet', 'mc-snorkel', 'ds', 'wmv', 'mv'] as const;
type ModelName = (typeof MODELS)[number];

interface Shape {
  n: number;
  m: number;
  k: number;
}

interface Options {
  shapes: Shape[];
  n: number;
  m: number;
  k: number;
  coverage: number;
  seed: number;
  models: ModelName[];
  json: boolean;
  child?: ModelName;
  /** Child mode: time OverlapStats and the C baseline (path of the compiled binary) on the same matrix. */
  childC?: string;
  c: boolean;
  /** Fresh child processes per model and shape (the median is shown). */
  repeats: number;
  /** Also run bench/snorkel_timing_model.py (Debian's python3 with torch, networkx, munkres) on every shape. */
  snorkelModel: boolean;
}

interface StatsBaseline {
  ballotSeconds: number;
  cSeconds: number;
  sumsMatch: boolean;
}

interface ChildResult {
  model: ModelName;
  generateSeconds: number;
  /** model.fit(L): statistics, fit and post-fit checks. */
  fitSeconds: number;
  predictSeconds: number;
  /** User + system CPU seconds of fit + predict: less sensitive than wall time to other processes' load. */
  cpuSeconds: number;
  rssAfterDataMB: number;
  peakRssMB: number;
  checksum: number;
  /** Fastest and slowest fit + predict of the repeats (set on the median run shown). */
  fastest?: number;
  slowest?: number;
}

function total(r: ChildResult): number {
  return r.fitSeconds + r.predictSeconds;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    shapes: [],
    n: 1_000_000,
    m: 100,
    k: 2,
    coverage: 0.1,
    seed: 1,
    models: [...MODELS],
    json: false,
    c: true,
    repeats: 3,
    snorkelModel: false,
  };
  let single = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--n') (o.n = Number(v())), (single = true);
    else if (a === '--m') (o.m = Number(v())), (single = true);
    else if (a === '--k') (o.k = Number(v())), (single = true);
    else if (a === '--shapes') o.shapes = v().split(',').map(parseShape);
    else if (a === '--coverage') o.coverage = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--models') o.models = v().split(',').map(checkModel);
    else if (a === '--json') o.json = true;
    else if (a === '--child') o.child = checkModel(v());
    else if (a === '--child-c') o.childC = v();
    else if (a === '--no-c') o.c = false;
    else if (a === '--repeats') o.repeats = Number(v());
    else if (a === '--snorkel-model') o.snorkelModel = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.n > 0 && o.m >= 3 && o.k >= 2 && o.k <= 100 && o.coverage > 0 && o.coverage <= 1))
    throw new Error('need --n > 0, --m ≥ 3, 2 ≤ --k ≤ 100, 0 < --coverage ≤ 1');
  if (!(Number.isInteger(o.repeats) && o.repeats >= 1)) throw new Error('--repeats needs a whole number ≥ 1');
  if (o.snorkelModel && o.coverage !== 0.1)
    throw new Error("--snorkel-model is scaled to REFERENCE.md's Snorkel time, measured at coverage 0.1: leave --coverage at 0.1");
  if (o.shapes.length === 0)
    o.shapes =
      single || o.child || o.childC
        ? [{ n: o.n, m: o.m, k: o.k }]
        : [
            { n: 1_000_000, m: 100, k: 2 },
            { n: 100_000, m: 1000, k: 2 },
            { n: 1_000_000, m: 100, k: 6 },
          ];
  return o;
}

function parseShape(s: string): Shape {
  const [n, m, k = 2] = s.split('x').map(Number);
  if (!(n > 0 && m >= 3 && k >= 2)) throw new Error(`--shapes: "${s}" is not n x m x k (e.g. 100000x1000x2)`);
  return { n, m, k };
}

function checkModel(s: string): ModelName {
  if ((MODELS as readonly string[]).includes(s)) return s as ModelName;
  throw new Error(`unknown model ${s}; use ${MODELS.join(', ')}`);
}

/**
 * Y uniform over k classes; LF j votes on each row independently with probability `coverage` and is right with
 * probability acc_j, else votes another class uniformly. Column by column with geometric gaps, so generation costs
 * O(votes), not O(n·m). (k = 2 draws exactly as before k was a parameter.)
 */
export function syntheticMatrix(n: number, m: number, coverage: number, seed: number, k = 2): LabelMatrix {
  const rng = createRng(seed);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = k === 2 ? (rng.next() < 0.5 ? 0 : 1) : Math.floor(rng.next() * k);
  const votes = new Int8Array(n * m).fill(-1);
  const logMiss = Math.log(1 - coverage);
  for (let j = 0; j < m; j++) {
    const acc = 0.55 + (0.4 * j) / Math.max(m - 1, 1);
    let i = -1;
    for (;;) {
      i += coverage >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.next()) / logMiss);
      if (i >= n) break;
      const right = rng.next() < acc;
      votes[i * m + j] = right ? y[i] : k === 2 ? 1 - y[i] : (y[i] + 1 + Math.floor(rng.next() * (k - 1))) % k;
    }
  }
  const labels = k === 2 ? ['neg', 'pos'] : Array.from({ length: k }, (_, y) => `c${y}`);
  return new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
}

function runChild(o: Options, model: ModelName): ChildResult {
  let t = performance.now();
  const L = syntheticMatrix(o.n, o.m, o.coverage, o.seed, o.k);
  const generateSeconds = (performance.now() - t) / 1000;
  const rssAfterDataMB = process.memoryUsage().rss / 2 ** 20;
  const cpu0 = process.cpuUsage();
  // What a user's fit does: the statistics, the fit and the post-fit checks (collapse, preset cross-check).
  const lm =
    model === 'mc' || model === 'mc-snorkel'
      ? new MatrixCompletionModel()
      : model === 'triplet'
        ? new TripletModel()
        : model === 'ds'
          ? new DawidSkene()
          : model === 'wmv'
            ? new WeightedMajorityVote()
            : new MajorityVote();
  t = performance.now();
  if (lm instanceof MatrixCompletionModel) lm.fit(L, model === 'mc-snorkel' ? { preset: 'snorkel', seed: 0 } : {});
  else lm.fit(L);
  const predictProba = (x: LabelMatrix) => lm.predictProba(x);
  const fitSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const probs = predictProba(L);
  const predictSeconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  let checksum = 0;
  for (let i = 1; i < probs.length; i += 2) checksum += probs[i];
  return {
    model,
    generateSeconds,
    fitSeconds,
    predictSeconds,
    cpuSeconds,
    rssAfterDataMB,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    checksum,
  };
}

const REPEATS = 3;

/**
 * Snorkel LabelModel fit + predict_proba seconds on this machine kind (REFERENCE.md: synthetic, 10% coverage per LF),
 * by shape "n x m x k"; the other shapes have no Snorkel figure.
 */
const SNORKEL_SECONDS: Record<string, { fit: number; predict: number }> = {
  '1000000x100x2': { fit: 8.2, predict: 4.0 },
  '100000x100x2': { fit: 0.7, predict: 0.7 },
};

/** ballot's statistics pass and the C loop on the same matrix, from one process (same data, same load), best of 3. */
function runStatsBaseline(o: Options, binary: string): StatsBaseline {
  const L = syntheticMatrix(o.n, o.m, o.coverage, o.seed, o.k);
  // Best of REPEATS for both: the machine is shared, and the minimum is the least disturbed run.
  let ballotSeconds = Infinity;
  let stats = OverlapStats.fromLabelMatrix(L, 0, 0);
  for (let r = 0; r < REPEATS; r++) {
    // A new matrix over the same votes each time: the compressed rows kept with a matrix would skip the decoding.
    const fresh = new LabelMatrix({ n: L.n, m: L.m, votes: L.votes, labels: L.labels, lfNames: L.lfNames });
    const t = performance.now();
    stats = OverlapStats.fromLabelMatrix(fresh);
    ballotSeconds = Math.min(ballotSeconds, (performance.now() - t) / 1000);
  }
  let sum = 0;
  for (const x of stats.counts) sum += x;
  const dir = mkdtempSync(join(tmpdir(), 'ballot-overlap-'));
  try {
    const file = join(dir, 'votes.bin');
    writeFileSync(file, L.votes);
    let cSeconds = Infinity;
    let sumsMatch = true;
    for (let rep = 0; rep < REPEATS; rep++) {
      const r = spawnSync(binary, [file, String(o.n), String(o.m), String(o.k)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`C baseline failed (${r.status}): ${r.stderr}`);
      const [seconds, cSum] = r.stdout.trim().split(/\s+/).map(Number);
      cSeconds = Math.min(cSeconds, seconds);
      sumsMatch &&= cSum === sum;
    }
    return { ballotSeconds, cSeconds, sumsMatch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SnorkelModelResult {
  fit: number;
  predict: number;
  peakRssMB: number;
}

const PYTHON = '/usr/bin/python3';
const CALIBRATION: Shape = { n: 1_000_000, m: 100, k: 2 };
const modelCache = new Map<string, SnorkelModelResult | { skipped: string }>();

/** bench/snorkel_timing_model.py on the shape's votes (written to a temp file); cached per shape within a run. */
function runSnorkelModel(o: Options, shape: Shape): SnorkelModelResult | { skipped: string } {
  const key = `${shape.n}x${shape.m}x${shape.k}`;
  const hit = modelCache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), 'ballot-snorkel-model-'));
  let result: SnorkelModelResult | { skipped: string };
  try {
    const file = join(dir, 'votes.bin');
    writeFileSync(file, syntheticMatrix(shape.n, shape.m, o.coverage, o.seed, shape.k).votes);
    const script = resolve(dirname(fileURLToPath(import.meta.url)), 'snorkel_timing_model.py');
    const r = spawnSync(PYTHON, [script, file, String(shape.n), String(shape.m), String(shape.k)], { encoding: 'utf8' });
    if (r.error) result = { skipped: `${PYTHON} not found (${r.error.message})` };
    else if (r.status !== 0)
      result = {
        skipped: `${PYTHON} ${script} failed: ${r.stderr.trim().split('\n').pop()} (needs python3-torch, python3-networkx, python3-munkres, python3-scipy)`,
      };
    else {
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fit: number; predict: number; peak_rss_mb: number };
      result = { fit: j.fit, predict: j.predict, peakRssMB: j.peak_rss_mb };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  modelCache.set(key, result);
  return result;
}

/** Compiles bench/overlap-baseline.c into a temp dir; null (and why) when gcc is missing or fails. */
function compileBaseline(here: string): { binary: string; dir: string } | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ballot-cbase-'));
  const binary = join(dir, 'overlap-baseline');
  const r = spawnSync('gcc', ['-O2', '-o', binary, resolve(here, 'overlap-baseline.c')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: r.error ? `gcc not found (${r.error.message})` : `gcc failed: ${r.stderr.trim()}` };
  }
  return { binary, dir };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) {
    process.stdout.write(`${JSON.stringify(runChild(o, o.child))}\n`);
    return;
  }
  if (o.childC) {
    process.stdout.write(`${JSON.stringify(runStatsBaseline(o, o.childC))}\n`);
    return;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const runner = resolve(here, '../bin/run-ts.mjs');
  const self = fileURLToPath(import.meta.url);
  const all: { shape: Shape; results: ChildResult[]; baseline?: StatsBaseline; snorkel?: SnorkelModelResult | { skipped: string } }[] = [];
  const compiled = o.c ? compileBaseline(here) : { skipped: '--no-c' };
  const shapeArgs = (shape: Shape) => [
    '--n',
    String(shape.n),
    '--m',
    String(shape.m),
    '--k',
    String(shape.k),
    '--coverage',
    String(o.coverage),
    '--seed',
    String(o.seed),
  ];
  for (const shape of o.shapes) {
    const results: ChildResult[] = [];
    for (const model of o.models) {
      if (model === 'triplet' && shape.k !== 2) continue;
      // A fresh process per run (cold code, as a user's `ballot fit` has); the run with the median total is shown.
      const runs: ChildResult[] = [];
      for (let rep = 0; rep < o.repeats; rep++) {
        const args = [runner, self, '--child', model, ...shapeArgs(shape)];
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`child for ${model} failed (${r.status}): ${r.stderr}`);
        runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult);
      }
      runs.sort((a, b) => total(a) - total(b));
      results.push({ ...runs[runs.length >> 1], fastest: total(runs[0]), slowest: total(runs[runs.length - 1]) });
    }
    let baseline: StatsBaseline | undefined;
    if ('binary' in compiled) {
      const r = spawnSync(process.execPath, [runner, self, '--child-c', compiled.binary, ...shapeArgs(shape)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0) throw new Error(`statistics baseline failed (${r.status}): ${r.stderr}`);
      baseline = JSON.parse(r.stdout.trim().split('\n').pop()!) as StatsBaseline;
    }
    const snorkel = o.snorkelModel ? runSnorkelModel(o, shape) : undefined;
    all.push({ shape, results, ...(baseline ? { baseline } : {}), ...(snorkel ? { snorkel } : {}) });
  }
  if ('dir' in compiled) rmSync(compiled.dir, { recursive: true, force: true });
  // The timing model's scale: REFERENCE.md's Snorkel time over the model's, both at 1M × 100 × 2.
  const calibration = o.snorkelModel ? runSnorkelModel(o, CALIBRATION) : undefined;
  const ref1M = SNORKEL_SECONDS['1000000x100x2'];
  const scale = calibration && 'fit' in calibration ? (ref1M.fit + ref1M.predict) / (calibration.fit + calibration.predict) : undefined;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ coverage: o.coverage, snorkelModelScale: scale ?? null, shapes: all }, null, 2)}\n`);
    return;
  }
  const s = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  for (const { shape, results, baseline, snorkel: model } of all) {
    console.log(
      `Synthetic ${shape.n.toLocaleString('en-US')} rows × ${shape.m} LFs, k = ${shape.k}, coverage ${o.coverage} per LF, seed ${o.seed}; one child process per model.`,
    );
    console.log(
      formatTable(
        ['model', 'fit s', 'predict s', 'fit+predict s', `range of ${o.repeats}`, 'same, CPU s', 'RSS with data MB', 'peak RSS MB'],
        results.map((r) => [
          r.model,
          s(r.fitSeconds),
          s(r.predictSeconds),
          s(total(r)),
          `${s(r.fastest ?? total(r))}–${s(r.slowest ?? total(r))}`,
          s(r.cpuSeconds),
          r.rssAfterDataMB.toFixed(0),
          r.peakRssMB.toFixed(0),
        ]),
      ),
    );
    const snorkel = o.coverage === 0.1 ? SNORKEL_SECONDS[`${shape.n}x${shape.m}x${shape.k}`] : undefined;
    if (snorkel) {
      const ref = snorkel.fit + snorkel.predict;
      const ratios = results.map((r) => `${r.model} ${(ref / total(r)).toFixed(1)}×`);
      console.log(
        `vs Snorkel LabelModel at this shape (REFERENCE.md: fit ${snorkel.fit} s + predict_proba ${snorkel.predict} s = ${ref.toFixed(1)} s), median fit+predict: ${ratios.join(', ')} faster`,
      );
    } else console.log('no Snorkel figure for this shape in REFERENCE.md (it has 1,000,000 and 100,000 rows × 100 LFs, k = 2, coverage 0.1)');
    if (model && 'skipped' in model) console.log(`Snorkel timing model skipped: ${model.skipped}`);
    else if (model && scale !== undefined) {
      const modelTotal = model.fit + model.predict;
      const estimate = modelTotal * scale;
      const ratios = results.map((r) => `${r.model} ${(estimate / total(r)).toFixed(1)}×`);
      console.log(
        `Snorkel timing model (bench/snorkel_timing_model.py): fit ${model.fit.toFixed(2)} s + predict ${model.predict.toFixed(2)} s = ${modelTotal.toFixed(2)} s, peak RSS ${model.peakRssMB.toFixed(0)} MB; × ${scale.toFixed(2)} (REFERENCE / model at 1M × 100 × 2) = estimated Snorkel ${estimate.toFixed(1)} s: ${ratios.join(', ')} faster`,
      );
    }
    if (baseline)
      console.log(
        `statistics pass on the same votes, best of ${REPEATS}: ballot ${baseline.ballotSeconds.toFixed(2)} s, plain C loop (gcc -O2) ${baseline.cSeconds.toFixed(2)} s: ${(baseline.ballotSeconds / baseline.cSeconds).toFixed(2)}× the C time; counts ${baseline.sumsMatch ? 'equal' : 'DIFFER'}`,
      );
  }
  if ('skipped' in compiled) console.log(`C baseline of the statistics pass skipped: ${compiled.skipped}`);
  console.log(
    `Wall-clock seconds; load average during the run: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} on ${cpus().length} cores.`,
  );
  console.log(
    'Snorkel LabelModel at 1M × 100 × 2 (REFERENCE.md): fit 8.2 s, predict 4.0 s, peak RSS 3800 MB. Target for mc: ≥ 10× Snorkel (fit+predict ≤ 1.22 s at 1M, ≤ 0.14 s at 100k), peak RSS < 600 MB.',
  );
}

// Run only as a script (tests and scratch code import syntheticMatrix).
if (process.argv[1]?.endsWith('label-model-speed.ts')) main();
