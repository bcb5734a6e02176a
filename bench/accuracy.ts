/**
 * Label-model accuracy benchmark on WRENCH-format folders.
 *
 *   npm run bench:accuracy -- [--data DIR]... [--metric accuracy|f1|f1_macro] [--seeds 5] [--json]
 *
 * Each --data DIR is one WRENCH set (label.json + train/valid/test.json) or a folder holding several; default
 * ../shared/data. Every model is fitted on the train split's weak labels only (no gold), predicts the test split, and
 * is scored with the set's metric after a random tie-break; the figure is the mean over `--seeds` tie-break seeds
 * (the Snorkel preset, the one seeded model, is also refitted with each seed). `auto` chooses its model on the valid
 * split's gold labels only. Reference figures are read from REFERENCE.md beside the sets when present.
 *
 * Metric per set, first match wins: --metric; a `metric` or `metric.txt` file in the folder (one word); the known
 * table below (folder name ending in "sms" → binary F1, class 1 positive, WRENCH's convention); else accuracy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/cli/output.js';
import { listWrenchSets, loadWrenchSplit, wrenchSetName } from '../src/data/wrench.js';
import { AutoLabelModel } from '../src/label-model/auto.js';
import { DawidSkene } from '../src/label-model/dawid-skene.js';
import { MajorityVote } from '../src/label-model/majority-vote.js';
import { MatrixCompletionModel } from '../src/label-model/matrix-completion.js';
import { parseMetric, scorePredictions, type Metric } from '../src/label-model/metrics.js';
import { probsToPreds } from '../src/label-model/predict.js';
import { TripletModel } from '../src/label-model/triplet.js';
import type { LabelModel } from '../src/label-model/types.js';
import { WeightedMajorityVote } from '../src/label-model/weighted-majority-vote.js';

/** Sets whose usual metric is not accuracy, keyed by the end of the folder name. */
const KNOWN_METRICS: Record<string, Metric> = { sms: 'f1' };

interface Args {
  data: string[];
  metric?: Metric;
  seeds: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const here = dirname(fileURLToPath(import.meta.url));
  const args: Args = { data: [], seeds: 5, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--data') args.data.push(value());
    else if (a === '--metric') args.metric = parseMetric(value());
    else if (a === '--seeds') args.seeds = Number(value());
    else if (a === '--json') args.json = true;
    else throw new Error(`unknown argument ${a}; usage: bench/accuracy.ts [--data DIR]... [--metric M] [--seeds N] [--json]`);
  }
  if (!Number.isInteger(args.seeds) || args.seeds < 1) throw new Error(`--seeds must be a positive integer`);
  if (args.data.length === 0) args.data.push(resolve(here, '../../shared/data'));
  return args;
}

function metricFor(dir: string, override?: Metric): { metric: Metric; why: string } {
  if (override) return { metric: override, why: '--metric' };
  for (const f of ['metric', 'metric.txt']) {
    const p = join(dir, f);
    if (existsSync(p)) return { metric: parseMetric(readFileSync(p, 'utf8').trim().split(/\s+/)[0]), why: f };
  }
  const name = wrenchSetName(dir).toLowerCase();
  for (const [suffix, metric] of Object.entries(KNOWN_METRICS)) if (name.endsWith(suffix)) return { metric, why: 'known set' };
  return { metric: 'accuracy', why: 'default' };
}

/** REFERENCE.md rows: | set | LFs | classes | splits | metric | MV | Snorkel 100 | Snorkel 500 |. */
function readReference(dirs: string[]): Map<string, { mv: number; snorkel: number }> {
  const out = new Map<string, { mv: number; snorkel: number }>();
  const files = new Set<string>();
  for (const d of dirs) for (const c of [join(d, 'REFERENCE.md'), join(dirname(d), 'REFERENCE.md')]) if (existsSync(c)) files.add(c);
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const cells = line.split('|').map((c) => c.trim()).filter((c, i, arr) => i > 0 && i < arr.length - 1);
      if (cells.length < 7) continue;
      const mv = Number(cells[5]);
      const snorkel = Number(cells[6]);
      if (Number.isFinite(mv) && Number.isFinite(snorkel)) out.set(cells[0], { mv, snorkel });
    }
  }
  return out;
}

const COLUMNS = ['MV', 'WMV', 'DS', 'MC', 'MC-snorkel', 'Triplet', 'auto'] as const;
type Column = (typeof COLUMNS)[number];

