import type { LabelMatrix } from '../matrix/label-matrix.js';
import { checkModelFits } from '../label-model/alignment.js';
import type { LabelModel } from '../label-model/types.js';
import { ConfigError } from '../util/errors.js';

/**
 * A model fitted on other LFs or other classes would read the votes wrongly: refuse it, naming what differs
 * (`checkModelFits`, the one rule and wording). The LF order may differ, since every label model aligns a matrix's
 * columns to its own by LF name; the class order may not (classes are vote values).
 */
export function assertModelMatches(L: LabelMatrix, model: LabelModel): void {
  checkModelFits(model, L);
}

/** The model's learned accuracies in the matrix's column order (matched by LF name), or null if it has none. */
export function modelAccuraciesFor(L: LabelMatrix, model: LabelModel): Float64Array | null {
  checkModelFits(model, L);
  const acc = model.accuracies();
  if (!acc) return null;
  const names = model.lfNames;
  if (names.length === 0) return acc;
  if (acc.length !== names.length) throw new ConfigError(`the label model has ${acc.length} accuracies for ${names.length} LFs`);
  const index = new Map(names.map((nm, j) => [nm, j]));
  return Float64Array.from(L.lfNames, (nm) => acc[index.get(nm)!]);
}
