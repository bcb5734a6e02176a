import { type DriftOptions, type DriftReport, driftReport } from '../analysis/drift.js';
import { type DriftCondition, evaluateDriftGate } from '../analysis/drift-gate.js';
import { readAlignedRows } from '../data/aligned-rows.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';

export interface DriftRunOptions extends Omit<DriftOptions, 'modelName'> {
  /** The training set's label matrix file, and its rows in the same order (metadata and text checks). */
  reference: { L: string; data?: string };
  /** The new set's. */
  current: { L: string; data?: string };
  /** The label model for the predicted class balance (default majority vote), fitted on the reference matrix: the caller reads and checks the model file. */
  loadModel?: (reference: LabelMatrix) => LabelModel;
  /** The model's file, named in errors. */
  modelFile?: string;
  /** Gate conditions (parseDriftConditions): the ones that hold on a significant check are returned in `gate`. */
  conditions?: readonly DriftCondition[];
}

/**
 * `ballot drift`: has the data moved? Reads both label matrices (and rows), predicts both with the reference's label
 * model when one is given (the new matrix must carry the model's LFs; extra LFs are ignored), compares them
 * (driftReport) and evaluates the gate.
 */
export async function runDrift(o: DriftRunOptions): Promise<{ report: DriftReport; gate: { condition: string; checks: string[] }[] }> {
  const La = loadLabelMatrix(o.reference.L);
  const Lb = loadLabelMatrix(o.current.L);
  const [ra, rb] = await Promise.all([
    o.reference.data ? readAlignedRows(La, o.reference.data) : undefined,
    o.current.data ? readAlignedRows(Lb, o.current.data) : undefined,
  ]);
  if (Lb.n === 0) throw new ConfigError(`${o.current.L} has no rows: the new data is empty, nothing to compare`);
  let probs: [Float64Array, Float64Array] | undefined;
  let modelName: string | undefined;
  if (o.loadModel) {
    const model = o.loadModel(La);
    const lfs = model.lfNames.length ? [...model.lfNames] : [...La.lfNames];
    const missing = lfs.filter((x) => !Lb.lfNames.includes(x));
    if (missing.length)
      throw new ConfigError(
        `${o.current.L} lacks LFs the model ${o.modelFile} was fitted on (${missing.join(', ')}); drop \`model\` to compare with majority vote`,
      );
    probs = [model.predictProba(La), model.predictProba(Lb.selectLFs(lfs))];
    modelName = model.kind;
  }
  const { reference: _r, current: _c, loadModel: _m, modelFile: _f, conditions = [], ...options } = o;
  const report = driftReport({ L: La, rows: ra?.rows, probs: probs?.[0] }, { L: Lb, rows: rb?.rows, probs: probs?.[1] }, { ...options, modelName });
  return { report, gate: evaluateDriftGate(report, conditions) };
}
