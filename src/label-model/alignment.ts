import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { sameLabels } from '../matrix/checked.js';
import { ConfigError } from '../util/errors.js';
import type { LabelModel } from './types.js';

/**
 * Returns L with its columns in the model's LF order. A matrix whose LFs come in another order is reordered by name,
 * so a saved model applies to a matrix built with the LFs listed differently; missing LFs or other classes are errors.
 */
export function alignToModel(L: LabelMatrix, kind: string, lfNames: readonly string[], labels: readonly string[]): LabelMatrix {
  if (labels.length === 0) throw new ConfigError(`${kind} model is not fitted yet: call fit() or load a saved model`);
  if (L.k !== labels.length)
    throw new ConfigError(`${kind} model has ${labels.length} classes (${labels.join(', ')}), the label matrix has ${L.k} (${L.labels.join(', ')})`);
  if (!sameLabels(L.labels, labels))
    throw new ConfigError(`${kind} model classes are ${labels.join(', ')}; the label matrix has ${L.labels.join(', ')}`);
  if (L.m === lfNames.length && L.lfNames.every((name, j) => name === lfNames[j])) return L;
  const have = new Set(L.lfNames);
  const missing = lfNames.filter((name) => !have.has(name));
  if (missing.length)
    throw new ConfigError(
      `${kind} model was fitted with LFs the label matrix lacks: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
    );
  return L.selectLFs([...lfNames]);
}

/** How a model and a matrix are named in a model-fit error (the CLI passes file names). */
export interface FitNames {
  model?: string;
  matrix?: string;
}

/**
 * The one "does this model fit this matrix" rule: the same classes in the same order and the same LFs (in any order;
 * models align columns by LF name). A model that records no LFs (an unfitted majority vote) fits any matrix. Anything
 * else would read votes against the wrong parameters or silently ignore new LFs: a ConfigError naming what differs.
 */
export function checkModelFits(model: Pick<LabelModel, 'labels' | 'lfNames'>, L: LabelMatrix, names: FitNames = {}): void {
  const modelName = names.model ?? 'the label model';
  const matrixName = names.matrix ?? 'the label matrix';
  const { lfNames, labels } = model;
  if (lfNames.length > 0) {
    const inModel = new Set(lfNames);
    const inMatrix = new Set(L.lfNames);
    const modelOnly = lfNames.filter((nm) => !inMatrix.has(nm));
    const matrixOnly = L.lfNames.filter((nm) => !inModel.has(nm));
    if (modelOnly.length || matrixOnly.length) {
      const differs = [
        modelOnly.length ? `only the model has ${listNames(modelOnly)}` : '',
        matrixOnly.length ? `only the matrix has ${listNames(matrixOnly)}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      throw new ConfigError(
        `${modelName} was fitted on LFs [${listNames(lfNames)}] but ${matrixName} has [${listNames(L.lfNames)}] (${differs}); refit the model on this matrix`,
      );
    }
  }
  if (labels.length > 0 && !sameLabels(labels, L.labels)) {
    throw new ConfigError(
      `${modelName} has classes [${labels.join(', ')}] but ${matrixName} has [${L.labels.join(', ')}]; refit the model on this matrix`,
    );
  }
}

/** A name list for an error message, cut after 20 names so a wide matrix does not flood the terminal. */
function listNames(names: readonly string[]): string {
  return names.length > 20 ? `${names.slice(0, 20).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/** Rows where every LF abstained. */
export function countUncovered(L: LabelMatrix): number {
  const { n, m, votes } = L;
  let uncovered = 0;
  for (let i = 0, p = 0; i < n; i++, p += m) {
    let covered = false;
    for (let j = 0; j < m; j++)
      if (votes[p + j] !== ABSTAIN) {
        covered = true;
        break;
      }
    if (!covered) uncovered++;
  }
  return uncovered;
}
