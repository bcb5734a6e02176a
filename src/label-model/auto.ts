import type { LabelMatrix } from '../lf/label-matrix.js';
import { ConfigError, describeError } from '../util/errors.js';
import { hash2 } from '../util/rng.js';
import { alignToModel, checkModelJSON } from './common.js';
import { DawidSkene } from './dawid-skene.js';
import { MajorityVote } from './majority-vote.js';
import { MatrixCompletionModel } from './matrix-completion.js';
import { expectedScore, type Metric } from './metrics.js';
import { probsToPreds } from './predict.js';
import { predsAtThreshold, tuneF1Threshold } from './threshold.js';
import { TripletModel } from './triplet.js';
import type { FitReport, LabelModel, LabelModelJSON, ModelSelection, TiePolicy } from './types.js';
import { devAccuracies, WeightedMajorityVote } from './weighted-majority-vote.js';

/**
 * The label models `auto` chooses among, simplest first: on a tie in dev score the simpler one wins. `mc+balance` is
 * matrix completion with its class balance estimated (classBalance: 'estimate') rather than uniform.
 */
export const AUTO_CANDIDATES = ['mv', 'wmv', 'triplet', 'ds', 'mc', 'mc+balance'] as const;
export type AutoCandidate = (typeof AUTO_CANDIDATES)[number];

export type AutoOptions = {
  /** Gold-labelled dev rows (same LFs and classes as the training matrix); required. */
  dev: { L: LabelMatrix; gold: ArrayLike<number> };
  /** Metric to choose by (default 'accuracy'). */
  metric?: Metric;
  /** Candidates (default all of AUTO_CANDIDATES; triplet only when k = 2). */
  candidates?: readonly AutoCandidate[];
  /** Options passed to each candidate's fit. */
  options?: Partial<Record<AutoCandidate, Record<string, unknown>>>;
  /** WMV estimates accuracies on the dev labels, so it is scored by cross-fitting over this many dev folds (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /**
   * Binary F1 only (default true): also try a decision threshold on P(class 1) tuned on the dev labels, because the
   * most probable class is not the F1-best prediction. A candidate keeps its threshold when the threshold's
   * cross-fitted dev F1 beats its most-probable-class dev F1, and is scored by the better of the two; `predict` applies
   * the chosen candidate's threshold, if any. False: score and predict by the most probable class only.
   */
  tuneThreshold?: boolean;
};

/**
 * Fits every candidate on the (unlabelled) training matrix, scores each on the dev gold labels, and keeps the best;
 * ties go to the simpler model. The weighted vote learns from the dev labels themselves, so its dev score comes from
 * cross-fitting (each dev fold predicted by a vote whose accuracies were counted on the other folds) and the kept
 * model uses all dev rows.
 *
 * Scores: accuracy and macro F1 use the expected metric under a uniformly random tie-break (deterministic; any
 * hash-based tie-break on the test rows has that expectation). Binary F1 also tunes a decision threshold per
 * candidate (see threshold.ts), kept when its cross-fitted dev F1 is better; if the chosen candidate kept one,
 * `predict` labels class 1 iff P(class 1) > threshold, with no tie-break. `predictProba` is the chosen model's, unchanged.
 */
export class AutoLabelModel implements LabelModel {
  readonly kind = 'auto';
  private inner: LabelModel | null = null;
  private selection: ModelSelection | null = null;
  /** Binary F1 decision threshold on P(class 1), or null for the most probable class. */
  private threshold: number | null = null;

