import { ConfigError } from '../util/errors.js';
import type { LabelingFunction } from './labeling-function.js';

/**
 * Columns that LFs read by name (`field: 'text'` in the builders) must exist in the data. A missing column is
 * almost always a typo or the wrong file, and the builders would otherwise abstain on every row without a word.
 * Per-row absence stays an abstain (JSON Lines rows may omit keys); only a column no row has is an error.
 */

/** Column → the LFs that read it. */
export function columnsRead(lfs: readonly Pick<LabelingFunction, 'name' | 'columns'>[]): Map<string, string[]> {
  const wanted = new Map<string, string[]>();
  for (const lf of lfs) for (const c of lf.columns ?? []) wanted.set(c, [...(wanted.get(c) ?? []), lf.name]);
  return wanted;
}

/** The error for columns that no row has: names the LFs, the columns, where, and the columns there are. */
export function missingColumnsError(missing: ReadonlyMap<string, string[]>, where: string, available: readonly string[]): ConfigError {
  const what = [...missing].map(([c, lfs]) => `"${c}" (read by ${lfs.map((n) => `"${n}"`).join(', ')})`).join(', ');
  const cols = available.length ? available.slice(0, 30).join(', ') + (available.length > 30 ? ', …' : '') : 'none';
  return new ConfigError(`${where} has no column ${what}; its columns are: ${cols}`);
}

/** Checks in-memory rows: each column some LF reads must be a key of at least one row (found at row 0 normally). */
export function assertRowsHaveColumns(lfs: readonly Pick<LabelingFunction, 'name' | 'columns'>[], rows: ArrayLike<unknown>): void {
  const wanted = columnsRead(lfs);
  if (wanted.size === 0 || rows.length === 0) return;
  const missing = new Map<string, string[]>();
  for (const [c, names] of wanted) {
    let found = false;
    for (let i = 0; i < rows.length && !found; i++) {
      const r = rows[i];
      found = r !== null && typeof r === 'object' && c in r;
    }
    if (!found) missing.set(c, names);
  }
  if (missing.size) {
    const first = rows[0];
    throw missingColumnsError(missing, 'the data', first !== null && typeof first === 'object' ? Object.keys(first) : []);
  }
}
