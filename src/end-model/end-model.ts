/**
 * The end model: multinomial logistic regression over the rows' own features (features.ts), trained on the label
 * model's probabilities (soft cross-entropy) or on gold labels. Deterministic: the same rows, targets and options
 * give byte-identical weights, probabilities and JSON.
 */
import type { Row } from '../data/types.js';
import { ConfigError } from '../util/errors.js';
import { createRng } from '../util/rng.js';
import { Featurizer, type FeatureOptions, type FeaturizerJSON } from './features.js';
import { fitSoftmax, softmaxProba } from './logreg.js';
import type { SparseRows } from './sparse.js';

export type Targets =
  /** n × k row-major distributions (e.g. label-model probabilities); rows with weight 0 are ignored. */
  | { kind: 'soft'; probs: Float64Array; weights?: Float64Array }
  /** Class index per row; −1 = no label (ignored). */
  | { kind: 'hard'; gold: Int32Array; weights?: Float64Array };

export interface EndModelOptions extends FeatureOptions {
  /** L2 strength on the weights = 1/C of scikit-learn (default 1). */
  l2?: number;
  /** L-BFGS iterations (default 100, as scikit-learn). */
  maxIter?: number;
  /** Stop when the max-norm of the mean-loss gradient is ≤ tol (default 1e-4, as scikit-learn). */
  tol?: number;
  /** Seed of the cross-fitting folds (training itself draws no random numbers). */
  seed?: number;
}

export interface TrainingSummary {
  /** Rows that had a target (weight > 0 / gold ≥ 0). */
  rows: number;
  /** Features present in those rows (the weights kept). */
  features: number;
  iterations: number;
  /** Objective evaluations (iterations + line-search steps). */
  evaluations: number;
  converged: boolean;
  /** Final objective (weighted soft cross-entropy sum + penalty). */
  loss: number;
  l2: number;
  maxIter: number;
  tol: number;
  seconds: number;
}

export interface EndModelJSON {
  format: 'ballot-end-model';
  version: 1;
  labels: string[];
  features: FeaturizerJSON;
  /** Feature ids with weights (ascending), their k weights each (row-major), and the k intercepts. */
  weights: { ids: number[]; W: number[]; bias: number[] };
  training: TrainingSummary;
}

export const END_MODEL_FORMAT = 'ballot-end-model';
export const END_MODEL_VERSION = 1;

/** A trained end model: featurizer + softmax weights over the features seen in training. */
export class EndModel {
  readonly labels: readonly string[];
  readonly featurizer: Featurizer;
  readonly training: TrainingSummary;
  /** Feature ids that have weights, ascending. */
  private readonly ids: Int32Array;
  private readonly W: Float64Array;
  private readonly b: Float64Array;
  private map?: Int32Array;

  /** @internal Use train, trainOnFeatures or fromJSON. */
  constructor(labels: readonly string[], featurizer: Featurizer, ids: Int32Array, W: Float64Array, b: Float64Array, training: TrainingSummary) {
    this.labels = Object.freeze([...labels]);
    this.featurizer = featurizer;
    this.ids = ids;
    this.W = W;
    this.b = b;
    this.training = training;
  }

  get k(): number {
    return this.labels.length;
  }

  /** Featurises the rows (idf over all of them, targets or not) and trains on the rows that have a target. */
  static train(rows: readonly Row[], targets: Targets, labels: readonly string[], options: EndModelOptions, source = '(rows)'): EndModel {
    checkTargets(targets, rows.length, labels.length);
    const { featurizer, X } = Featurizer.fitTransform(rows, options, source);
    return EndModel.trainOnFeatures(X, featurizer, targets, labels, options);
  }

