/**
 * MinHash signatures of character shingles, computed with one-permutation hashing (OPH) and optimal densification:
 * each shingle is hashed once, the hash's top bits pick one of K bins and the bin keeps its minimum; an empty bin
 * borrows the value of the first non-empty bin on a fixed pseudo-random probe sequence. Two signatures agree in a
 * bin with probability equal to the Jaccard similarity of the shingle sets, as with K independent hash functions,
 * but the cost is O(shingles + K) per text instead of O(shingles · K). 32-bit integer hashing only (Math.imul).
 */

const M1 = 0x85ebca6b | 0;
const M2 = 0xc2b2ae35 | 0;
const GOLDEN = 0x9e3779b1 | 0;
const ROLL_BASE = 0x01000193;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, M1);
  h ^= h >>> 13;
  h = Math.imul(h, M2);
  return h ^ (h >>> 16);
}

/**
 * Hashes of the `width`-character shingles of `codes[0..len)` into `out` (grown as needed); returns the count.
 * A text shorter than one shingle is a single shingle of its own; an empty text has none.
 */
export function shingleHashes(codes: Uint16Array, len: number, width: number, out: { hashes: Int32Array }): number {
  if (len === 0) return 0;
  const count = Math.max(1, len - width + 1);
  if (out.hashes.length < count) out.hashes = new Int32Array(count * 2);
  const hashes = out.hashes;
  const w = Math.min(width, len);
  // Polynomial rolling hash (base B, mod 2^32), then a finalizer so the top bits are well mixed for OPH bins.
  let outWeight = 1;
  for (let q = 1; q < w; q++) outWeight = Math.imul(outWeight, ROLL_BASE);
  let h = 0;
  for (let q = 0; q < w; q++) h = (Math.imul(h, ROLL_BASE) + codes[q]) | 0;
  hashes[0] = fmix(h ^ w);
  for (let p = 1; p < count; p++) {
    h = (Math.imul((h - Math.imul(codes[p - 1], outWeight)) | 0, ROLL_BASE) + codes[p + w - 1]) | 0;
    hashes[p] = fmix(h ^ w);
  }
  return count;
}

/** Valid signature sizes: powers of two, so a hash's top bits pick the bin. */
export function checkNumHashes(k: number): number {
  if (!Number.isInteger(k) || k < 16 || k > 1024 || (k & (k - 1)) !== 0) {
    throw new RangeError(`numHashes must be a power of two between 16 and 1024, got ${k}`);
  }
  return k;
}

/**
 * The OPH signature of a shingle-hash set into `sig` (length K, a power of two). `filled` is scratch of length K.
 * Returns false when there are no shingles (nothing to compare).
 */
export function ophSignature(hashes: Int32Array, count: number, sig: Int32Array, filled: Uint8Array): boolean {
  const K = sig.length;
  if (count === 0) return false;
  const shift = 32 - Math.log2(K);
  const valueMask = (1 << shift) - 1;
  // Values are < 2^shift, so EMPTY marks an unfilled bin: one well-predicted comparison in the hot loop instead of
  // a "filled" test plus a comparison (which mispredicts and doubled the time).
  sig.fill(EMPTY);
  for (let p = 0; p < count; p++) {
    const h = hashes[p];
    const bin = h >>> shift;
    const v = h & valueMask;
    if (v < sig[bin]) sig[bin] = v;
  }
  densify(sig, filled, shift);
  return true;
}

/**
 * The OPH signature straight from normalized code units: the same values as `shingleHashes` + `ophSignature`, in one
 * pass without materializing the shingle hashes (the dedupe pass computes a million of these).
 */
export function ophSignatureOfCodes(codes: Uint16Array, len: number, width: number, sig: Int32Array, filled: Uint8Array): boolean {
  if (len === 0) return false;
  const K = sig.length;
  const shift = 32 - Math.log2(K);
  const valueMask = (1 << shift) - 1;
  sig.fill(EMPTY);
  const count = Math.max(1, len - width + 1);
  const w = Math.min(width, len);
  let outWeight = 1;
  for (let q = 1; q < w; q++) outWeight = Math.imul(outWeight, ROLL_BASE);
  let h = 0;
  for (let q = 0; q < w; q++) h = (Math.imul(h, ROLL_BASE) + codes[q]) | 0;
  for (let p = 0; p < count; p++) {
    if (p > 0) h = (Math.imul((h - Math.imul(codes[p - 1], outWeight)) | 0, ROLL_BASE) + codes[p + w - 1]) | 0;
    const x = fmix(h ^ w);
    const bin = x >>> shift;
    const v = x & valueMask;
    if (v < sig[bin]) sig[bin] = v;
  }
  densify(sig, filled, shift);
  return true;
}

