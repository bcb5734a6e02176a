/**
 * `npm run bench:label-errors`: label-error detection with injected noise. On each set's pool (train split), flip 10 %
 * or 20 % of the gold labels (uniform: to a random other class; class-conditional: class c flips to c+1 mod k, with
 * a rate growing with c so the noise is class-dependent), then detect the flips:
 * - CL on label-model probs: plain confident learning (per-class thresholds) on the label model's probabilities;
 * - CL on end-model OOS: the same on 3-fold out-of-sample end-model probabilities trained on the noisy labels;
 * - ballot β=b: findLabelErrors on the same end-model probabilities and the LF votes (lfWeight b; default 0); flagged =
 *   the flags attributed to the label (end model and LFs agree against it, or no LF voted). --betas 0,0.5 compares.
 * F1 of the flagged set against the flipped rows, and precision@k (k = number of flips) of the ranking.
 *
 *   node bin/run-ts.mjs bench/label-errors.ts [--sets a,b] [--seeds 5] [--betas 0] [--data DIR]
 */
import { formatTable } from '../src/cli/format/table.js';
import { confidentLearning, findLabelErrors, crossFitProba, Featurizer, createLabelModel, createRng } from '../src/internal.js';
import { loadSharedSets, defaultDataDir, DEFAULT_SETS, TEXT_COLUMN } from './shared-sets.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SETS = arg('sets')?.split(',') ?? DEFAULT_SETS;
const SEEDS = Number(arg('seeds') ?? 5);
const CONDITIONS = [
  { name: 'uniform 10%', rate: 0.1, mode: 'uniform' },
  { name: 'uniform 20%', rate: 0.2, mode: 'uniform' },
  { name: 'class-cond. 10%', rate: 0.1, mode: 'class' },
  { name: 'class-cond. 20%', rate: 0.2, mode: 'class' },
] as const;

/** Flips about rate·n labels; returns the noisy labels and the flipped rows. */
function inject(gold: Int32Array, k: number, rate: number, mode: 'uniform' | 'class', seed: number): { noisy: Int32Array; flipped: Uint8Array } {
  const rng = createRng(seed).fork(`noise:${mode}:${rate}`);
  const n = gold.length;
  const noisy = Int32Array.from(gold);
  const flipped = new Uint8Array(n);
  // Class-conditional: per-class rate ∝ (c + 1), scaled so the expected total matches `rate`.
  const counts = new Float64Array(k);
  for (const g of gold) if (g >= 0) counts[g]++;
  const wsum = counts.reduce((s, c, y) => s + c * (y + 1), 0);
  const total = counts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    if (g < 0) continue;
    const p = mode === 'uniform' ? rate : Math.min(0.9, (rate * total * (g + 1)) / wsum);
    if (rng.next() >= p) continue;
    noisy[i] = mode === 'uniform' ? (g + 1 + rng.int(k - 1)) % k : (g + 1) % k;
    flipped[i] = 1;
  }
  return { noisy, flipped };
}