  fit(L: LabelMatrix, options?: AutoOptions): FitReport {
    const t0 = performance.now();
    if (!options?.dev) throw new ConfigError('--model auto needs dev gold labels to choose by (--dev FILE --label-column COL)');
    const { dev } = options;
    const metric = options.metric ?? 'accuracy';
    const folds = options.folds ?? 5;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(folds) || folds < 2) throw new ConfigError(`auto: folds must be an integer ≥ 2, got ${folds}`);
    const devL = alignToModel(dev.L, 'auto (dev)', L.lfNames, L.labels);
    if (dev.gold.length !== devL.n) throw new ConfigError(`auto: dev set has ${devL.n} rows but ${dev.gold.length} gold labels`);
    let labelled = 0;
    for (let i = 0; i < dev.gold.length; i++) {
      const g = dev.gold[i];
      if (!Number.isInteger(g) || g < -1 || g >= L.k) throw new ConfigError(`auto: dev gold label ${g} at row ${i} is not -1 (unknown) or a class index 0..${L.k - 1} (${L.labels.join(', ')})`);
      if (g >= 0) labelled++;
    }
    if (labelled === 0) throw new ConfigError('auto: the dev set has no gold labels (all -1)');
    const candidates = (options.candidates ?? AUTO_CANDIDATES).filter((c) => c !== 'triplet' || L.k === 2);
    if (candidates.length === 0) throw new ConfigError('auto: no candidate models');
    const tune = metric === 'f1' && L.k === 2 && (options.tuneThreshold ?? true);

    const scores: ModelSelection['scores'] = [];
    let best: { name: AutoCandidate; model: LabelModel; report: FitReport; score: number; threshold?: number } | null = null;
    for (const kind of candidates) {
      const opts = options.options?.[kind] ?? {};
      try {
        const { model, report, devProbs } = kind === 'wmv'
          ? fitWmvCrossFitted(L, devL, dev.gold, opts, folds, seed)
          : fitPlain(kind, L, devL, opts);
        let score = expectedScore(dev.gold, devProbs, L.k, metric);
        let threshold: number | undefined;
        if (tune) {
          // A threshold is kept only when its honest (cross-fitted) dev F1 beats the most probable class's.
          const t = tuneF1Threshold(dev.gold, devProbs, folds, seed);
          if (t.crossFittedF1 > score + 1e-12) {
            score = t.crossFittedF1;
            threshold = t.threshold;
          }
        }
        scores.push(threshold === undefined ? { model: kind, score } : { model: kind, score, threshold });
        // Strictly better only: candidates come simplest first, so a tie keeps the simpler one.
        if (!best || score > best.score + 1e-12) best = { name: kind, model, report, score, threshold };
      } catch (e) {
        scores.push({ model: kind, score: NaN, error: describeError(e) });
      }
    }
    if (!best) throw new ConfigError(`auto: no candidate could be fitted (${scores.map((s) => `${s.model}: ${s.error}`).join('; ')})`);
    this.inner = best.model;
    this.threshold = best.threshold ?? null;
    this.selection = { metric, devRows: labelled, scores, chosen: best.name, ...(best.threshold !== undefined ? { threshold: best.threshold } : {}) };
    const how = best.threshold !== undefined ? `cross-fitted, predicting ${L.labels[1]} iff P(${L.labels[1]}) > ${best.threshold.toPrecision(4)}` : '';
    return {
      ...best.report,
      model: this.kind,
      selection: this.selection,
      notes: [...(best.report.notes ?? []), `auto chose ${best.name} (dev ${metric} ${best.score.toFixed(4)}${how ? `; ${how}` : ''})`],
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** The chosen model. */
  chosen(): LabelModel {
    if (!this.inner) throw new ConfigError('auto model is not fitted yet');
    return this.inner;
  }

  /** Each candidate's dev score. */
  getSelection(): ModelSelection | null {
    return this.selection;
  }

  predictProba(L: LabelMatrix): Float64Array {
    return this.chosen().predictProba(L);
  }

  /** Hard labels: by the kept F1 threshold when there is one (tie policy unused), else the most probable class. */
  predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    return this.decide(this.predictProba(L), L.k, tiePolicy, seed);
  }

  /** `predict` from probabilities already computed with `predictProba`. */
  decide(probs: Float64Array, k: number, tiePolicy: TiePolicy = 'abstain', seed = 0, rowOffset = 0): Int32Array {
    if (this.threshold !== null) {
      if (k !== 2) throw new ConfigError(`auto model has a binary decision threshold; got ${k} classes`);
      return predsAtThreshold(probs, this.threshold);
    }
    return probsToPreds(probs, k, tiePolicy, seed, rowOffset);
  }