  /** Train on already featurised rows (used by samplers/benches to avoid re-featurising). */
  static trainOnFeatures(
    X: SparseRows,
    featurizer: Featurizer,
    targets: Targets,
    labels: readonly string[],
    options: Partial<EndModelOptions> = {},
  ): EndModel {
    checkTargets(targets, X.n, labels.length);
    if (X.dim !== featurizer.dim) throw new ConfigError(`end model: features have dimension ${X.dim} but the featurizer makes ${featurizer.dim}`);
    return trainRows(X, featurizer, targets, labels, resolveTrain(options), undefined);
  }

  /** n × k class probabilities of the rows (their features computed by this model's featurizer). */
  predictProba(rows: readonly Row[], source = '(rows)'): Float64Array {
    return this.predictProbaFeatures(this.featurizer.transform(rows, source));
  }

  /** n × k class probabilities of featurised rows. */
  predictProbaFeatures(X: SparseRows): Float64Array {
    if (X.dim !== this.featurizer.dim)
      throw new ConfigError(`end model: features have dimension ${X.dim} but the model expects ${this.featurizer.dim}`);
    if (!this.map) {
      const map = new Int32Array(this.featurizer.dim).fill(-1);
      for (let t = 0; t < this.ids.length; t++) map[this.ids[t]] = t;
      this.map = map;
    }
    return softmaxProba(X, this.W, this.b, this.k, this.map);
  }

  toJSON(): EndModelJSON {
    return {
      format: END_MODEL_FORMAT,
      version: END_MODEL_VERSION,
      labels: [...this.labels],
      features: this.featurizer.toJSON(),
      weights: { ids: Array.from(this.ids), W: Array.from(this.W), bias: Array.from(this.b) },
      training: { ...this.training },
    };
  }

  /** Loads a model saved by toJSON; every field is checked (format, version, shapes, finite numbers, labels). */
  static fromJSON(json: unknown): EndModel {
    const bad = (what: string): never => {
      throw new ConfigError(`not a ballot end model: ${what}`);
    };
    if (!json || typeof json !== 'object' || Array.isArray(json)) bad('expected a JSON object');
    const j = json as Partial<EndModelJSON>;
    if (j.format !== END_MODEL_FORMAT) bad(`format is ${JSON.stringify(j.format)}, expected "${END_MODEL_FORMAT}"`);
    if (j.version !== END_MODEL_VERSION)
      bad(`version ${JSON.stringify(j.version)} is not supported (this ballot reads version ${END_MODEL_VERSION})`);
    if (
      !Array.isArray(j.labels) ||
      j.labels.length < 2 ||
      j.labels.some((l) => typeof l !== 'string' || l === '') ||
      new Set(j.labels).size !== j.labels.length
    ) {
      bad('labels must be at least 2 distinct class names');
    }
    const labels = j.labels as string[];
    const k = labels.length;
    const featurizer = Featurizer.fromJSON(j.features);
    const w = j.weights;
    if (!w || !Array.isArray(w.ids) || !Array.isArray(w.W) || !Array.isArray(w.bias)) bad('weights must hold ids, W and bias arrays');
    if (w!.bias.length !== k) bad(`weights.bias has ${w!.bias.length} entries for ${k} classes`);
    if (w!.W.length !== w!.ids.length * k) bad(`weights.W has ${w!.W.length} entries, expected ids × classes = ${w!.ids.length * k}`);
    const ids = new Int32Array(w!.ids.length);
    let last = -1;
    w!.ids.forEach((f, t) => {
      if (!Number.isInteger(f) || f <= last || f >= featurizer.dim)
        bad(`weights.ids[${t}] = ${f} is not an ascending feature id below ${featurizer.dim}`);
      ids[t] = f;
      last = f;
    });
    const finite = (name: string, xs: unknown[]): Float64Array => {
      const out = new Float64Array(xs.length);
      xs.forEach((x, t) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) bad(`${name}[${t}] is ${JSON.stringify(x)}, not a finite number`);
        out[t] = x as number;
      });
      return out;
    };
    const W = finite('weights.W', w!.W);
    const b = finite('weights.bias', w!.bias);
    const t = j.training;
    if (!t || typeof t !== 'object') bad('missing training summary');
    return new EndModel(labels, featurizer, ids, W, b, { ...(t as TrainingSummary) });
  }
}

