import { ABSTAIN } from '../lf/labels.js';
import type { LabelMatrix } from '../lf/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { softmaxInPlace } from './linalg.js';
import type { LabelModelJSON } from './types.js';

/**
 * Returns L with its columns in the model's LF order. A matrix whose LFs come in another order is reordered by name,
 * so a saved model applies to a matrix built with the LFs listed differently; missing LFs or other classes are errors.
 */
export function alignToModel(L: LabelMatrix, kind: string, lfNames: readonly string[], labels: readonly string[]): LabelMatrix {
  if (labels.length === 0) throw new ConfigError(`${kind} model is not fitted yet: call fit() or load a saved model`);
  if (L.k !== labels.length) throw new ConfigError(`${kind} model has ${labels.length} classes (${labels.join(', ')}), the label matrix has ${L.k} (${L.labels.join(', ')})`);
  for (let y = 0; y < labels.length; y++) {
    if (L.labels[y] !== labels[y]) throw new ConfigError(`${kind} model classes are ${labels.join(', ')}; the label matrix has ${L.labels.join(', ')}`);
  }
  if (L.m === lfNames.length && L.lfNames.every((name, j) => name === lfNames[j])) return L;
  const have = new Set(L.lfNames);
  const missing = lfNames.filter((name) => !have.has(name));
  if (missing.length) throw new ConfigError(`${kind} model was fitted with LFs the label matrix lacks: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  return L.selectLFs([...lfNames]);
}

/** Rows where every LF abstained. */
export function countUncovered(L: LabelMatrix): number {
  const { n, m, votes } = L;
  let uncovered = 0;
  for (let i = 0, p = 0; i < n; i++, p += m) {
    let covered = false;
    for (let j = 0; j < m; j++) if (votes[p + j] !== ABSTAIN) { covered = true; break; }
    if (!covered) uncovered++;
  }
  return uncovered;
}

/**
 * The posterior of every conditionally independent model here (Dawid-Skene, matrix completion, triplet, weighted
 * vote): P(Y = y | λ) ∝ p_y · Π_{j votes} P(λ_j = λ_ij | Y = y), abstains left out. `logTable[(j·k + l)·k + y]` is
 * log P(λ_j = l | Y = y) (or any per-vote score); `logPrior[y]` is log p_y. A row with no votes gets exactly softmax(log p).
 * `coveredOffset[y]`, when given, is added to every row with at least one vote (models that score abstains fold their
 * all-abstain factor in there and divide it back out of each vote's entry).
 */
export function posteriorFromLogTable(L: LabelMatrix, logTable: Float64Array, logPrior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { n, m, k, votes } = L;
  if (logTable.length !== m * k * k) throw new RangeError(`log table has ${logTable.length} entries, expected m·k·k = ${m * k * k}`);
  const probs = new Float64Array(n * k);
  for (let i = 0, p = 0; i < n; i++, p += m) {
    const base = i * k;
    for (let y = 0; y < k; y++) probs[base + y] = logPrior[y];
    let covered = false;
    for (let j = 0; j < m; j++) {
      const v = votes[p + j];
      if (v === ABSTAIN) continue;
      covered = true;
      const t = (j * k + v) * k;
      for (let y = 0; y < k; y++) probs[base + y] += logTable[t + y];
    }
    if (covered && coveredOffset) for (let y = 0; y < k; y++) probs[base + y] += coveredOffset[y];
    softmaxInPlace(probs, base, k);
  }
  return probs;
}

/** Validates the envelope of a saved model before a model class reads its own fields. */
export function checkModelJSON(json: LabelModelJSON, kind: string, version = 1): void {
  if (!json || typeof json !== 'object') throw new ConfigError(`expected a saved ${kind} model object`);
  if (json.model !== kind) throw new ConfigError(`expected a saved "${kind}" model, got "${String(json.model)}"`);
  if (json.version !== version) throw new ConfigError(`saved ${kind} model has version ${String(json.version)}; this ballot reads version ${version}`);
  if (!Array.isArray(json.labels) || !Array.isArray(json.lfNames)) throw new ConfigError(`saved ${kind} model lacks "labels" or "lfNames"`);
}

/** Reads a numeric array field of a saved model, checking its length. */
export function readNumbers(json: LabelModelJSON, field: string, length: number): Float64Array {
  const v = json[field];
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number')) {
    throw new ConfigError(`saved ${json.model} model: field "${field}" must be an array of ${length} numbers`);
  }
  return Float64Array.from(v as number[]);
}

/** Class balance option: explicit probabilities, checked and normalized. */
export function checkClassBalance(p: ArrayLike<number>, k: number): Float64Array {
  if (p.length !== k) throw new ConfigError(`class balance has ${p.length} entries, expected k = ${k}`);
  let s = 0;
  for (let y = 0; y < k; y++) {
    if (!(p[y] > 0)) throw new ConfigError(`class balance entries must be > 0, got ${Array.from(p).join(', ')}`);
    s += p[y];
  }
  return Float64Array.from(p, (x) => x / s);
}
