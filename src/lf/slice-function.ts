import { ConfigError } from '../util/errors.js';
import type { Preprocessor } from './preprocessor.js';

/**
 * A slice function: a pure function of one row saying whether the row belongs to a named subset of the data (short
 * reviews, comments with a link, one source). Written and discovered like labeling functions; `ballot slices` reports
 * how the LFs and the label model do inside each slice.
 */
export interface SliceFunction<Row = any, R = unknown> {
  readonly name: string;
  /** Marks slice functions apart from LFs when modules are loaded (both are plain frozen objects). */
  readonly kind: 'slice';
  readonly pre: readonly Preprocessor[];
  readonly resources: R;
  readonly description?: string;
  /** Data columns the slice reads by name: checked to exist before evaluating. */
  readonly columns?: readonly string[];
  test(row: Row, resources: R): boolean;
}

export interface SliceFunctionSpec<Row, R> {
  name: string;
  /** True when the row is in the slice. */
  test(row: Row, resources: R): boolean;
  pre?: readonly Preprocessor[];
  resources?: R;
  description?: string;
  columns?: readonly string[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:=-]*$/;

/** Defines a slice function. Its name must be unique among the slices evaluated together. */
export function sliceFunction<Row = any, R = undefined>(spec: SliceFunctionSpec<Row, R>): SliceFunction<Row, R> {
  if (typeof spec.name !== 'string' || !NAME_RE.test(spec.name)) {
    throw new ConfigError(`slice name ${JSON.stringify(spec.name)} is invalid: use letters, digits, _ . : = - (not starting with a digit)`);
  }
  if (typeof spec.test !== 'function') throw new ConfigError(`slice "${spec.name}" has no test function`);
  return Object.freeze({
    name: spec.name,
    kind: 'slice' as const,
    pre: Object.freeze([...(spec.pre ?? [])]),
    resources: spec.resources as R,
    description: spec.description,
    ...(spec.columns?.length ? { columns: Object.freeze([...spec.columns]) } : {}),
    test: spec.test,
  });
}

/** True for values that look like a SliceFunction (used when loading user modules). */
export function isSliceFunction(x: unknown): x is SliceFunction {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as SliceFunction).kind === 'slice' &&
    typeof (x as SliceFunction).name === 'string' &&
    typeof (x as SliceFunction).test === 'function' &&
    Array.isArray((x as SliceFunction).pre)
  );
}
