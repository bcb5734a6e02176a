import { ConfigError } from '../util/errors.js';
import { dataProblem, TIE_CLASS } from './context.js';
import type { SampleContext, StratifyBy } from './types.js';

export const MISSING_STRATUM = '(missing)';

export interface Strata {
  /** Stratum id of every row (0..names.length-1). */
  ids: Int32Array;
  /** Stratum names: classes in label order (then '(tie)') for 'class'; otherwise sorted by name. */
  names: string[];
}

/**
 * Assigns each row to a stratum: its predicted class ('class'), the value of a column, or the result of a function.
 * Missing values (null, undefined, '') form their own stratum, '(missing)'. Column values are compared as strings.
 */
export function strataOf(ctx: SampleContext, by: StratifyBy): Strata {
  const { n } = ctx;
  const ids = new Int32Array(n);
  if (by === 'class') {
    const names = [...ctx.labels, TIE_CLASS];
    for (let i = 0; i < n; i++) ids[i] = ctx.preds[i] < 0 ? ctx.k : ctx.preds[i];
    return compact(ids, names);
  }
  let keyOf: (i: number) => unknown;
  if (typeof by === 'string' && by.startsWith('slice:')) return sliceStrata(ctx, by.slice('slice:'.length));
  if (typeof by === 'function') {
    keyOf = (i) => by(ctx.rows?.[i], i, ctx);
  } else {
    const rows = ctx.rows;
    if (!rows) throw new ConfigError(`cannot stratify by column "${by}": no data rows were given (pass rows, or use by: 'class')`);
    if (n > 0 && !rows.some((r) => Object.hasOwn(r, by))) {
      const cols = Object.keys(rows[0] ?? {});
      throw dataProblem(ctx.rowsSource, `cannot stratify by "${by}": no such column; columns are ${cols.join(', ')} (or use by: 'class')`);
    }
    keyOf = (i) => rows[i][by];
  }
  const index = new Map<string, number>();
  const firstSeen: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = keyOf(i);
    const key = v === null || v === undefined || v === '' ? MISSING_STRATUM : String(v);
    let id = index.get(key);
    if (id === undefined) {
      id = firstSeen.length;
      index.set(key, id);
      firstSeen.push(key);
    }
    ids[i] = id;
  }
  // Sort names (ordinal, not locale) so stratum order does not depend on row order.
  const sorted = [...firstSeen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(sorted.map((name, r) => [name, r]));
  const remap = Int32Array.from(firstSeen, (name) => rank.get(name)!);
  for (let i = 0; i < n; i++) ids[i] = remap[ids[i]];
  return { ids, names: sorted };
}

/** Drops strata with no rows (e.g. the '(tie)' stratum when nothing is tied), renumbering the rest. */
function compact(ids: Int32Array, names: string[]): Strata {
  const used = new Uint8Array(names.length);
  for (let i = 0; i < ids.length; i++) used[ids[i]] = 1;
  const remap = new Int32Array(names.length).fill(-1);
  const kept: string[] = [];
  names.forEach((name, s) => {
    if (used[s]) {
      remap[s] = kept.length;
      kept.push(name);
    }
  });
  for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]];
  return { ids, names: kept };
}

/** Two strata for a slice: its rows ('<name>') and the others ('not <name>'), dropping an empty one. */
function sliceStrata(ctx: SampleContext, name: string): Strata {
  const mask = ctx.slices?.get(name);
  if (!mask) {
    const known = [...(ctx.slices?.keys() ?? [])];
    throw new ConfigError(
      `cannot stratify by slice "${name}": ${known.length ? `no such slice; slices are ${known.join(', ')}` : 'no slices were given (pass slice functions)'}`,
    );
  }
  const ids = new Int32Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) ids[i] = mask[i] ? 0 : 1;
  return compact(ids, [name, `not ${name}`]);
}
