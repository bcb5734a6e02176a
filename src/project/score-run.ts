import { type ScoreModelOptions, scoreEndModel, scoreLabelModel } from '../analysis/score.js';
import { goldFromRows, readAlignedRows } from '../data/aligned-rows.js';
import { readGoldLabels } from '../data/gold.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import { readRowsAsync } from '../data/read.js';
import { readEndModelFile } from '../end-model/file.js';
import { MajorityVote } from '../label-model/majority-vote.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { defineLabels } from '../matrix/labels.js';
import { DataError } from '../util/errors.js';

/** Gold labels to score on: a row file (rows in the order of the scored rows) and the column holding them. */
export interface ScoreGold {
  file: string;
  column: string;
}

/**
 * `ballot score` of a label model: its labels for the rows of the matrix (the model's decision rule, ties by
 * `tiePolicy`) against the gold labels. The caller reads and checks the model file (default majority vote).
 */
export async function runScore(
  o: { L: string; loadModel?: (L: LabelMatrix) => LabelModel; gold: ScoreGold } & ScoreModelOptions,
): Promise<ReturnType<typeof scoreLabelModel>> {
  const { L: file, loadModel, gold: goldFile, ...options } = o;
  const L = loadLabelMatrix(file);
  const model = loadModel?.(L) ?? new MajorityVote();
  const gold = goldFromRows(L, await readAlignedRows(L, goldFile.file, 'gold'), goldFile.column);
  return scoreLabelModel(model, L, gold, options);
}

/**
 * `ballot score` of an end model: its labels for the rows of `data` (default: the gold file itself) against the gold
 * labels, which must line up with them. Returns the score and the file the rows came from.
 */
export async function runEndModelScore(
  o: { endModel: string; data?: string; gold: ScoreGold } & ScoreModelOptions,
): Promise<{ score: ReturnType<typeof scoreEndModel>; rowsFile: string }> {
  const { endModel: modelFile, data, gold: goldFile, ...options } = o;
  const endModel = readEndModelFile(modelFile);
  const goldRows = await readRowsAsync(goldFile.file);
  // The same file as rows and gold (a labelled set scored on itself) is read once.
  const rows = data && data !== goldFile.file ? await readRowsAsync(data) : goldRows;
  if (rows.rows.length !== goldRows.rows.length)
    throw new DataError(
      goldFile.file,
      `has ${goldRows.rows.length} rows but ${rows.file} has ${rows.rows.length}; gold rows must line up with \`data\``,
    );
  const gold = readGoldLabels(goldRows.rows, goldFile.column, defineLabels(endModel.labels), goldRows.file, { allowMissing: true });
  return { score: scoreEndModel(endModel, rows.rows, gold, { ...options, source: rows.file }), rowsFile: rows.file };
}
