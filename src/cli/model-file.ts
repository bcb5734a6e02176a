import { existsSync, readFileSync } from 'node:fs';
import { MajorityVote } from '../label-model/majority-vote.js';
import { loadLabelModel } from '../label-model/registry.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, DataError } from '../util/errors.js';

/**
 * Reads a label model saved by `ballot fit` (any kind, through the registry); errors name the file. With
 * `allowMv`, the word `mv` (when no file has that name) means majority vote, which needs no fitting.
 */
export function readLabelModelFile(path: string, options: { allowMv?: boolean; matrix?: { L: LabelMatrix; file: string } } = {}): LabelModel {
  if (options.allowMv && path === 'mv' && !existsSync(path)) return new MajorityVote();
  const model = parseLabelModelFile(path, options.allowMv);
  if (options.matrix) assertModelFitsMatrix(model, path, options.matrix.L, options.matrix.file);
  return model;
}

/**
 * A saved model belongs to the label matrix it was fitted on: the same classes in the same order and the same LFs
 * (in any order). Anything else would mean votes read against the wrong parameters, or new LFs silently ignored.
 */
export function assertModelFitsMatrix(model: LabelModel, modelFile: string, L: LabelMatrix, matrixFile: string): void {
  const { labels, lfNames } = model.toJSON();
  const refit = `refit the model on this label matrix (ballot fit --L ${matrixFile})`;
  if (labels.length !== L.k || labels.some((name, y) => name !== L.labels[y])) {
    throw new ConfigError(`${modelFile} was fitted on classes ${labels.join(', ')} but ${matrixFile} has ${L.labels.join(', ')}: ${refit}`);
  }
  const inMatrix = new Set(L.lfNames);
  const inModel = new Set(lfNames);
  const modelOnly = lfNames.filter((name) => !inMatrix.has(name));
  const matrixOnly = L.lfNames.filter((name) => !inModel.has(name));
  if (modelOnly.length || matrixOnly.length) {
    const list = (xs: string[]) => `${xs.slice(0, 8).join(', ')}${xs.length > 8 ? `, … (${xs.length})` : ''}`;
    const parts = [modelOnly.length ? `only in the model: ${list(modelOnly)}` : '', matrixOnly.length ? `only in the matrix: ${list(matrixOnly)}` : ''];
    throw new ConfigError(`${modelFile} was fitted on other LFs than ${matrixFile} has (${parts.filter(Boolean).join('; ')}): ${refit}`);
  }
}

function parseLabelModelFile(path: string, allowMv: boolean | undefined): LabelModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = allowMv ? ' (pass a model saved by ballot fit, or mv for majority vote)' : '';
    throw new DataError(path, code === 'ENOENT' ? `no such file${hint}` : `cannot read: ${(e as Error).message}`, {}, { cause: e });
  }
  try {
    return loadLabelModel(text);
  } catch (e) {
    throw new DataError(path, (e as Error).message, {}, { cause: e });
  }
}