  /** The binary F1 decision threshold on P(class 1) chosen on dev, or null (most probable class). */
  decisionThreshold(): number | null {
    return this.threshold;
  }

  accuracies(): Float64Array | null {
    return this.chosen().accuracies();
  }

  classBalance(): Float64Array {
    return this.chosen().classBalance();
  }

  toJSON(): LabelModelJSON {
    const inner = this.chosen().toJSON();
    return { model: this.kind, version: 1, labels: inner.labels, lfNames: inner.lfNames, selection: this.selection, threshold: this.threshold, chosen: inner };
  }

  /** `loadInner` reads the chosen model (the registry passes its own loader, which avoids an import cycle). */
  static fromJSON(json: LabelModelJSON, loadInner: (json: LabelModelJSON) => LabelModel): AutoLabelModel {
    checkModelJSON(json, 'auto');
    const chosen = json.chosen as LabelModelJSON | undefined;
    if (!chosen || typeof chosen !== 'object' || chosen.model === 'auto') throw new ConfigError('saved auto model lacks its "chosen" model');
    const a = new AutoLabelModel();
    a.inner = loadInner(chosen);
    a.selection = (json.selection as ModelSelection | null) ?? null;
    const t = json.threshold;
    if (t !== undefined && t !== null && (typeof t !== 'number' || !Number.isFinite(t))) throw new ConfigError('saved auto model: "threshold" must be a number or null');
    if (typeof t === 'number' && json.labels.length !== 2) throw new ConfigError('saved auto model: a decision threshold needs 2 classes');
    a.threshold = typeof t === 'number' ? t : null;
    return a;
  }
}

function createCandidate(kind: Exclude<AutoCandidate, 'wmv'>): LabelModel {
  switch (kind) {
    case 'mv': return new MajorityVote();
    case 'ds': return new DawidSkene();
    case 'mc':
    case 'mc+balance': return new MatrixCompletionModel();
    case 'triplet': return new TripletModel();
  }
}

function fitPlain(kind: Exclude<AutoCandidate, 'wmv'>, L: LabelMatrix, devL: LabelMatrix, opts: Record<string, unknown>) {
  const model = createCandidate(kind);
  const report = model.fit(L, kind === 'mc+balance' ? { ...opts, classBalance: 'estimate' } : opts);
  return { model, report, devProbs: model.predictProba(devL) };
}

/** WMV with dev-counted accuracies, its dev predictions cross-fitted so the score is not measured on its own labels. */
function fitWmvCrossFitted(L: LabelMatrix, devL: LabelMatrix, gold: ArrayLike<number>, opts: Record<string, unknown>, folds: number, seed: number) {
  const strength = typeof opts.devPriorStrength === 'number' ? opts.devPriorStrength : 10;
  const mc = new MatrixCompletionModel();
  mc.fit(L, opts.mc as Record<string, unknown> | undefined);
  const unsupervised = mc.accuracies();
  const { k } = L;
  const devProbs = new Float64Array(devL.n * k);
  const fold = Int32Array.from({ length: devL.n }, (_, i) => hash2(seed, i) % folds);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < devL.n; i++) (fold[i] === f ? held : train).push(i);
    if (held.length === 0) continue;
    const acc = devAccuracies(devL.selectRows(train), train.map((i) => gold[i]), L, unsupervised, strength);
    const w = new WeightedMajorityVote();
    w.fit(L, { ...opts, accuracies: Array.from(acc) });
    const p = w.predictProba(devL.selectRows(held));
    held.forEach((i, r) => devProbs.set(p.subarray(r * k, (r + 1) * k), i * k));
  }
  const acc = devAccuracies(devL, gold, L, unsupervised, strength);
  const model = new WeightedMajorityVote();
  const report = model.fit(L, { ...opts, accuracies: Array.from(acc) });
  report.notes = ['accuracies from dev+mc'];
  return { model, report, devProbs };
}