interface TrainOptions {
  l2: number;
  maxIter: number;
  tol: number;
}

function resolveTrain(o: Partial<EndModelOptions>): TrainOptions {
  const l2 = o.l2 ?? 1;
  const maxIter = o.maxIter ?? 100;
  const tol = o.tol ?? 1e-4;
  if (!(l2 > 0) || !Number.isFinite(l2)) throw new ConfigError(`end model: l2 must be a positive number, got ${l2}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new ConfigError(`end model: maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new ConfigError(`end model: tol must be ≥ 0, got ${tol}`);
  return { l2, maxIter, tol };
}

function checkTargets(t: Targets, n: number, k: number): void {
  if (k < 2) throw new ConfigError('end model: needs at least 2 classes');
  if (t.kind === 'soft') {
    if (!(t.probs instanceof Float64Array) || t.probs.length !== n * k)
      throw new ConfigError(`end model: soft targets need ${n} × ${k} probabilities, got ${t.probs?.length}`);
  } else if (t.kind === 'hard') {
    if (!(t.gold instanceof Int32Array) || t.gold.length !== n)
      throw new ConfigError(`end model: hard targets need ${n} gold labels, got ${t.gold?.length}`);
  } else {
    throw new ConfigError(`end model: targets.kind must be soft or hard`);
  }
  if (t.weights !== undefined && (!(t.weights instanceof Float64Array) || t.weights.length !== n)) {
    throw new ConfigError(`end model: weights need ${n} entries, got ${t.weights?.length}`);
  }
}

/** Weight and target distribution of row i, or weight 0 when the row has no usable target. */
function targetOf(t: Targets, i: number, k: number, out: Float64Array, o: number): number {
  const w = t.weights ? t.weights[i] : 1;
  if (!(w >= 0) || !Number.isFinite(w)) throw new ConfigError(`end model: weight of row ${i} is ${w}; weights must be finite and ≥ 0`);
  if (w === 0) return 0;
  if (t.kind === 'hard') {
    const y = t.gold[i];
    if (y === -1) return 0;
    if (!(y >= 0 && y < k)) throw new ConfigError(`end model: gold label of row ${i} is ${y}, outside -1..${k - 1}`);
    for (let c = 0; c < k; c++) out[o + c] = c === y ? 1 : 0;
    return w;
  }
  let s = 0;
  for (let c = 0; c < k; c++) {
    const p = t.probs[i * k + c];
    if (!(p >= 0) || !Number.isFinite(p)) throw new ConfigError(`end model: target probability of row ${i}, class ${c} is ${p}`);
    s += p;
  }
  if (!(Math.abs(s - 1) < 1e-4)) throw new ConfigError(`end model: target probabilities of row ${i} sum to ${s}, not 1`);
  for (let c = 0; c < k; c++) out[o + c] = t.probs[i * k + c] / s;
  return w;
}

/**
 * Trains on the rows of X that have a target, restricted to `subset` (row indices) when given. Weights are kept
 * only for features present in those rows (others stay exactly 0 under L2), so the problem size is the rows' vocabulary.
 */
function trainRows(
  X: SparseRows,
  featurizer: Featurizer,
  targets: Targets,
  labels: readonly string[],
  o: TrainOptions,
  subset: ArrayLike<number> | undefined,
): EndModel {
  const t0 = performance.now();
  const k = labels.length;
  const candidates = subset ?? { length: X.n };
  const m = candidates.length;
  const rowsUsed = new Int32Array(m);
  const Ybuf = new Float64Array(m * k);
  const sBuf = new Float64Array(m);
  let n = 0;
  for (let r = 0; r < m; r++) {
    const i = subset ? subset[r] : r;
    const w = targetOf(targets, i, k, Ybuf, n * k);
    if (w > 0) {
      rowsUsed[n] = i;
      sBuf[n] = w;
      n++;
    }
  }
  if (n === 0) throw new ConfigError('end model: no row has a target (every gold label is missing or every weight is 0)');
  // Compact feature ids: ascending order of the original ids, so the result does not depend on row order details.
  const seen = new Uint8Array(X.dim);
  let nnz = 0;
  for (let r = 0; r < n; r++) {
    const i = rowsUsed[r];
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) seen[X.indices[q]] = 1;
    nnz += X.indptr[i + 1] - X.indptr[i];
  }
  const map = new Int32Array(X.dim);
  let nf = 0;
  for (let f = 0; f < X.dim; f++) map[f] = seen[f] ? nf++ : -1;
  const ids = new Int32Array(nf);
  for (let f = 0; f < X.dim; f++) if (map[f] >= 0) ids[map[f]] = f;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < n; r++) {
    const i = rowsUsed[r];
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++, p++) {
      indices[p] = map[X.indices[q]];
      values[p] = X.values[q];
    }
    indptr[r + 1] = p;
  }
  const problem = { X: { n, dim: nf, indptr, indices, values }, Y: Ybuf.subarray(0, n * k), s: sBuf.subarray(0, n), k, l2: o.l2 };
  const fit = fitSoftmax(problem, o);
  const training: TrainingSummary = {
    rows: n,
    features: nf,
    iterations: fit.result.iterations,
    evaluations: fit.result.evaluations,
    converged: fit.result.converged,
    loss: fit.result.f,
    l2: o.l2,
    maxIter: o.maxIter,
    tol: o.tol,
    seconds: (performance.now() - t0) / 1000,
  };
  return new EndModel(labels, featurizer, ids, Float64Array.from(fit.W), Float64Array.from(fit.b), training);
}