const EMPTY = 0x7fffffff;

/**
 * Optimal densification (Shrivastava 2017): an empty bin copies the first originally non-empty bin on a probe
 * sequence that depends only on (bin, attempt), so every text fills the same empty bin from the same place. The
 * first 4K probes of every bin come from a precomputed table (a short text leaves most bins empty and needs many).
 */
function densify(sig: Int32Array, filled: Uint8Array, shift: number): void {
  const K = sig.length;
  let empty = 0;
  for (let j = 0; j < K; j++) {
    const f = sig[j] === EMPTY ? 0 : 1;
    filled[j] = f;
    empty += 1 - f;
  }
  if (empty === 0) return;
  const table = probeTable(K, shift);
  const P = 4 * K;
  for (let j = 0; j < K; j++) {
    if (filled[j] === 1) continue;
    let src = -1;
    for (let a = 0, at = j * P; a < P; a++, at++) {
      if (filled[table[at]] === 1) {
        src = table[at];
        break;
      }
    }
    for (let attempt = P + 1; src < 0; attempt++) {
      const b = probe(j, attempt, shift);
      if (filled[b] === 1) src = b;
    }
    sig[j] = sig[src];
  }
}

function probe(bin: number, attempt: number, shift: number): number {
  return fmix(Math.imul(bin + 1, GOLDEN) ^ Math.imul(attempt, M2)) >>> shift;
}

const probeTables = new Map<number, Uint16Array>();
function probeTable(K: number, shift: number): Uint16Array {
  let t = probeTables.get(K);
  if (!t) {
    const P = 4 * K;
    t = new Uint16Array(K * P);
    for (let j = 0; j < K; j++) for (let a = 1; a <= P; a++) t[j * P + a - 1] = probe(j, a, shift);
    probeTables.set(K, t);
  }
  return t;
}

/** Hash of band `b` (rows r values starting at b·r) of a signature; the band number is mixed in. */
export function bandKey(sig: Int32Array, band: number, rows: number): number {
  let h = fmix(Math.imul(band + 1, GOLDEN));
  const start = band * rows;
  for (let t = start; t < start + rows; t++) h = Math.imul(h ^ sig[t], M1) ^ (h >>> 15);
  return fmix(h);
}

/** Probability that two texts of Jaccard similarity s share at least one band: 1 − (1 − s^r)^b. */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - (1 - s ** rows) ** bands;
}

/**
 * LSH banding for a similarity threshold: the most rows per band (fewest chance collisions) that still make a pair
 * at the threshold a candidate with probability ≥ `recall`. Bands = ⌊numHashes / rows⌋; leftover hashes are unused.
 */
export function chooseBands(numHashes: number, threshold: number, recall = 0.98): { bands: number; rows: number } {
  let best = { bands: numHashes, rows: 1 };
  for (let rows = 1; rows <= numHashes; rows++) {
    const bands = Math.floor(numHashes / rows);
    if (candidateProbability(threshold, bands, rows) >= recall) best = { bands, rows };
  }
  return best;
}

/** Exact Jaccard similarity of two sorted, de-duplicated hash lists. */
export function jaccardSorted(a: Int32Array, na: number, b: Int32Array, nb: number): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < na && j < nb) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = na + nb - inter;
  return union === 0 ? 1 : inter / union;
}

/** Sorts `a[0..n)` in place and removes repeats; returns the new length. */
export function sortUnique(a: Int32Array, n: number): number {
  const view = a.subarray(0, n);
  view.sort();
  let u = 0;
  for (let i = 0; i < n; i++) if (i === 0 || view[i] !== view[u - 1]) view[u++] = view[i];
  return u;
}
