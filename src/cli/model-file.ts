import { existsSync, readFileSync } from 'node:fs';
import { MajorityVote } from '../label-model/majority-vote.js';
import { loadLabelModel } from '../label-model/registry.js';
import type { LabelModel } from '../label-model/types.js';
import { DataError } from '../util/errors.js';

/**
 * Reads a label model saved by `ballot fit` (any kind, through the registry); errors name the file. With
 * `allowMv`, the word `mv` (when no file has that name) means majority vote, which needs no fitting.
 */
export function readLabelModelFile(path: string, options: { allowMv?: boolean } = {}): LabelModel {
  if (options.allowMv && path === 'mv' && !existsSync(path)) return new MajorityVote();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = options.allowMv ? ' (pass a model saved by ballot fit, or mv for majority vote)' : '';
    throw new DataError(path, code === 'ENOENT' ? `no such file${hint}` : `cannot read: ${(e as Error).message}`, {}, { cause: e });
  }
  try {
    return loadLabelModel(text);
  } catch (e) {
    throw new DataError(path, (e as Error).message, {}, { cause: e });
  }
}
