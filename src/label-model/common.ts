import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { softmaxInPlace } from './linalg.js';
import { rowCodes, wordView } from '../matrix/sparse-votes.js';
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
 * log P(λ_j = l | Y = y) (or any per-vote score); `prior` is the class balance p. A row with no votes gets exactly p.
 * `coveredOffset[y]`, when given, is added to every row with at least one vote (models that score abstains fold their
 * all-abstain factor in there and divide it back out of each vote's entry).
 */
export function posteriorFromLogTable(L: LabelMatrix, logTable: Float64Array, prior: Float64Array, coveredOffset?: Float64Array): Float64Array {
  const { n, m, k, votes } = L;
  const logPrior = prior.map(Math.log);
  if (logTable.length !== m * k * k) throw new RangeError(`log table has ${logTable.length} entries, expected m·k·k = ${m * k * k}`);
  const probs = new Float64Array(n * k);
  const codes = new Int32Array(m);
  const words = wordView(votes);
  if (k === 2) {
    // Binary: only the log-odds matter; p1 = σ(s).
    const logOdds = logPrior[1] - logPrior[0];
    const offset = coveredOffset ? coveredOffset[1] - coveredOffset[0] : 0;
    const diff = new Float64Array(m * 2);
    for (let a = 0; a < 2 * m; a++) diff[a] = logTable[a * 2 + 1] - logTable[a * 2];
    for (let i = 0; i < n; i++) {
      const c = rowCodes(votes, words, i * m, m, 2, codes);
      if (c === 0) {
        // No evidence: exactly the class balance (a softmax of its logs could be off in the last bit).
        probs[2 * i] = prior[0];
        probs[2 * i + 1] = prior[1];
        continue;
      }
      let s = logOdds + offset;
      for (let t = 0; t < c; t++) s += diff[codes[t]];
      // Both branches keep exp's argument ≤ 0, so nothing overflows.
      if (s >= 0) {
        const e = Math.exp(-s);
        probs[2 * i] = e / (1 + e);
        probs[2 * i + 1] = 1 / (1 + e);
      } else {
        const e = Math.exp(s);
        probs[2 * i] = 1 / (1 + e);
        probs[2 * i + 1] = e / (1 + e);
      }
    }
    return probs;
  }
  for (let i = 0; i < n; i++) {
    const base = i * k;
    const c = rowCodes(votes, words, i * m, m, k, codes);
    if (c === 0) {
      probs.set(prior, base);
      continue;
    }
    for (let y = 0; y < k; y++) probs[base + y] = logPrior[y];
    for (let t = 0; t < c; t++) {
      const row = codes[t] * k;
      for (let y = 0; y < k; y++) probs[base + y] += logTable[row + y];
    }
    if (coveredOffset) for (let y = 0; y < k; y++) probs[base + y] += coveredOffset[y];
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
