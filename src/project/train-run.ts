import { readAlignedRows } from '../data/aligned-rows.js';
import { writeFileAtomic } from '../data/atomic.js';
import { readGoldLabels } from '../data/gold.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import { readRowsAsync } from '../data/read.js';
import type { Row } from '../data/types.js';
import type { EndModel, EndModelOptions } from '../end-model/end-model.js';
import { trainOnLabelModel, type WeakTrainingReport } from '../end-model/weak-training.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { defineLabels } from '../matrix/labels.js';
import { ConfigError } from '../util/errors.js';

export interface TrainRunOptions {
  /** The rows the LFs were applied to, in label-matrix order. */
  data: string;
  /** The label matrix file (.arrow from ballot apply). */
  L: string;
  /** The label model whose probabilities are the targets: the caller reads and checks the model file. */
  loadModel: (L: LabelMatrix) => LabelModel;
  /** Where the end model is written (JSON, one line). */
  out: string;
  /** The featurizer's columns and the training settings. */
  options: EndModelOptions;
  /** Also report K-fold out-of-sample agreement with the label model (K ≥ 2). */
  cv?: number;
  /** Dev rows with gold labels (same columns as `data`) and the column holding them: accuracy and calibration. */
  gold?: string;
  labelColumn?: string;
}

/**
 * `ballot train`: the end model trained on the label model's probabilities of the covered rows (trainOnLabelModel),
 * with the optional cross-fitted agreement and dev calibration, written to `out`.
 */
export async function runTrain(o: TrainRunOptions): Promise<{ model: EndModel; report: WeakTrainingReport }> {
  if (o.gold && !o.labelColumn) throw new ConfigError('`gold` needs `labelColumn`: the column holding the gold labels');
  if (!o.gold && o.labelColumn) throw new ConfigError('`labelColumn` needs `gold`: the file holding the gold labels');
  if (o.cv !== undefined && !(Number.isInteger(o.cv) && o.cv >= 2)) throw new ConfigError(`\`cv\` must be an integer ≥ 2, got ${o.cv}`);
  const L = loadLabelMatrix(o.L);
  const labelModel = o.loadModel(L);
  const ds = await readAlignedRows(L, o.data);
  let dev: { rows: Row[]; gold: Int32Array; source: string } | undefined;
  if (o.gold) {
    // Gold in the data file itself (its label column) is read once.
    const devRows = o.gold === o.data ? ds.rows : (await readRowsAsync(o.gold)).rows;
    dev = {
      rows: devRows,
      gold: readGoldLabels(devRows, o.labelColumn!, defineLabels(L.labels), o.gold, { allowMissing: true }),
      source: o.gold,
    };
  }
  const { model, report } = trainOnLabelModel({
    rows: ds.rows,
    rowsSource: o.data,
    L,
    matrixFile: o.L,
    probs: labelModel.predictProba(L),
    options: o.options,
    cv: o.cv,
    dev,
  });
  // One line: the weight arrays would take one line per number pretty-printed.
  writeFileAtomic(o.out, `${JSON.stringify(model.toJSON())}\n`);
  return { model, report };
}
