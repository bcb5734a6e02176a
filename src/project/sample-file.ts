import { checkModelFits } from '../label-model/alignment.js';
import type { LabelModel } from '../label-model/types.js';
import { emptyLabelMatrix, labelMatrixChunks } from '../data/label-matrix-stream.js';
import { AlignedRowStream } from '../data/row-stream.js';
import { SampleCandidates, selectCandidates, type BatchedSampleResult } from '../sampling/candidates.js';
import { createSampleContext } from '../sampling/context.js';
import { writeSample } from '../sampling/output.js';
import type { PreparedRecipe } from '../sampling/recipe.js';
import { decide } from '../label-model/decide.js';

export interface SampleFileOptions {
  recipe: PreparedRecipe;
  /** The label matrix file (.arrow from ballot apply, or a WRENCH .json split). */
  L: string;
  model: LabelModel;
  /** The model's file, named in errors. */
  modelFile: string;
  /** The rows the LFs were applied to, same order: copied out, and read by parts stratified by a column. */
  data?: string;
  out: string;
  csvSafe?: boolean;
  /** Rows scored at a time (default: the matrix's record batches, 65,536 rows from ballot apply). */
  chunkRows?: number;
}

/**
 * `ballot sample` for a batchable recipe, streamed: the matrix (and the data, in step) is read chunk by chunk, each
 * chunk scored by the label model and its decision rule, and only each part's best rows are kept (sampling/
 * candidates.ts). Memory is one chunk plus the kept rows whatever the pool's size; the rows selected are exactly those
 * `runRecipe` selects on the whole pool. Written atomically.
 */
export async function sampleFile(o: SampleFileOptions): Promise<BatchedSampleResult> {
  const rows = o.data ? new AlignedRowStream(o.data, 'data', o.L) : undefined;
  let candidates: SampleCandidates | undefined;
  try {
    for await (const { offset, L } of labelMatrixChunks(o.L, {
      chunkRows: o.chunkRows,
      onHeader: (h) => {
        checkModelFits(o.model, emptyLabelMatrix(h), { model: o.modelFile, matrix: o.L });
        candidates = new SampleCandidates(o.recipe, h.labels);
      },
    })) {
      const { probs, preds } = decide(o.model, L, { rowOffset: offset, what: o.modelFile });
      const batch = rows ? await rows.take(L.n) : undefined;
      candidates!.addBatch(createSampleContext({ probs, L, preds, rows: batch?.rows, rowsSource: o.data }), offset);
    }
    await rows?.finish(candidates!.n);
  } catch (e) {
    await rows?.close();
    throw e;
  }
  const result = selectCandidates(o.recipe, candidates!);
  writeSample(o.out, result, rows ? rows.columns : undefined, { csvSafe: o.csvSafe });
  return result;
}