interface SetResult {
  set: string;
  metric: Metric;
  metricSource: string;
  shape: string;
  scores: Partial<Record<Column, number>>;
  autoChoice: string;
  autoDev: Record<string, number>;
  reference?: { mv: number; snorkel: number };
  seconds: number;
}

function runSet(dir: string, args: Args, reference: Map<string, { mv: number; snorkel: number }>): SetResult {
  const t0 = performance.now();
  const train = loadWrenchSplit(dir, 'train');
  const valid = loadWrenchSplit(dir, 'valid');
  const test = loadWrenchSplit(dir, 'test');
  const { k } = train.L;
  const { metric, why } = metricFor(dir, args.metric);
  const seeds = Array.from({ length: args.seeds }, (_, s) => s);
  const scoreProbs = (probs: Float64Array, seed: number) => 100 * scorePredictions(test.gold, probsToPreds(probs, k, 'random', seed), k, metric);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  /** Unseeded models: fit once, average over tie-break seeds. */
  const once = (model: LabelModel, options?: Record<string, unknown>) => {
    model.fit(train.L, options);
    const probs = model.predictProba(test.L);
    return mean(seeds.map((s) => scoreProbs(probs, s)));
  };
  const scores: Partial<Record<Column, number>> = {};
  scores.MV = once(new MajorityVote());
  scores.WMV = once(new WeightedMajorityVote());
  scores.DS = once(new DawidSkene());
  scores.MC = once(new MatrixCompletionModel());
  scores['MC-snorkel'] = mean(seeds.map((s) => {
    const mc = new MatrixCompletionModel();
    mc.fit(train.L, { preset: 'snorkel', seed: s });
    return scoreProbs(mc.predictProba(test.L), s);
  }));
  if (k === 2) scores.Triplet = once(new TripletModel());
  const auto = new AutoLabelModel();
  const report = auto.fit(train.L, { dev: { L: valid.L, gold: valid.gold }, metric });
  const autoProbs = auto.predictProba(test.L);
  scores.auto = mean(seeds.map((s) => scoreProbs(autoProbs, s)));
  const autoDev: Record<string, number> = {};
  for (const s of report.selection?.scores ?? []) autoDev[s.model] = 100 * s.score;
  const name = wrenchSetName(dir);
  return {
    set: name, metric, metricSource: why,
    shape: `${train.L.n}×${train.L.m}, k=${k}`,
    scores, autoChoice: report.selection?.chosen ?? '?', autoDev,
    reference: reference.get(name),
    seconds: (performance.now() - t0) / 1000,
  };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const dirs = args.data.flatMap((d) => {
    const sets = listWrenchSets(d);
    if (sets.length === 0) throw new Error(`${d}: no WRENCH set (label.json + train.json) here or in its sub-folders`);
    return sets;
  });
  const reference = readReference(args.data.map((d) => resolve(d)));
  const results = dirs.map((d) => runSet(d, args, reference));
  if (args.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2));
  const rows = results.map((r) => [
    r.set, r.metric === 'accuracy' ? 'acc' : r.metric, r.shape,
    ...COLUMNS.map((c) => (c === 'auto' ? `${fmt(r.scores.auto)} (${r.autoChoice})` : fmt(r.scores[c]))),
    fmt(r.reference?.mv), fmt(r.reference?.snorkel),
  ]);
  console.log(`Label models, fit on train weak labels, scored on test; mean of ${args.seeds} random tie-break seeds. auto chooses on valid gold labels.`);
  console.log(formatTable(['set', 'metric', 'train n×m, k', ...COLUMNS, 'ref MV', 'ref Snorkel'], rows));
  console.log('');
  for (const r of results) {
    const ours = Math.max(...COLUMNS.filter((c) => c !== 'MC-snorkel').map((c) => r.scores[c] ?? -Infinity));
    const dev = Object.entries(r.autoDev).map(([m, s]) => `${m} ${s.toFixed(1)}`).join(', ');
    const bar = r.reference ? Math.max(r.reference.mv, r.reference.snorkel) : undefined;
    const verdict = bar === undefined ? '' : `; best ${ours.toFixed(2)} / auto ${r.scores.auto!.toFixed(2)} vs reference max ${bar.toFixed(2)}: ${ours >= bar ? 'best ≥' : 'best <'}, ${r.scores.auto! >= bar ? 'auto ≥' : 'auto <'}`;
    console.log(`${r.set}: metric ${r.metric} (${r.metricSource}); auto dev scores: ${dev}${verdict}; ${r.seconds.toFixed(1)} s`);
  }
}

main();
