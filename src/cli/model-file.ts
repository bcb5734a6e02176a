import { existsSync } from 'node:fs';
import { checkModelFits } from '../label-model/alignment.js';
import { MajorityVote } from '../label-model/majority-vote.js';
import { loadLabelModel } from '../label-model/registry.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, DataError } from '../util/errors.js';
import { readTextOrFail } from '../util/read-file.js';

/**
 * Reads a label model saved by `ballot fit` (any kind, through the registry); errors name the file. With
 * `allowMv`, the word `mv` (when no file has that name) means majority vote, which needs no fitting. With `matrix`,
 * the model must fit that label matrix (`checkModelFits`, its message naming both files).
 */
export function readLabelModelFile(path: string, options: { allowMv?: boolean; matrix?: { L: LabelMatrix; file: string } } = {}): LabelModel {
  if (options.allowMv && path === 'mv' && !existsSync(path)) return new MajorityVote();
  const model = parseLabelModelFile(path, options.allowMv);
  const m = options.matrix;
  if (m) {
    try {
      checkModelFits(model, m.L, { model: path, matrix: m.file });
    } catch (e) {
      throw new ConfigError(`${(e as Error).message} (ballot fit --L ${m.file})`, { cause: e });
    }
  }
  return model;
}

function parseLabelModelFile(path: string, allowMv: boolean | undefined): LabelModel {
  const text = readTextOrFail(path, { hint: allowMv ? 'pass a model saved by ballot fit, or mv for majority vote' : undefined });
  try {
    return loadLabelModel(text);
  } catch (e) {
    throw new DataError(path, (e as Error).message, {}, { cause: e });
  }
}
