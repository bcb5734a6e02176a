import type { Slice } from '../lf/slice-eval.js';
import { ConfigError, DataError } from '../util/errors.js';

export interface ColumnSliceOptions {
  /** Quantile bins for numeric columns and text lengths (default 4: quartiles). */
  bins?: number;
  /** Most categories kept for a categorical column; the rarest beyond it are lumped into `col=(other)` (default 50). */
  maxCategories?: number;
  /** The data file, named in errors. */
  source?: string;
}

const MISSING = '(missing)';
const isMissing = (v: unknown) => v === null || v === undefined || v === '';

/**
 * Slices from a metadata column, for `--by`: a categorical column gives one slice per value (`source=amazon`); a
 * numeric one (every non-empty value a number, more distinct values than bins) is cut at its quantiles
 * (`stars in [3, 4)`); `length:<col>` cuts the text length of `col` in characters at its quantiles. Empty cells form
 * their own `=(missing)` slice. A column no row has, or with a single value, is an error naming it.
 */
export function slicesByColumn(
  rows: readonly Record<string, unknown>[],
  spec: string,
  options: ColumnSliceOptions = {},
): { slices: Slice[]; notes: string[] } {
  const bins = options.bins ?? 4;
  const maxCategories = options.maxCategories ?? 50;
  if (!Number.isInteger(bins) || bins < 2) throw new ConfigError(`bins must be an integer ≥ 2, got ${bins}`);
  if (!Number.isInteger(maxCategories) || maxCategories < 2) throw new ConfigError(`maxCategories must be an integer ≥ 2, got ${maxCategories}`);
  const isLength = spec.startsWith('length:');
  const column = isLength ? spec.slice('length:'.length) : spec;
  const fail = (what: string) => (options.source ? new DataError(options.source, what) : new ConfigError(what));
  const n = rows.length;
  if (n === 0) throw fail(`no rows to slice by "${spec}"`);
  if (!rows.some((r) => Object.hasOwn(r, column))) {
    throw fail(`cannot slice by "${column}": no such column; columns are ${Object.keys(rows[0]).join(', ')}`);
  }
  const notes: string[] = [];
  if (isLength) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = rows[i][column];
      values[i] = isMissing(v) ? 0 : String(v).length;
    }
    const slices = quantileSlices(values, new Uint8Array(n), bins, `length(${column})`, 'length');
    if (slices.length < 2) throw fail(`cannot slice by "${spec}": every row has the same text length`);
    return { slices, notes };
  }
  // Numeric when every non-empty value is a finite number.
  let numeric = true;
  const values = new Float64Array(n);
  const missing = new Uint8Array(n);
  for (let i = 0; i < n && numeric; i++) {
    const v = rows[i][column];
    if (isMissing(v)) {
      missing[i] = 1;
      continue;
    }
    const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(x)) numeric = false;
    else values[i] = x;
  }
  if (numeric) {
    const distinct = new Set<number>();
    for (let i = 0; i < n && distinct.size <= bins; i++) if (!missing[i]) distinct.add(values[i]);
    if (distinct.size > bins) return { slices: quantileSlices(values, missing, bins, column, 'column'), notes };
  }
  const ids = new Int32Array(n);
  const index = new Map<string, number>();
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = rows[i][column];
    const key = isMissing(v) ? MISSING : String(v);
    let id = index.get(key);
    if (id === undefined) {
      id = names.length;
      index.set(key, id);
      names.push(key);
    }
    ids[i] = id;
  }
  if (names.length < 2) throw fail(`cannot slice by "${column}": every row has the same value ${JSON.stringify(names[0])}`);
  const sizes = new Int32Array(names.length);
  for (let i = 0; i < n; i++) sizes[ids[i]]++;
  let order = names.map((_, c) => c).sort((a, b) => sizes[b] - sizes[a] || (names[a] < names[b] ? -1 : 1));
  const lumped = order.length > maxCategories ? order.slice(maxCategories - 1) : [];
  if (lumped.length) {
    notes.push(`${column} has ${names.length} values; the ${lumped.length} rarest are lumped into ${column}=(other)`);
    order = order.slice(0, maxCategories - 1);
  }
  const slot = new Int32Array(names.length).fill(order.length);
  order.forEach((c, s) => (slot[c] = s));
  const masks = Array.from({ length: order.length + (lumped.length ? 1 : 0) }, () => new Uint8Array(n));
  for (let i = 0; i < n; i++) masks[slot[ids[i]]][i] = 1;
  const sliceNames = [...order.map((c) => `${column}=${names[c]}`), ...(lumped.length ? [`${column}=(other)`] : [])];
  return { slices: sliceNames.map((name, s) => ({ name, mask: masks[s], source: 'column' as const, errors: 0 })), notes };
}

/** Quantile bins [lo, hi) of the non-missing values (the last bin closed), plus a missing slice when any is missing. */
function quantileSlices(values: Float64Array, missing: Uint8Array, bins: number, label: string, source: 'column' | 'length'): Slice[] {
  const n = values.length;
  const present: number[] = [];
  for (let i = 0; i < n; i++) if (!missing[i]) present.push(values[i]);
  const sorted = Float64Array.from(present).sort();
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const c = sorted[Math.floor((b * sorted.length) / bins)];
    if (c > sorted[0] && (cuts.length === 0 || c > cuts[cuts.length - 1])) cuts.push(c);
  }
  const edges = [sorted[0], ...cuts, sorted[sorted.length - 1]];
  const masks = Array.from({ length: cuts.length + 1 }, () => new Uint8Array(n));
  const missingMask = new Uint8Array(n);
  let anyMissing = false;
  for (let i = 0; i < n; i++) {
    if (missing[i]) {
      missingMask[i] = 1;
      anyMissing = true;
      continue;
    }
    let b = 0;
    while (b < cuts.length && values[i] >= cuts[b]) b++;
    masks[b][i] = 1;
  }
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4));
  const out: Slice[] = masks.map((mask, b) => ({
    name: `${label} in [${fmt(edges[b])}, ${fmt(edges[b + 1])}${b === cuts.length ? ']' : ')'}`,
    mask,
    source,
    errors: 0,
  }));
  if (anyMissing) out.push({ name: `${label}=${MISSING}`, mask: missingMask, source, errors: 0 });
  return out;
}
