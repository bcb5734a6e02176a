import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { LabelModel } from '../label-model/types.js';
import { ConfigError } from '../util/errors.js';

/**
 * A model fitted on other LFs or other classes would read the votes wrongly: refuse it, naming what differs. The LF
 * order may differ, since every label model aligns a matrix's columns to its own by LF name (`alignToModel`); the
 * class order may not (classes are vote values). A model that records no LFs (an unfitted majority vote) fits any matrix.
 */
export function assertModelMatches(L: LabelMatrix, model: LabelModel): void {
  const json = model.toJSON();
  const names = json.lfNames ?? [];
  if (names.length > 0) {
    const inModel = new Set(names);
    const inMatrix = new Set(L.lfNames);
    const modelOnly = names.filter((nm) => !inMatrix.has(nm));
    const matrixOnly = L.lfNames.filter((nm) => !inModel.has(nm));
    if (modelOnly.length || matrixOnly.length) {
      const differs = [
        modelOnly.length ? `only the model has ${listNames(modelOnly)}` : '',
        matrixOnly.length ? `only the matrix has ${listNames(matrixOnly)}` : '',
      ].filter(Boolean).join('; ');
      throw new ConfigError(`the label model was fitted on LFs [${listNames(names)}] but the label matrix has [${listNames(L.lfNames)}] (${differs}); refit the model on this matrix`);
    }
  }
  const labels = json.labels ?? [];
  if (labels.length > 0 && (labels.length !== L.k || labels.some((nm, y) => nm !== L.labels[y]))) {
    throw new ConfigError(`the label model has classes [${labels.join(', ')}] but the label matrix has [${L.labels.join(', ')}]`);
  }
}

/** The model's learned accuracies in the matrix's column order (matched by LF name), or null if it has none. */
export function modelAccuraciesFor(L: LabelMatrix, model: LabelModel): Float64Array | null {
  assertModelMatches(L, model);
  const acc = model.accuracies();
  if (!acc) return null;
  const names = model.toJSON().lfNames ?? [];
  if (names.length === 0) return acc;
  if (acc.length !== names.length) throw new ConfigError(`the label model has ${acc.length} accuracies for ${names.length} LFs`);
  const index = new Map(names.map((nm, j) => [nm, j]));
  return Float64Array.from(L.lfNames, (nm) => acc[index.get(nm)!]);
}

/** A name list for an error message, cut after 20 names so a wide matrix does not flood the terminal. */
function listNames(names: readonly string[]): string {
  return names.length > 20 ? `${names.slice(0, 20).join(', ')}, … (${names.length} in all)` : names.join(', ');
}
