import { ABSTAIN, type LabelSpace } from '../matrix/labels.js';
import { DataError } from '../util/errors.js';
import type { Row } from './types.js';

export interface GoldOptions {
  /** Map empty/null/missing values and -1 to -1 (unlabeled) instead of throwing. Default false. */
  allowMissing?: boolean;
  /** Index in the file of rows[0] (a batch of a streamed read), so errors name the row in the file. */
  rowOffset?: number;
}

/**
 * Reads a column of gold labels as class indices (Int32Array, -1 = missing when allowed).
 * A value may be a class name ("SPAM") or a class index (1 or "1"); a class name wins when both could apply.
 * Anything else throws a DataError naming the file, the row, the value and the valid labels.
 */
export function readGoldLabels(rows: readonly Row[], column: string, labels: LabelSpace, file: string, options: GoldOptions = {}): Int32Array {
  const n = rows.length;
  const out = new Int32Array(n);
  if (n > 0 && !rows.some((r) => column in r)) {
    throw new DataError(file, `no gold label column "${column}"; columns are ${Object.keys(rows[0]).join(', ')}`);
  }
  const valid = () => `valid labels are ${labels.names.map((name, i) => `${name} (${i})`).join(', ')}`;
  // Cache by value: gold columns repeat a handful of distinct values.
  const cache = new Map<unknown, number>();
  const rowOffset = options.rowOffset ?? 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][column];
    let y = cache.get(v);
    if (y === undefined) {
      y = classOf(v, labels);
      if (y === undefined) {
        throw new DataError(file, `gold label ${JSON.stringify(v)} in column "${column}" is not a class; ${valid()}`, { row: rowOffset + i });
      }
      if (y === ABSTAIN && !options.allowMissing) {
        throw new DataError(
          file,
          `gold label missing in column "${column}" (value ${JSON.stringify(v ?? null)}); ${valid()}, or allow missing labels`,
          { row: rowOffset + i },
        );
      }
      cache.set(v, y);
    }
    out[i] = y;
  }
  return out;
}

/** Class index of a gold value, -1 for missing, undefined when it is not a class. */
function classOf(v: unknown, labels: LabelSpace): number | undefined {
  if (v === null || v === undefined) return ABSTAIN;
  if (typeof v === 'string') {
    const exact = labels.indexOf(v);
    if (exact >= 0) return exact;
    const s = v.trim();
    if (s === '') return ABSTAIN;
    const byName = labels.indexOf(s);
    if (byName >= 0) return byName;
    if (/^-?\d+$/.test(s)) return indexValue(Number(s), labels.k);
    return undefined;
  }
  if (typeof v === 'number' || typeof v === 'bigint') return indexValue(Number(v), labels.k);
  return undefined;
}

function indexValue(x: number, k: number): number | undefined {
  if (x === -1) return ABSTAIN;
  return Number.isInteger(x) && x >= 0 && x < k ? x : undefined;
}
