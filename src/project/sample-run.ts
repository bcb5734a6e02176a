import { readAlignedRows } from '../data/aligned-rows.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import { emptyLabelMatrix, readLabelMatrixHeader } from '../data/label-matrix-stream.js';
import type { Dataset } from '../data/types.js';
import { assertEndModelClasses, readEndModelFile } from '../end-model/file.js';
import { decide } from '../label-model/decide.js';
import type { LabelModel } from '../label-model/types.js';
import { evaluateSlices } from '../lf/slice-eval.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import {
  batchable,
  createSampleContext,
  endModelCrossFit,
  loadRecipe,
  overrideRecipe,
  planNextBatch,
  type PreparedRecipe,
  readLabeledRows,
  runRecipe,
  type SampleReport,
  type SampleResult,
  writeSample,
} from '../sampling/index.js';
import { ConfigError } from '../util/errors.js';
import { sampleFile } from './sample-file.js';
import { discoverSlices } from './slice-discovery.js';

export interface SampleRunOptions {
  /** The recipe: .json, or a .ts/.js module exporting it. */
  recipe: string;
  /** Override the recipe's budget, seed and dedupe text columns. */
  budget?: number;
  seed?: number;
  textColumns?: string[];
  /** The label matrix file (.arrow from ballot apply, or a WRENCH .json split). */
  L: string;
  /** The label model for the matrix (its header, on the streamed path): the caller reads and checks the model file. */
  loadModel: (L: LabelMatrix) => LabelModel;
  /** The model's file (or `mv`), named in errors. */
  modelFile: string;
  /** The rows the LFs were applied to, same order: copied out, deduped on, stratified by, featurized. */
  data?: string;
  out: string;
  csvSafe?: boolean;
  /** Slice-function files, for parts stratified by `slice:<name>` (needs `data`). */
  slices?: readonly string[];
  /** The old training set's label matrix and rows, for the drift sampler. */
  referenceL?: string;
  referenceData?: string;
  /** A saved end model (ballot train): its features drive the end-model samplers (needs `data`). */
  endModel?: string;
  /** Rows labeled so far (a sample file with `_row`) and their label column: rounds mode (needs `endModel`). */
  labeled?: string;
  labelColumn?: string;
  /** Cross-fitting folds of the end model (default 3). */
  folds?: number;
}

/**
 * `ballot sample`: loads the recipe (with the overrides) and selects the next training set, written with provenance.
 * A recipe of ranked parts without dedupe and no option that needs the whole pool is streamed (sampleFile: memory is
 * one chunk plus the kept rows); anything else loads the matrix and the rows and runs the recipe (or, with an end
 * model, plans the next batch by cross-fitting it).
 */
export async function runSample(o: SampleRunOptions): Promise<{ report: SampleReport; model: string }> {
  const recipe = overrideRecipe(await loadRecipe(o.recipe), { budget: o.budget, seed: o.seed, textColumns: o.textColumns }, 'command line');
  if (streamable(o, recipe)) {
    const header = await readLabelMatrixHeader(o.L);
    const model = o.loadModel(emptyLabelMatrix(header));
    const result = await sampleFile({ recipe, L: o.L, model, modelFile: o.modelFile, data: o.data, out: o.out, csvSafe: o.csvSafe });
    return { report: result.report, model: model.kind };
  }
  const L = loadLabelMatrix(o.L);
  const model = o.loadModel(L);
  // One decision rule: `_label` and class strata use the model's own (as `ballot predict` does).
  const { probs, preds } = decide(model, L, { what: o.modelFile });
  let data: Dataset | undefined;
  if (o.data) data = await readAlignedRows(L, o.data);
  else if (recipe.dedupe) throw new ConfigError(`${o.recipe} asks for dedupe, which needs the rows' text: pass \`data\``);
  if (o.slices?.length && !data) throw new ConfigError('`slices` needs `data`: slice functions read the rows');
  if (o.referenceData && !o.referenceL) throw new ConfigError('`referenceData` needs `referenceL`: the old label matrix');
  const slices = o.slices?.length
    ? new Map(
        evaluateSlices(
          data!.rows,
          (await discoverSlices([...o.slices])).slices.map((s) => s.slice),
          { source: data!.file },
        ).map((s) => [s.name, s.mask]),
      )
    : undefined;
  const refL = o.referenceL ? loadLabelMatrix(o.referenceL) : undefined;
  const reference = refL ? { L: refL, rows: o.referenceData ? (await readAlignedRows(refL, o.referenceData)).rows : undefined } : undefined;
  let result: SampleResult;
  if (o.endModel) {
    if (!data) throw new ConfigError('`endModel` needs `data`: the rows to featurize');
    const endModel = readEndModelFile(o.endModel);
    assertEndModelClasses(endModel, o.endModel, L.labels, o.L);
    const X = endModel.featurizer.transform(data.rows, data.file);
    let gold: Int32Array | undefined;
    if (o.labeled) {
      if (!o.labelColumn) throw new ConfigError('`labeled` needs `labelColumn`: the column holding the labels');
      gold = await readLabeledRows(o.labeled, o.labelColumn, L.labels, L.n);
    }
    result = planNextBatch(recipe, {
      X,
      labels: L.labels,
      labelProbs: probs.values,
      L,
      rows: data.rows,
      rowsSource: data.file,
      gold,
      preds,
      slices,
      reference,
      crossFit: endModelCrossFit(endModel, X, { folds: o.folds ?? 3, seed: recipe.seed }),
    });
  } else {
    if (o.labeled) throw new ConfigError('`labeled` (rounds mode) needs `endModel`: the model retrained on the labels');
    result = runRecipe(recipe, createSampleContext({ probs, L, rows: data?.rows, rowsSource: data?.file, preds, slices, reference }));
  }
  writeSample(o.out, result, data?.columns, { csvSafe: o.csvSafe });
  return { report: result.report, model: model.kind };
}

/** A recipe of ranked parts without dedupe, and no option that needs the whole pool: the streamed path. */
function streamable(o: SampleRunOptions, recipe: PreparedRecipe): boolean {
  return batchable(recipe) === null && !o.endModel && !o.labeled && !o.slices?.length && !o.referenceL && !o.referenceData;
}
