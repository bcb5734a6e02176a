import { ConfigError } from '../util/errors.js';
import { AutoLabelModel } from './auto.js';
import { DawidSkene } from './dawid-skene.js';
import { MajorityVote } from './majority-vote.js';
import { MatrixCompletionModel } from './matrix-completion.js';
import { TripletModel } from './triplet.js';
import type { LabelModel, LabelModelJSON } from './types.js';
import { WeightedMajorityVote } from './weighted-majority-vote.js';

/** Every label model by its CLI name. `auto` picks among the others on dev gold labels. */
export const LABEL_MODEL_KINDS = ['mv', 'wmv', 'ds', 'mc', 'triplet', 'auto'] as const;
export type LabelModelKind = (typeof LABEL_MODEL_KINDS)[number];

export function parseLabelModelKind(s: string): LabelModelKind {
  if ((LABEL_MODEL_KINDS as readonly string[]).includes(s)) return s as LabelModelKind;
  throw new ConfigError(`unknown label model "${s}"; use one of ${LABEL_MODEL_KINDS.join(', ')}`);
}

/** A new, unfitted model of the given kind; pass its options to `fit(L, options)`. */
export function createLabelModel(kind: LabelModelKind | string): LabelModel {
  switch (parseLabelModelKind(kind)) {
    case 'mv': return new MajorityVote();
    case 'wmv': return new WeightedMajorityVote();
    case 'ds': return new DawidSkene();
    case 'mc': return new MatrixCompletionModel();
    case 'triplet': return new TripletModel();
    case 'auto': return new AutoLabelModel();
  }
}

/** Reads a model saved with `toJSON()` (a parsed object or its JSON text); predictions match the saved model bit for bit. */
export function loadLabelModel(json: LabelModelJSON | string): LabelModel {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new ConfigError(`saved label model is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!obj || typeof obj !== 'object' || typeof (obj as { model?: unknown }).model !== 'string') {
    throw new ConfigError('saved label model must be an object with a "model" field');
  }
  const j = obj as LabelModelJSON;
  switch (j.model) {
    case 'mv': return MajorityVote.fromJSON(j);
    case 'wmv': return WeightedMajorityVote.fromJSON(j);
    case 'ds': return DawidSkene.fromJSON(j);
    case 'mc': return MatrixCompletionModel.fromJSON(j);
    case 'triplet': return TripletModel.fromJSON(j);
    case 'auto': return AutoLabelModel.fromJSON(j, loadLabelModel);
    default: throw new ConfigError(`saved label model has unknown kind "${j.model}"; known: ${LABEL_MODEL_KINDS.join(', ')}`);
  }
}
