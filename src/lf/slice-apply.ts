import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { ConfigError, DataError, describeError } from '../util/errors.js';
import { ColumnCache, readColumnRange } from './cache.js';
import { assertRowsHaveColumns } from './columns.js';
import type { Preprocessor } from './preprocessor.js';
import type { DiscoveredSlice } from './slice-discovery.js';
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
        throw new ConfigError(`slice function "${sf.name}" returned ${v === undefined ? 'undefined' : JSON.stringify(v)} on row ${i}; it must return true or false`);
      }
      if (v) masks[s][i] = 1;
    }
  }
  return slices.map((sf, s) => ({ name: sf.name, mask: masks[s], source: 'function' as const, errors: errors[s] }));
}

export interface CachedSliceOptions extends EvaluateSlicesOptions {
  /** The data file the rows were read from: its bytes key the cache. */
  dataFile: string;
  /** Cache directory (e.g. `.ballot-cache/slices`); masks of slices whose fingerprint and data are unchanged are reused. */
  cacheDir: string;
}

/**
 * `evaluateSlices` with a per-slice cache like the LF column cache: one file per slice keyed by its code fingerprint,
 * its name and the data file's hash. Slices without a fingerprint are always evaluated. Returns the slices and which
 * ones came from the cache.
 */
export function evaluateSlicesCached(rows: ArrayLike<unknown>, discovered: readonly DiscoveredSlice[], options: CachedSliceOptions): { slices: Slice[]; cached: string[] } {
  const cache = new ColumnCache(options.cacheDir);
  const dataHash = cache.dataHash(options.dataFile);
  const n = rows.length;
  const onError = options.onError ?? 'error';
  const keys = discovered.map((d) =>
    d.codeHash === null ? null : createHash('sha256').update(JSON.stringify({ slice: d.name, code: d.codeHash, data: dataHash, n })).digest('hex'));
  const hits = keys.map((key) => {
    const hit = key ? cache.lookup(key, n) : undefined;
    return hit && !(onError === 'error' && hit.errors > 0) ? hit : undefined;
  });
  const todo = discovered.filter((_, s) => !hits[s]);
  const fresh = evaluateSlices(rows, todo.map((d) => d.slice), options);
  const out: Slice[] = [];
  const cached: string[] = [];
  let q = 0;
  const run: { lfs: Record<string, { key: string | null; code: string | null; data: string }>; at: string } = { lfs: {}, at: new Date().toISOString() };
  discovered.forEach((d, s) => {
    const hit = hits[s];
    run.lfs[d.name] = { key: keys[s], code: d.codeHash, data: dataHash };
    if (hit) {
      const col = new Int8Array(n);
      const fd = openSync(hit.path, 'r');
      try {
        readColumnRange(fd, 0, col);
      } finally {
        closeSync(fd);
      }
      out.push({ name: d.name, mask: new Uint8Array(col.buffer), source: 'function', errors: hit.errors });
      cached.push(d.name);
      return;
    }
    const slice = fresh[q++];
    out.push(slice);
    const key = keys[s];
    if (key) {
      const w = cache.createWriter(key);
      try {
        w.write(0, new Int8Array(slice.mask.buffer, slice.mask.byteOffset, n));
        w.finish(n, slice.errors);
      } catch (e) {
        w.abort();
        throw e;
      }
    }
  });
  cache.commit(`slices:${options.dataFile}`, run);
  return { slices: out, cached };
}
