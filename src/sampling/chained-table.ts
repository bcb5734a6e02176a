/**
 * A hash multimap from 32-bit keys to entry ids 0..capacity-1, in two typed arrays (no per-entry objects), for
 * millions of entries. Walk a key's entries with `first(key)` / `after(entry)` and compare `keyOf(entry)` yourself.
 * An entry's key and chain link sit side by side, so a lookup costs about two cache misses (the table is far larger
 * than the cache at 1M rows × 8 LSH bands, and misses are what the dedupe pass spends its time on).
 */
export class ChainedTable {
  private readonly slots: Int32Array;
  private readonly heads: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.heads = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    this.slots = new Int32Array(2 * Math.max(1, capacity));
  }

  add(entry: number, key: number): void {
    const h = key & this.mask;
    this.slots[2 * entry] = key;
    this.slots[2 * entry + 1] = this.heads[h];
    this.heads[h] = entry;
  }

  /** The most recently added entry whose key shares `key`'s slot, or -1. */
  first(key: number): number {
    return this.heads[key & this.mask];
  }

  after(entry: number): number {
    return this.slots[2 * entry + 1];
  }

  keyOf(entry: number): number {
    return this.slots[2 * entry];
  }
}
