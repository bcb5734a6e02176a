import { ABSTAIN, type Abstain } from '../matrix/labels.js';
import type { Preprocessor } from './preprocessor.js';
import { ConfigError } from '../util/errors.js';

/**
 * A labeling function: a pure function of one row that votes a class name or abstains.
 * `pre` preprocessors run first (in order, memoized per row and shared across LFs); `resources`
 * (a lexicon, a lookup table) is created once and passed to every call.
 */
export interface LabelingFunction<Row = any, L extends string = string, R = unknown> {
  readonly name: string;
  readonly pre: readonly Preprocessor[];
  readonly resources: R;
  /** Optional free text shown by `ballot lfs list` and the LF summary. */
  readonly description?: string;
  /** Data columns the LF reads by name; applying it to data that has none of a column is an error, not silent abstains. */
  readonly columns?: readonly string[];
  vote(row: Row, resources: R): L | Abstain;
}

export interface LabelingFunctionSpec<Row, V extends string | Abstain, R> {
  name: string;
  /** Returns a class name of the label space, or ABSTAIN. */
  vote(row: Row, resources: R): V;
  pre?: readonly Preprocessor[];
  resources?: R;
  description?: string;
  /** Data columns the LF reads by name (the builders set it from `field`): checked to exist before applying. */
  columns?: readonly string[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Defines a labeling function. The name must be unique among the LFs applied together. */
export function labelingFunction<Row = any, const V extends string | Abstain = Abstain, R = undefined>(
  spec: LabelingFunctionSpec<Row, V, R>,
): LabelingFunction<Row, Exclude<V, Abstain>, R> {
  if (typeof spec.name !== 'string' || !NAME_RE.test(spec.name)) {
    throw new ConfigError(`LF name ${JSON.stringify(spec.name)} is invalid: use letters, digits, _ . : - (not starting with a digit)`);
  }
  if (typeof spec.vote !== 'function') throw new ConfigError(`LF "${spec.name}" has no vote function`);
  return Object.freeze({
    name: spec.name,
    pre: Object.freeze([...(spec.pre ?? [])]),
    resources: spec.resources as R,
    description: spec.description,
    ...(spec.columns?.length ? { columns: Object.freeze([...spec.columns]) } : {}),
    vote: spec.vote as (row: Row, resources: R) => Exclude<V, Abstain> | Abstain,
  });
}

/** True for values that look like a LabelingFunction (used when loading user modules). */
export function isLabelingFunction(x: unknown): x is LabelingFunction {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as LabelingFunction).name === 'string' &&
    typeof (x as LabelingFunction).vote === 'function' &&
    Array.isArray((x as LabelingFunction).pre)
  );
}

export { ABSTAIN };