function f1(flagged: ArrayLike<number>, truth: Uint8Array): number {
  let tp = 0,
    fp = 0,
    fn = 0;
  for (let i = 0; i < truth.length; i++) {
    if (flagged[i] && truth[i]) tp++;
    else if (flagged[i]) fp++;
    else if (truth[i]) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

function precisionAtK(scores: Float64Array, truth: Uint8Array): number {
  let k = 0;
  for (const t of truth) k += t;
  if (k === 0) return 0;
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  let hit = 0;
  for (let r = 0; r < k; r++) hit += truth[order[r]];
  return hit / k;
}

const VARIANTS = (arg('betas') ?? '0').split(',').map(Number);
const METHODS = ['CL on label-model probs', 'CL on end-model OOS', ...VARIANTS.map((b) => `ballot β=${b}`)];
const t0 = performance.now();
const sets = loadSharedSets(SETS, arg('data') ?? defaultDataDir());
// res[method][condition] = list of {f1, p@k} over sets × seeds; perSet for the per-set table
const res = new Map<string, Map<string, { f1: number[]; pk: number[] }>>();
const perSet = new Map<string, Map<string, { f1: number[]; pk: number[] }>>();
// bySeed[method][seed]: for the spread over seeds of the overall mean
const bySeed = new Map<string, Map<string, { f1: number[]; pk: number[] }>>();
const add = (m: string, cond: string, set: string, f: number, p: number, seed: number) => {
  for (const [map, key] of [
    [res, cond],
    [perSet, set],
    [bySeed, String(seed)],
  ] as const) {
    const byM = map.get(m) ?? new Map();
    map.set(m, byM);
    const e = byM.get(key) ?? { f1: [], pk: [] };
    byM.set(key, e);
    e.f1.push(f);
    e.pk.push(p);
  }
};
const attributions = { label: 0, lf: 0, ambiguous: 0 };
for (const set of sets) {
  const ts = performance.now();
  const { featurizer, X } = Featurizer.fitTransform(set.pool.rows, { textColumns: [TEXT_COLUMN] });
  const lm = createLabelModel('mc');
  lm.fit(set.pool.L, { seed: 0 });
  const labelProbs = lm.predictProba(set.pool.L);
  const k = set.labels.length;
  for (const cond of CONDITIONS) {
    for (let seed = 0; seed < SEEDS; seed++) {
      const { noisy, flipped } = inject(set.pool.gold, k, cond.rate, cond.mode, seed);
      const base = confidentLearning(labelProbs, noisy, k);
      add(METHODS[0], cond.name, set.name, f1(base.flagged, flipped), precisionAtK(base.scores, flipped), seed);
      const endProbs = crossFitProba(X, featurizer, { kind: 'hard', gold: noisy }, set.labels, { folds: 3, seed, maxIter: 50 });
      const cl = confidentLearning(endProbs, noisy, k);
      add(METHODS[1], cond.name, set.name, f1(cl.flagged, flipped), precisionAtK(cl.scores, flipped), seed);
      for (const [mi, beta] of VARIANTS.entries()) {
        const r = findLabelErrors({ gold: noisy, endProbs, labelProbs, L: set.pool.L, lfWeight: beta });
        const flagged = new Uint8Array(noisy.length);
        for (const f of r.flags) if (f.attribution === 'label') flagged[f.row] = 1;
        add(`ballot β=${beta}`, cond.name, set.name, f1(flagged, flipped), precisionAtK(r.scores, flipped), seed);
        if (mi === 0) for (const a of ['label', 'lf', 'ambiguous'] as const) attributions[a] += r.counts[a];
      }
    }
  }
  process.stderr.write(`${set.name}: ${((performance.now() - ts) / 1000).toFixed(0)} s\n`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cell = (e: { f1: number[]; pk: number[] }) => `${mean(e.f1).toFixed(3)} / ${mean(e.pk).toFixed(3)}`;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
/** sd over seeds of the per-seed mean (over sets and conditions), F1 / precision@k. */
const spread = (m: string) => {
  const per = [...bySeed.get(m)!.values()];
  return `±${sd(per.map((e) => mean(e.f1))).toFixed(3)} / ±${sd(per.map((e) => mean(e.pk))).toFixed(3)}`;
};
process.stdout.write(`\nF1 / precision@k, mean over ${sets.length} sets × ${SEEDS} seeds\n`);
process.stdout.write(
  `${formatTable(
    ['method', ...CONDITIONS.map((c) => c.name), 'mean', 'sd over seeds'],
    METHODS.map((m) => {
      const all = { f1: CONDITIONS.flatMap((c) => res.get(m)!.get(c.name)!.f1), pk: CONDITIONS.flatMap((c) => res.get(m)!.get(c.name)!.pk) };
      return [m, ...CONDITIONS.map((c) => cell(res.get(m)!.get(c.name)!)), cell(all), spread(m)];
    }),
  )}\n`,
);
process.stdout.write(`\nper set (mean over the 4 conditions × ${SEEDS} seeds)\n`);
process.stdout.write(
  `${formatTable(
    ['method', ...sets.map((s) => s.name)],
    METHODS.map((m) => [m, ...sets.map((s) => cell(perSet.get(m)!.get(s.name)!))]),
  )}\n`,
);
process.stdout.write(`ballot attributions over all runs: ${attributions.label} label, ${attributions.lf} lf, ${attributions.ambiguous} ambiguous\n`);
process.stdout.write(`total ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
