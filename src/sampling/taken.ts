import { ConfigError } from '../util/errors.js';

/** A 0/1 mask of n rows from a Uint8Array mask (copied) or a list/set of row indices. */
export function toTakenMask(n: number, exclude?: Iterable<number> | Uint8Array): Uint8Array {
  if (exclude instanceof Uint8Array) {
    if (exclude.length !== n) throw new ConfigError(`exclude mask has ${exclude.length} entries for ${n} rows`);
    return Uint8Array.from(exclude, (x) => (x ? 1 : 0));
  }
  const taken = new Uint8Array(n);
  if (exclude) {
    for (const i of exclude) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new ConfigError(`exclude has row ${i}, outside 0..${n - 1}`);
      taken[i] = 1;
    }
  }
  return taken;
}
