import { isGold, isProbabilities, type GoldLabels, type Probabilities } from '../matrix/checked.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, describeError } from '../util/errors.js';
import { hash2 } from '../util/rng.js';
import { alignToModel } from './alignment.js';
import { AUTO_CANDIDATES, AUTO_OPTIONS, type AutoCandidate, type AutoOptions, type CandidateOptions } from './auto-options.js';
import { BaseLabelModel } from './base.js';
import { goldFor } from './gold.js';
import { MatrixCompletionModel } from './mc/model.js';
import { expectedScore, type Metric } from './metrics.js';
import { checkOptions } from './options.js';
import { probsToPreds } from './predict.js';
import { LABEL_MODELS } from './registry.js';
import { noEvidenceRows, tuneCoveredF1Threshold } from './threshold.js';
import type { FitReport, LabelModel, LabelModelJSON, ModelSelection, TiePolicy } from './types.js';
import { devAccuracies, WeightedMajorityVote } from './weighted-majority-vote.js';

export { AUTO_CANDIDATES, type AutoCandidate, type AutoOptions, type CandidateOptions } from './auto-options.js';

/** One candidate fitted on the training matrix and scored on dev (score NaN and `error` set when it failed). */
export interface CandidateFit {
  name: AutoCandidate;
  model?: LabelModel;
  report?: FitReport;
  score: number;
  threshold?: number;
  error?: string;
}

/** Every candidate's fit and dev score, the selection table and the winner. */
export interface CandidateComparison {
  fits: CandidateFit[];
  selection: ModelSelection;
  best: CandidateFit & { model: LabelModel; report: FitReport };
  seconds: number;
}

interface ResolvedAutoOptions {
  devL: LabelMatrix;
  gold: GoldLabels;
  metric: Metric;
  folds: number;
  seed: number;
  candidates: AutoCandidate[];
  options: CandidateOptions;
  tune: boolean;
}

/**
 * Fits every candidate on the (unlabelled) training matrix, scores each on the dev gold labels, and keeps the best;
 * ties go to the simpler model. The weighted vote learns from the dev labels themselves, so its dev score comes from
 * cross-fitting (each dev fold predicted by a vote whose accuracies were counted on the other folds) and the kept
 * model uses all dev rows.
 *
 * Scores: accuracy and macro F1 use the expected metric under a uniformly random tie-break (deterministic; any
 * hash-based tie-break on the test rows has that expectation). Binary F1 also tunes a decision threshold per
 * candidate on the dev rows with LF evidence (see threshold.ts), kept when its cross-fitted dev F1 is better; then
 * `predictFromProbs` labels a row with evidence class 1 iff P(class 1) > threshold, and a row without evidence (its
 * probabilities are exactly the class balance) by the class balance, as the most probable class would.
 * `predictProba` is the chosen model's, unchanged.
 */
export class AutoLabelModel extends BaseLabelModel {
  readonly kind = 'auto';
  private inner: LabelModel | null = null;
  private selection: ModelSelection | null = null;
  /** Binary F1 decision threshold on P(class 1), or null for the most probable class. */
  private threshold: number | null = null;

  fit(L: LabelMatrix, options?: AutoOptions): FitReport {
    return this.adopt(compareCandidates(L, options));
  }

