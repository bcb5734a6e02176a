import { ConfigError } from '../util/errors.js';
import { AutoLabelModel } from './auto.js';
import { AUTO_OPTIONS } from './auto-options.js';
import { DawidSkene, DS_OPTIONS } from './dawid-skene.js';
import { LABEL_MODEL_KINDS, LABEL_MODEL_TITLES, type LabelModelKind } from './kinds.js';
import { MajorityVote, MV_OPTIONS } from './majority-vote.js';
import { MatrixCompletionModel } from './mc/model.js';
import { MC_OPTIONS } from './mc/options.js';
import type { OptionSpec } from './options.js';
import { TRIPLET_OPTIONS, TripletModel } from './triplet.js';
import type { LabelModel, LabelModelJSON } from './types.js';
import { WeightedMajorityVote, WMV_OPTIONS } from './weighted-majority-vote.js';

export { LABEL_MODEL_KINDS, type LabelModelKind } from './kinds.js';

/** One row of the label-model table. */
export interface LabelModelSpec<M extends LabelModel = LabelModel, O = unknown> {
  /** Display name (messages, listings). */
  title: string;
  /** A new, unfitted model. */
  create: () => M;
  /** Reads a model saved with `toJSON()`. */
  load: (json: LabelModelJSON) => M;
  /** True when the model needs k = 2. */
  binaryOnly: boolean;
  /** One run-time check per option key; a key not listed is rejected. */
  options: OptionSpec<O>;
  /** The options a command line may set for this kind (the CLI maps each to its flag). */
  cliOptions: readonly (keyof O & string)[];
}

// Rows refer to the model classes only inside closures: auto.ts imports this table, so a class may not be read while
// the modules are still loading.
/** Every label model, by kind: the one place a model is registered. Adding a model = its file + one row here. */
export const LABEL_MODELS = {
  mv: {
    title: LABEL_MODEL_TITLES.mv,
    create: () => new MajorityVote(),
    load: (j) => MajorityVote.fromJSON(j),
    binaryOnly: false,
    options: MV_OPTIONS,
    cliOptions: [],
  },
  wmv: {
    title: LABEL_MODEL_TITLES.wmv,
    create: () => new WeightedMajorityVote(),
    load: (j) => WeightedMajorityVote.fromJSON(j),
    binaryOnly: false,
    options: WMV_OPTIONS,
    cliOptions: ['classBalance'],
  },
  ds: {
    title: LABEL_MODEL_TITLES.ds,
    create: () => new DawidSkene(),
    load: (j) => DawidSkene.fromJSON(j),
    binaryOnly: false,
    options: DS_OPTIONS,
    cliOptions: ['classBalance'],
  },
  mc: {
    title: LABEL_MODEL_TITLES.mc,
    create: () => new MatrixCompletionModel(),
    load: (j) => MatrixCompletionModel.fromJSON(j),
    binaryOnly: false,
    options: MC_OPTIONS,
    cliOptions: ['classBalance', 'preset', 'epochs', 'seed'],
  },
  triplet: {
    title: LABEL_MODEL_TITLES.triplet,
    create: () => new TripletModel(),
    load: (j) => TripletModel.fromJSON(j),
    binaryOnly: true,
    options: TRIPLET_OPTIONS,
    cliOptions: ['classBalance'],
  },
  // auto's command-line options are its candidates' (each candidate takes the ones its own row lists).
  auto: {
    title: LABEL_MODEL_TITLES.auto,
    create: () => new AutoLabelModel(),
    load: (j) => AutoLabelModel.fromJSON(j, loadLabelModel),
    binaryOnly: false,
    options: AUTO_OPTIONS,
    cliOptions: [],
  },
} as const satisfies Record<LabelModelKind, LabelModelSpec<LabelModel, any>>;

/** The model class of a kind. */
export type ModelOf<K extends LabelModelKind> = ReturnType<(typeof LABEL_MODELS)[K]['create']>;
/** The options of a kind's `fit`. */
export type OptionsOf<K extends LabelModelKind> = NonNullable<Parameters<ModelOf<K>['fit']>[1]>;

/** A kind from its CLI name, or a ConfigError listing the kinds. */
export function parseLabelModelKind(s: string): LabelModelKind {
  if ((LABEL_MODEL_KINDS as readonly string[]).includes(s)) return s as LabelModelKind;
  throw new ConfigError(`unknown label model "${s}"; use one of ${LABEL_MODEL_KINDS.join(', ')}`, { option: 'model' });
}

/**
 * A new, unfitted model of the given kind; pass its options to `fit(L, options)`. Typed by kind, so a misspelt
 * option is a compile error (`createLabelModel('mc').fit(L, { epocs: 1 })`); at run time every model rejects
 * unknown option keys with a ConfigError.
 */
export function createLabelModel<K extends LabelModelKind>(kind: K): ModelOf<K>;
export function createLabelModel(kind: string): LabelModel;
export function createLabelModel(kind: string): LabelModel {
  return LABEL_MODELS[parseLabelModelKind(kind)].create();
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
  if (!Object.hasOwn(LABEL_MODELS, j.model))
    throw new ConfigError(`saved label model has unknown kind "${j.model}"; known: ${LABEL_MODEL_KINDS.join(', ')}`);
  return LABEL_MODELS[j.model as LabelModelKind].load(j);
}
