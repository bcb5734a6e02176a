import { ConfigError, DataError, describeError } from '../util/errors.js';
import { assertRowsHaveColumns } from './columns.js';
import type { Preprocessor } from './preprocessor.js';
import type { SliceFunction } from './slice-function.js';

/** One slice: a name and a 0/1 membership mask over the rows (where it came from, for reports). */
export interface Slice {
  name: string;
  /** 1 = the row is in the slice. Length n. */
  mask: Uint8Array;
  source: 'function' | 'column' | 'length';
  /** Rows where the slice function threw and was counted as "not in the slice" (onError 'abstain'). */
  errors: number;
}

export interface EvaluateSlicesOptions {
  /** `error` (default): the first throw stops with the slice's name and row. `abstain`: the row is out of the slice, counted. */
  onError?: 'error' | 'abstain';
  /** Named in errors (the data file). */
  source?: string;
}

/** Evaluates slice functions on rows (preprocessors memoized per row, as for LFs); returns one mask per slice. */
export function evaluateSlices(rows: ArrayLike<unknown>, slices: readonly SliceFunction[], options: EvaluateSlicesOptions = {}): Slice[] {
  const seen = new Set<string>();
  for (const s of slices) {
    if (seen.has(s.name)) throw new ConfigError(`two slice functions are named "${s.name}"; slice names must be unique`);
    seen.add(s.name);
  }
  assertRowsHaveColumns(slices, rows);
  const onError = options.onError ?? 'error';
  const n = rows.length;
  const masks = slices.map(() => new Uint8Array(n));
  const errors = new Int32Array(slices.length);
  const cache = new Map<Preprocessor, unknown>();
  const anyPre = slices.some((s) => s.pre.length > 0);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (anyPre) cache.clear();
    for (let s = 0; s < slices.length; s++) {
      const sf = slices[s];
      let v: unknown;
      try {
        let x: unknown = row;
        for (const p of sf.pre) {
          if (cache.has(p)) x = cache.get(p);
          else {
            x = p.map(x);
            if (x === undefined || x === null) throw new Error(`preprocessor "${p.name}" returned ${x}`);
            cache.set(p, x);
          }
        }
        v = sf.test(x, sf.resources);
      } catch (e) {
        if (onError === 'abstain') {
          errors[s]++;
          continue;
        }
        const what = `slice function "${sf.name}" failed on row ${i}: ${describeError(e)}`;
        throw options.source ? new DataError(options.source, what, { row: i }, { cause: e }) : new ConfigError(what, { cause: e });
      }
      // A non-boolean answer is a bug in the slice (e.g. a missing return), never "not in the slice".
      if (typeof v !== 'boolean') {
        throw new ConfigError(
          `slice function "${sf.name}" returned ${v === undefined ? 'undefined' : JSON.stringify(v)} on row ${i}; it must return true or false`,
        );
      }
      if (v) masks[s][i] = 1;
    }
  }
  return slices.map((sf, s) => ({ name: sf.name, mask: masks[s], source: 'function' as const, errors: errors[s] }));
}