  /** Keeps the winner of a comparison (what `fit` does after comparing); returns auto's fit report. */
  adopt(c: CandidateComparison): FitReport {
    const { best, selection } = c;
    this.inner = best.model;
    this.fittedOn(best.model);
    this.threshold = best.threshold ?? null;
    this.selection = selection;
    const pos = this.labels[1];
    const how =
      best.threshold !== undefined ? `cross-fitted, predicting ${pos} iff P(${pos}) > ${best.threshold.toPrecision(4)} on rows with votes` : '';
    return {
      ...best.report,
      model: this.kind,
      selection,
      notes: [...(best.report.notes ?? []), `auto chose ${best.name} (dev ${selection.metric} ${best.score.toFixed(4)}${how ? `; ${how}` : ''})`],
      seconds: c.seconds,
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

  /**
   * Hard labels: with a kept F1 threshold, rows with evidence by the threshold and rows without (probabilities equal
   * to the class balance) by the class balance's most probable class, ties by `tiePolicy`; else the chosen model's
   * most probable class.
   */
  override predictFromProbs(probs: Float64Array | Probabilities, tiePolicy: TiePolicy = 'abstain', seed = 0, rowOffset = 0): Int32Array {
    const values = isProbabilities(probs) ? probs.values : probs;
    const k = this.classCount(probs);
    const preds = probsToPreds(values, k, tiePolicy, seed, rowOffset);
    if (this.threshold === null) return preds;
    if (k !== 2) throw new ConfigError(`auto model has a binary decision threshold; got ${k} classes`);
    const none = noEvidenceRows(values, this.chosen().classBalance());
    for (let i = 0; i < preds.length; i++) if (!none[i]) preds[i] = values[2 * i + 1] > this.threshold ? 1 : 0;
    return preds;
  }

  /** The binary F1 decision threshold on P(class 1) chosen on dev, or null (most probable class). */
  decisionThreshold(): number | null {
    return this.threshold;
  }

  override accuracies(): Float64Array | null {
    return this.chosen().accuracies();
  }

  override classBalance(): Float64Array {
    return this.chosen().classBalance();
  }

  /** auto saves the chosen model inside its own envelope. */
  override toJSON(): LabelModelJSON {
    const inner = this.chosen().toJSON();
    return { model: this.kind, version: 1, labels: inner.labels, lfNames: inner.lfNames, ...this.params() };
  }

  protected params(): Record<string, unknown> {
    return { selection: this.selection, threshold: this.threshold, chosen: this.chosen().toJSON() };
  }

  /** `loadInner` reads the chosen model (the registry passes its own loader). */
  static fromJSON(json: LabelModelJSON, loadInner: (json: LabelModelJSON) => LabelModel): AutoLabelModel {
    const a = new AutoLabelModel();
    a.restore(json);
    const chosen = json.chosen as LabelModelJSON | undefined;
    if (!chosen || typeof chosen !== 'object' || chosen.model === 'auto') throw new ConfigError('saved auto model lacks its "chosen" model');
    a.inner = loadInner(chosen);
    a.selection = (json.selection as ModelSelection | null) ?? null;
    const t = json.threshold;
    if (t !== undefined && t !== null && (typeof t !== 'number' || !Number.isFinite(t)))
      throw new ConfigError('saved auto model: "threshold" must be a number or null');
    if (typeof t === 'number' && json.labels.length !== 2) throw new ConfigError('saved auto model: a decision threshold needs 2 classes');
    a.threshold = typeof t === 'number' ? t : null;
    return a;
  }
}

/**
 * Fits and scores every candidate of `auto` (library verb behind `auto.fit` and `fitLabelModel` with dev labels):
 * the fitted models are returned too, so a caller that wants one particular kind need not fit it again.
 */
export function compareCandidates(L: LabelMatrix, options: AutoOptions | undefined): CandidateComparison {
  const t0 = performance.now();
  const o = resolveAutoOptions(L, options);
  const fits = o.candidates.map((name) => fitCandidate(name, L, o));
  let best: CandidateComparison['best'] | null = null;
  // Strictly better only: candidates come simplest first, so a tie keeps the simpler one.
  for (const f of fits) if (f.model && f.report && (!best || f.score > best.score + 1e-12)) best = f as CandidateComparison['best'];
  if (!best) throw new ConfigError(`auto: no candidate could be fitted (${fits.map((s) => `${s.name}: ${s.error}`).join('; ')})`);
  const scores = fits.map((f) =>
    f.error !== undefined
      ? { model: f.name, score: NaN, error: f.error }
      : f.threshold === undefined
        ? { model: f.name, score: f.score }
        : { model: f.name, score: f.score, threshold: f.threshold },
  );
  const selection: ModelSelection = {
    metric: o.metric,
    devRows: o.gold.labelled,
    scores,
    chosen: best.name,
    ...(best.threshold !== undefined ? { threshold: best.threshold } : {}),
  };
  return { fits, selection, best, seconds: (performance.now() - t0) / 1000 };
}

function resolveAutoOptions(L: LabelMatrix, options: AutoOptions | undefined): ResolvedAutoOptions {
  checkOptions('auto', options, AUTO_OPTIONS);
  if (!options?.dev) throw new ConfigError('auto needs dev gold labels to choose by (option dev: { L, gold })', { option: 'dev' });
  const metric = options.metric ?? 'accuracy';
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(folds) || folds < 2) throw new ConfigError(`auto: folds must be an integer ≥ 2, got ${folds}`, { option: 'folds' });
  const devL = alignToModel(options.dev.L, 'auto (dev)', L.lfNames, L.labels);
  const count = isGold(options.dev.gold) ? options.dev.gold.values.length : options.dev.gold.length;
  if (count !== devL.n) throw new ConfigError(`auto: dev set has ${devL.n} rows but ${count} gold labels`, { option: 'dev' });
  const gold = goldFor(options.dev.gold, L.labels, 'auto: dev gold label');
  if (gold.labelled === 0) throw new ConfigError('auto: the dev set has no gold labels (all -1)', { option: 'dev' });
  const unknown = (options.candidates ?? []).filter((c) => !(AUTO_CANDIDATES as readonly string[]).includes(c));
  if (unknown.length)
    throw new ConfigError(`auto: unknown candidate ${unknown.join(', ')}; use ${AUTO_CANDIDATES.join(', ')}`, { option: 'candidates' });
  const candidates = (options.candidates ?? AUTO_CANDIDATES).filter((c) => c !== 'triplet' || L.k === 2);
  if (candidates.length === 0) throw new ConfigError('auto: no candidate models', { option: 'candidates' });
  const tune = metric === 'f1' && L.k === 2 && (options.tuneThreshold ?? true);
  return { devL, gold, metric, folds, seed, candidates, options: options.options ?? {}, tune };
}

/** One candidate: fit, dev probabilities, expected dev score, and (binary F1) a covered-row threshold if it helps. */
function fitCandidate(name: AutoCandidate, L: LabelMatrix, o: ResolvedAutoOptions): CandidateFit {
  try {
    const { model, report, devProbs } = name === 'wmv' ? fitWmvCrossFitted(L, o) : fitPlain(name, L, o);
    let score = expectedScore(o.gold, devProbs, L.k, o.metric);
    if (!o.tune) return { name, model, report, score };
    // A threshold is kept only when its honest (cross-fitted) dev F1 beats the most probable class's.
    const t = tuneCoveredF1Threshold(o.gold.values, devProbs, model.classBalance(), o.folds, o.seed);
    if (!(t.crossFittedF1 > score + 1e-12)) return { name, model, report, score };
    score = t.crossFittedF1;
    return { name, model, report, score, threshold: t.threshold };
  } catch (e) {
    return { name, score: NaN, error: describeError(e) };
  }
}

function fitPlain(name: Exclude<AutoCandidate, 'wmv'>, L: LabelMatrix, o: ResolvedAutoOptions) {
  const kind = name === 'mc+balance' ? 'mc' : name;
  const model: LabelModel = LABEL_MODELS[kind].create();
  const opts = (o.options[name] ?? {}) as Record<string, unknown>;
  const report = model.fit(L, name === 'mc+balance' ? { ...opts, classBalance: 'estimate' } : opts);
  return { model, report, devProbs: model.predictProba(o.devL) };
}

/** WMV with dev-counted accuracies, its dev predictions cross-fitted so the score is not measured on its own labels. */
function fitWmvCrossFitted(L: LabelMatrix, o: ResolvedAutoOptions) {
  const { devL, folds, seed } = o;
  const gold = o.gold.values;
  const opts = o.options.wmv ?? {};
  const strength = typeof opts.devPriorStrength === 'number' ? opts.devPriorStrength : 10;
  const mc = new MatrixCompletionModel();
  mc.fit(L, opts.mc);
  const unsupervised = mc.accuracies();
  const { k } = L;
  const devProbs = new Float64Array(devL.n * k);
  const fold = Int32Array.from({ length: devL.n }, (_, i) => hash2(seed, i) % folds);
  const { dev: _dev, accuracies: _acc, ...rest } = opts;
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < devL.n; i++) (fold[i] === f ? held : train).push(i);
    if (held.length === 0) continue;
    const acc = devAccuracies(
      devL.selectRows(train),
      train.map((i) => gold[i]),
      L,
      unsupervised,
      strength,
    );
    const w = new WeightedMajorityVote();
    w.fit(L, { ...rest, accuracies: Array.from(acc) });
    const p = w.predictProba(devL.selectRows(held));
    held.forEach((i, r) => devProbs.set(p.subarray(r * k, (r + 1) * k), i * k));
  }
  const acc = devAccuracies(devL, o.gold, L, unsupervised, strength);
  const model = new WeightedMajorityVote();
  const report = model.fit(L, { ...rest, accuracies: Array.from(acc) });
  report.notes = ['accuracies from dev+mc'];
  return { model, report, devProbs };
}
