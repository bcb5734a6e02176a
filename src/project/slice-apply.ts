import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { ColumnCache, readColumnRange } from './cache.js';
import type { DiscoveredSlice } from './slice-discovery.js';
import { evaluateSlices, type EvaluateSlicesOptions, type Slice } from '../lf/slice-eval.js';

export type { Slice, EvaluateSlicesOptions };

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
export function evaluateSlicesCached(
  rows: ArrayLike<unknown>,
  discovered: readonly DiscoveredSlice[],
  options: CachedSliceOptions,
): { slices: Slice[]; cached: string[] } {
  const cache = new ColumnCache(options.cacheDir);
  const dataHash = cache.dataHash(options.dataFile);
  const n = rows.length;
  const onError = options.onError ?? 'error';
  const keys = discovered.map((d) =>
    d.codeHash === null
      ? null
      : createHash('sha256')
          .update(JSON.stringify({ slice: d.name, code: d.codeHash, data: dataHash, n }))
          .digest('hex'),
  );
  const hits = keys.map((key) => {
    const hit = key ? cache.lookup(key, n) : undefined;
    return hit && !(onError === 'error' && hit.errors > 0) ? hit : undefined;
  });
  const todo = discovered.filter((_, s) => !hits[s]);
  const fresh = evaluateSlices(
    rows,
    todo.map((d) => d.slice),
    options,
  );
  const out: Slice[] = [];
  const cached: string[] = [];
  let q = 0;
  const run: { lfs: Record<string, { key: string | null; code: string | null; data: string }>; at: string } = {
    lfs: {},
    at: new Date().toISOString(),
  };
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
