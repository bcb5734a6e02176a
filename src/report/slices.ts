import type { Row } from '../data/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import type { SliceHeadline, SliceSection } from './types.js';

/** Slices shown at most; the rest are folded into `omitted` (counted, not dropped silently). */
export const MAX_SLICES = 100;

/** The slice value of a cell: empty and missing cells are one slice, "(empty)". */
function sliceValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  return typeof v === 'string' ? v : String(v);
}

/**
 * Headline numbers per value of one column: rows, coverage, conflict, and with gold the label model's accuracy.
 * Largest slices first; past `maxSlices` values the rest are counted in `omitted`.
 */
export function sliceHeadlines(
  L: LabelMatrix,
  rows: readonly Row[],
  column: string,
  top: Int32Array,
  gold: ArrayLike<number> | null,
  maxSlices = MAX_SLICES,
): SliceSection {
  if (rows.length !== L.n) throw new ConfigError(`slices: ${rows.length} data rows for a label matrix of ${L.n} rows`);
  if (rows.length > 0 && !rows.some((r) => column in r)) throw new ConfigError(`slices: no column "${column}" in the data rows`);
  const { n, m, votes } = L;
  const index = new Map<string, number>();
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = sliceValue(rows[i][column]);
    let id = index.get(v);
    if (id === undefined) index.set(v, (id = index.size));
    ids[i] = id;
  }
  const s = index.size;
  const count = new Int32Array(s),
    covered = new Int32Array(s),
    conflicted = new Int32Array(s);
  const withGold = new Int32Array(s),
    right = new Int32Array(s);
  for (let i = 0, base = 0; i < n; i++, base += m) {
    const id = ids[i];
    count[id]++;
    let min = 127,
      max = -1;
    for (let j = 0; j < m; j++) {
      const v = votes[base + j];
      if (v < 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max >= 0) covered[id]++;
    if (max >= 0 && min !== max) conflicted[id]++;
    if (gold && gold[i] >= 0) {
      withGold[id]++;
      if (top[i] === gold[i]) right[id]++;
    }
  }
  const all: SliceHeadline[] = [...index].map(([value, id]) => ({
    value,
    rows: count[id],
    coverage: covered[id] / count[id],
    conflict: conflicted[id] / count[id],
    ...(gold && withGold[id] > 0 ? { labelModelAccuracy: right[id] / withGold[id] } : {}),
    n_gold: withGold[id],
  }));
  all.sort((a, b) => b.rows - a.rows || (a.value < b.value ? -1 : 1));
  const shown = all.slice(0, maxSlices);
  const rest = all.slice(maxSlices);
  return {
    column,
    slices: shown,
    ...(rest.length ? { omitted: { values: rest.length, rows: rest.reduce((t, x) => t + x.rows, 0) } } : {}),
  };
}
