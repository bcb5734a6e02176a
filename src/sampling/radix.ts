/**
 * Stable LSD radix sort of `items` by 32-bit `keys` (parallel arrays, length n), two 16-bit passes. Returns the
 * sorted copies. Sequential passes instead of millions of random hash-table probes: this is what makes LSH
 * bucketing of 1M rows cheap.
 */
export function radixSortByKey(keys: Int32Array, items: Int32Array): { keys: Int32Array; items: Int32Array } {
  const n = keys.length;
  let kIn: Int32Array = keys;
  let iIn: Int32Array = items;
  let kOut: Int32Array = new Int32Array(n);
  let iOut: Int32Array = new Int32Array(n);
  const counts = new Int32Array(65537);
  for (let shift = 0; shift < 32; shift += 16) {
    counts.fill(0);
    for (let p = 0; p < n; p++) counts[((kIn[p] >>> shift) & 0xffff) + 1]++;
    for (let d = 1; d <= 65536; d++) counts[d] += counts[d - 1];
    for (let p = 0; p < n; p++) {
      const d = (kIn[p] >>> shift) & 0xffff;
      const at = counts[d]++;
      kOut[at] = kIn[p];
      iOut[at] = iIn[p];
    }
    const tk = kIn === keys ? new Int32Array(n) : kIn;
    const ti = iIn === items ? new Int32Array(n) : iIn;
    kIn = kOut;
    iIn = iOut;
    kOut = tk;
    iOut = ti;
  }
  return { keys: kIn, items: iIn };
}