/** Fold of every row (0..folds−1): a seeded shuffle dealt round-robin, so fold sizes differ by at most one. */
export function foldAssignment(n: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new ConfigError(`end model: folds must be an integer ≥ 2, got ${folds}`);
  if (n < folds) throw new ConfigError(`end model: ${n} rows cannot be split into ${folds} folds`);
  const order = createRng(seed)
    .fork('end-model-folds')
    .shuffle(Array.from({ length: n }, (_, i) => i));
  const fold = new Int32Array(n);
  for (let t = 0; t < n; t++) fold[order[t]] = t % folds;
  return fold;
}

/** K-fold out-of-sample probabilities: row i's probabilities come from a model that never saw row i's target. */
export function crossFitProba(
  X: SparseRows,
  featurizer: Featurizer,
  targets: Targets,
  labels: readonly string[],
  options: Partial<EndModelOptions> & { folds?: number; seed?: number } = {},
): Float64Array {
  checkTargets(targets, X.n, labels.length);
  const o = resolveTrain(options);
  const folds = options.folds ?? 5;
  const fold = foldAssignment(X.n, folds, options.seed ?? 0);
  const k = labels.length;
  const out = new Float64Array(X.n * k);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < X.n; i++) (fold[i] === f ? held : train).push(i);
    const model = trainRows(X, featurizer, targets, labels, o, train);
    const probs = model.predictProbaFeatures(subsetRows(X, held));
    held.forEach((i, r) => {
      for (let c = 0; c < k; c++) out[i * k + c] = probs[r * k + c];
    });
  }
  return out;
}

/** A view-like CSR of the given rows (copied). */
function subsetRows(X: SparseRows, rows: readonly number[]): SparseRows {
  let nnz = 0;
  for (const i of rows) nnz += X.indptr[i + 1] - X.indptr[i];
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  rows.forEach((i, r) => {
    const a = X.indptr[i],
      b = X.indptr[i + 1];
    indices.set(X.indices.subarray(a, b), p);
    values.set(X.values.subarray(a, b), p);
    p += b - a;
    indptr[r + 1] = p;
  });
  return { n: rows.length, dim: X.dim, indptr, indices, values };
}
