import { ConfigError, DataError } from '../util/errors.js';
import { EndModel } from './end-model.js';
import { readTextOrFail } from '../util/read-file.js';

/** Reads an end model saved by `ballot train` (EndModel.toJSON); errors are DataErrors naming the file. */
export function readEndModelFile(path: string): EndModel {
  const text = readTextOrFail(path, { hint: 'pass an end model saved by ballot train' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataError(path, `not JSON: ${(e as Error).message}`, {}, { cause: e });
  }
  try {
    return EndModel.fromJSON(json);
  } catch (e) {
    throw new DataError(path, (e as Error).message, {}, { cause: e });
  }
}

/** An end model must predict the classes (same names, same order) of the label matrix it is used with. */
export function assertEndModelClasses(model: EndModel, modelFile: string, labels: readonly string[], matrixFile: string): void {
  if (model.labels.length !== labels.length || model.labels.some((name, y) => name !== labels[y])) {
    throw new ConfigError(
      `${modelFile} was trained on classes ${model.labels.join(', ')} but ${matrixFile} has ${labels.join(', ')}: retrain it (ballot train --L ${matrixFile})`,
    );
  }
}
