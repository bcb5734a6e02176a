import { readFileSync } from 'node:fs';
import { EndModel } from '../../end-model/end-model.js';
import { ConfigError, DataError } from '../../util/errors.js';

/** Reads a saved end model (ballot train --out), or one DataError naming the file. */
export function readEndModelFile(file: string): EndModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, `cannot read the end model: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataError(file, `the end model is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return EndModel.fromJSON(json);
  } catch (e) {
    if (e instanceof ConfigError) throw new DataError(file, e.message);
    throw e;
  }
}
