import { ConfigError } from '../util/errors.js';
import { dataProblem } from './context.js';
import { ChainedTable } from './chained-table.js';
import { radixSortByKey } from './radix.js';
import { bandKey, checkNumHashes, chooseBands, jaccardSorted, ophSignatureOfCodes, shingleHashes, sortUnique } from './minhash.js';
import { TextNormalizer } from './normalize-text.js';
import type { Row } from './types.js';

export interface DedupeOptions {
  /** Text column(s) to compare. Default: 'text' if the rows have it, else the string column with the longest texts. */
  column?: string | string[];
  /** Also drop near-duplicates (MinHash/LSH). Default true; false keeps only the exact pass. */
  near?: boolean;
  /** Jaccard similarity of character shingle sets at or above which two texts are near-duplicates. Default 0.9. */
  threshold?: number;
  /** MinHash signature size (power of two, 16–1024). Default 64. */
  numHashes?: number;
  /** Shingle width in characters. Default 5. */
  shingle?: number;
  /** LSH bands (rows per band = ⌊numHashes / bands⌋). Default: chosen so a pair at the threshold is found with probability ≥ 0.98. */
  bands?: number;
  /**
   * Most kept rows of one LSH bucket a row is compared with (the most recent ones). Short texts over a small
   * vocabulary put thousands of distinct rows in the same buckets, and comparing each new row with all of them made
   * dedupe quadratic (60k rows 7.4 s, 240k 45.9 s); with the cap the work per row is at most bands × cap. A row whose
   * bucket was cut is counted in `cappedRows`. Default DEFAULT_BUCKET_CAP; Infinity compares with all.
   */
  bucketCap?: number;
}

/** Default `bucketCap`: far above the bucket sizes of ordinary text, so results there are unchanged. */
export const DEFAULT_BUCKET_CAP = 16;

export const DUP_KEPT = 0;
export const DUP_EXACT = 1;
export const DUP_NEAR = 2;

export interface DedupeResult {
  /** The text columns compared. */
  columns: string[];
  /** Per row: -1 when kept, else the index of the earlier kept row it duplicates. */
  duplicateOf: Int32Array;
  /** Per row: DUP_KEPT, DUP_EXACT (same normalized text) or DUP_NEAR (Jaccard ≥ threshold). */
  status: Uint8Array;
  kept: number;
  exact: number;
  near: number;
  threshold: number;
  numHashes: number;
  bands: number;
  rowsPerBand: number;
  /** Rows compared with only the `bucketCap` most recent kept rows of an oversized bucket (0 on ordinary text). */
  cappedRows: number;
}

/**
 * Finds exact duplicates (same normalized text) and near-duplicates (Jaccard similarity of character shingles ≥
 * threshold) in one pass in row order. The first row of each group is kept and every later row points to it, so the
 * result does not depend on any seed. A later row is compared only with kept rows, which keeps LSH buckets small when
 * one text is repeated thousands of times. Candidates from LSH are verified with the exact Jaccard similarity of the
 * two shingle sets, so there are no false positives from the signature's noise. Rows with an empty or missing text
 * are always kept; a text made only of symbols (emoji) is compared exactly, as written.
 */
export function findDuplicates(rows: readonly Row[], options: DedupeOptions = {}, source?: string): DedupeResult {
  const n = rows.length;
  const columns = resolveTextColumns(rows, options.column, source);
  const o = resolveDedupeOptions(options);
  const texts = new RowTexts(rows, columns);
  const duplicateOf = new Int32Array(n).fill(-1);
  const kind = new Uint8Array(n);
  const { exact, nearRows, bandKeys } = exactPass(texts, o, duplicateOf, kind);
  let nearDups = 0;
  let cappedRows = 0;
  if (o.near && nearRows.length > 1) {
    const buckets = bucketRows(bandKeys, nearRows, n, o.bands);
    ({ nearDups, cappedRows } = nearPass(texts, o, nearRows, bandKeys, buckets, options.bucketCap, duplicateOf, kind));
    // An exact duplicate of a row that turned out to be a near-duplicate points to that row's kept representative.
    for (let i = 0; i < n; i++) if (kind[i] === DUP_EXACT && kind[duplicateOf[i]] === DUP_NEAR) duplicateOf[i] = duplicateOf[duplicateOf[i]];
  }
  const { threshold, numHashes, bands, rowsPerBand } = o;
  return {
    columns,
    duplicateOf,
    status: kind,
    kept: n - exact - nearDups,
    exact,
    near: nearDups,
    threshold,
    numHashes,
    bands,
    rowsPerBand,
    cappedRows,
  };
}

interface DedupeSettings {
  threshold: number;
  numHashes: number;
  /** Shingle width. */
  width: number;
  bands: number;
  rowsPerBand: number;
  near: boolean;
}

function resolveDedupeOptions(options: DedupeOptions): DedupeSettings {
  const threshold = options.threshold ?? 0.9;
  if (!(threshold > 0 && threshold <= 1)) throw new ConfigError(`dedupe threshold must be in (0, 1], got ${threshold}`);
  const numHashes = checkNumHashes(options.numHashes ?? 64);
  const width = options.shingle ?? 5;
  if (!Number.isInteger(width) || width < 1 || width > 32) throw new ConfigError(`dedupe shingle width must be a whole number 1–32, got ${width}`);
  let { bands, rows: rowsPerBand } = chooseBands(numHashes, threshold);
  if (options.bands !== undefined) {
    if (!Number.isInteger(options.bands) || options.bands < 1 || options.bands > numHashes) {
      throw new ConfigError(`dedupe bands must be a whole number 1–${numHashes} (numHashes), got ${options.bands}`);
    }
    bands = options.bands;
    rowsPerBand = Math.floor(numHashes / bands);
  }
  return { threshold, numHashes, width, bands, rowsPerBand, near: options.near ?? true };
}

/** The compared text of each row: its text columns joined, normalized into a reusable TextNormalizer. */
class RowTexts {
  constructor(
    private readonly rows: readonly Row[],
    private readonly columns: string[],
  ) {}

  private textOf(i: number): string | null {
    const { rows, columns } = this;
    if (columns.length === 1) return cellText(rows[i][columns[0]]);
    const parts = columns.map((c) => cellText(rows[i][c])).filter((s): s is string => s !== null);
    return parts.length ? parts.join(' ') : null;
  }

  /**
   * Normalized text of row i into `t.buf`. A text with no letters or digits falls back to its lowercased raw form,
   * compared only exactly: `comparable` is false then.
   */
  normalizeRow(i: number, t: TextNormalizer): { length: number; comparable: boolean } {
    const text = this.textOf(i) ?? '';
    const len = t.normalize(text);
    if (len > 0) return { length: len, comparable: true };
    const raw = text.trim().toLowerCase();
    if (t.buf.length < raw.length) t.buf = new Uint16Array(raw.length * 2);
    for (let q = 0; q < raw.length; q++) t.buf[q] = raw.charCodeAt(q);
    t.length = raw.length;
    return { length: raw.length, comparable: false };
  }
}

/**
 * Pass 1, in row order: exact duplicates (hash of the normalized text, confirmed code unit by code unit), and the LSH
 * band keys of every other comparable row (band-major: bandKeys[b·n + i]). Returns the rows that go on to the near pass.
 */
function exactPass(
  texts: RowTexts,
  o: DedupeSettings,
  duplicateOf: Int32Array,
  kind: Uint8Array,
): { exact: number; nearRows: Int32Array; bandKeys: Int32Array } {
  const n = duplicateOf.length;
  const { near, bands, rowsPerBand, width, numHashes } = o;
  const norm = new TextNormalizer();
  const other = new TextNormalizer();
  const exactTable = new ChainedTable(n);
  const secondHash = new Int32Array(n);
  const nearRows = new Int32Array(near ? n : 0);
  let nearCount = 0;
  const keys = new Int32Array(near ? n * bands : 0);
  const sig = new Int32Array(numHashes);
  const filled = new Uint8Array(numHashes);
  let exact = 0;
  for (let i = 0; i < n; i++) {
    const { length: len, comparable } = texts.normalizeRow(i, norm);
    if (len === 0) continue;
    const buf = norm.buf;
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x01000193 ^ len;
    for (let q = 0; q < len; q++) {
      h1 = Math.imul(h1 ^ buf[q], 0x01000193);
      h2 = Math.imul(h2 ^ buf[q], 0x5bd1e995) ^ (h2 >>> 13);
    }
    let rep = -1;
    for (let e: number = exactTable.first(h1); e >= 0; e = exactTable.after(e)) {
      if (exactTable.keyOf(e) !== h1 || secondHash[e] !== h2) continue;
      if (texts.normalizeRow(e, other).length === len && sameCodes(buf, other.buf, len)) {
        rep = e;
        break;
      }
    }
    if (rep >= 0) {
      duplicateOf[i] = rep;
      kind[i] = DUP_EXACT;
      exact++;
      continue;
    }
    exactTable.add(i, h1);
    secondHash[i] = h2;
    if (!near || !comparable) continue;
    bandKeys(buf, len, o, sig, filled, keys, n, i);
    nearRows[nearCount++] = i;
  }
  return { exact, nearRows: nearRows.subarray(0, nearCount), bandKeys: keys };
}

/** The LSH band keys of row i's MinHash signature, into keys[b·n + i] (sig and filled are scratch space). */
function bandKeys(
  buf: Uint16Array,
  len: number,
  o: DedupeSettings,
  sig: Int32Array,
  filled: Uint8Array,
  keys: Int32Array,
  n: number,
  i: number,
): void {
  ophSignatureOfCodes(buf, len, o.width, sig, filled);
  for (let b = 0; b < o.bands; b++) keys[b * n + i] = bandKey(sig, b, o.rowsPerBand);
}

/**
 * Pass 2: sorts each band's keys to find buckets with ≥ 2 rows; most rows sit alone in every band and are never
 * looked at again. Rewrites keys in place into bucketOf[b·n + i] = global bucket id, or -1 for a lone row, and
 * returns the number of buckets.
 */
function bucketRows(keys: Int32Array, pool: Int32Array, n: number, bands: number): number {
  const count = pool.length;
  const bucketOf = keys;
  let buckets = 0;
  const keysOfBand = new Int32Array(count);
  for (let b = 0; b < bands; b++) {
    for (let p = 0; p < count; p++) keysOfBand[p] = keys[b * n + pool[p]];
    const sorted = radixSortByKey(keysOfBand, pool);
    for (let p = 0; p < count; ) {
      let q = p + 1;
      while (q < count && sorted.keys[q] === sorted.keys[p]) q++;
      const id = q - p > 1 ? buckets++ : -1;
      for (let t = p; t < q; t++) bucketOf[b * n + sorted.items[t]] = id;
      p = q;
    }
  }
  return buckets;
}

/**
 * Pass 3, in row order: a row's candidates are the kept rows already in its buckets; the first (lowest index) whose
 * shingle sets have Jaccard ≥ threshold makes it a near-duplicate, otherwise it is kept and joins them.
 */
function nearPass(
  texts: RowTexts,
  o: DedupeSettings,
  pool: Int32Array,
  bucketOf: Int32Array,
  bucketCount: number,
  cap: number | undefined,
  duplicateOf: Int32Array,
  kind: Uint8Array,
): { nearDups: number; cappedRows: number } {
  const n = duplicateOf.length;
  const { bands, width, threshold } = o;
  const norm = new TextNormalizer();
  const other = new TextNormalizer();
  const mine = { hashes: new Int32Array(256) };
  const theirs = { hashes: new Int32Array(256) };
  const bucketCap = cap ?? DEFAULT_BUCKET_CAP;
  if (!(bucketCap >= 1)) throw new ConfigError(`dedupe bucketCap must be at least 1, got ${bucketCap}`);
  const buckets: Buckets = { head: new Int32Array(bucketCount).fill(-1), next: new Int32Array(n * bands), seenBy: new Int32Array(n).fill(-1) };
  const candidates: number[] = [];
  const setCache = new Map<number, Int32Array>();
  const shingleSetOf = (j: number): Int32Array => {
    // The center of a near-duplicate cluster is a candidate for every later member: keep recent sets.
    let set = setCache.get(j);
    if (set) return set;
    const len = texts.normalizeRow(j, other).length; // may grow other.buf, and shingleHashes may grow theirs.hashes
    const count = shingleHashes(other.buf, len, width, theirs);
    set = theirs.hashes.slice(0, sortUnique(theirs.hashes, count));
    if (setCache.size >= 50_000) setCache.clear();
    setCache.set(j, set);
    return set;
  };
  let nearDups = 0;
  let cappedRows = 0;
  for (let p = 0; p < pool.length; p++) {
    const i = pool[p];
    const walk = gatherCandidates(i, n, bands, bucketOf, buckets, bucketCap, candidates);
    if (walk === NO_BUCKET) continue;
    if (walk === CUT) cappedRows++;
    let rep = -1;
    if (candidates.length > 0) {
      const len = texts.normalizeRow(i, norm).length;
      const count = shingleHashes(norm.buf, len, width, mine);
      const mineCount = sortUnique(mine.hashes, count);
      candidates.sort((a, b) => a - b);
      for (const j of candidates) {
        const set = shingleSetOf(j);
        if (jaccardSorted(mine.hashes, mineCount, set, set.length) >= threshold) {
          rep = j;
          break;
        }
      }
    }
    if (rep >= 0) {
      duplicateOf[i] = rep;
      kind[i] = DUP_NEAR;
      nearDups++;
      continue;
    }
    joinBuckets(i, n, bands, bucketOf, buckets);
  }
  return { nearDups, cappedRows };
}

const NO_BUCKET = 0;
const WALKED = 1;
const CUT = 2;

/**
 * The kept rows of an LSH bucket as linked lists (the most recent first): entry e = b·n + i is row i in band b's
 * bucket, so a row joins each of its buckets without allocating.
 */
interface Buckets {
  head: Int32Array;
  next: Int32Array;
  /** seenBy[j] = the row whose candidates last included j (a row shares several buckets with another). */
  seenBy: Int32Array;
}

/**
 * Collects into `candidates` the kept rows sharing a bucket with row i, at most `cap` per bucket. Returns NO_BUCKET
 * when row i sits alone in every band, CUT when a bucket was cut by the cap, else WALKED.
 */
function gatherCandidates(i: number, n: number, bands: number, bucketOf: Int32Array, buckets: Buckets, cap: number, candidates: number[]): number {
  const { head, next, seenBy } = buckets;
  candidates.length = 0;
  let inBucket = false;
  let cut = false;
  for (let b = 0; b < bands; b++) {
    const id = bucketOf[b * n + i];
    if (id < 0) continue;
    inBucket = true;
    let walked = 0;
    for (let e = head[id]; e >= 0; e = next[e]) {
      if (++walked > cap) {
        cut = true;
        break;
      }
      const j = e % n;
      if (seenBy[j] === i) continue;
      seenBy[j] = i;
      candidates.push(j);
    }
  }
  return !inBucket ? NO_BUCKET : cut ? CUT : WALKED;
}

/** Row i was kept: it joins the front of each of its buckets. */
function joinBuckets(i: number, n: number, bands: number, bucketOf: Int32Array, buckets: Buckets): void {
  for (let b = 0; b < bands; b++) {
    const id = bucketOf[b * n + i];
    if (id < 0) continue;
    const e = b * n + i;
    buckets.next[e] = buckets.head[id];
    buckets.head[id] = e;
  }
}

function sameCodes(a: Uint16Array, b: Uint16Array, len: number): boolean {
  for (let q = 0; q < len; q++) if (a[q] !== b[q]) return false;
  return true;
}

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/**
 * The text columns to dedupe on: as given (checked), else 'text', else the string column with the longest texts.
 * `source`, the file the rows were read from, is named in errors about their columns.
 */
export function resolveTextColumns(rows: readonly Row[], column?: string | string[], source?: string): string[] {
  const sample = rows.slice(0, 1000);
  const present = new Set<string>();
  for (const r of sample) for (const c of Object.keys(r)) present.add(c);
  if (column !== undefined) {
    const cols = Array.isArray(column) ? column : [column];
    if (cols.length === 0) throw new ConfigError('dedupe column list is empty');
    for (const c of cols) {
      if (typeof c !== 'string') throw new ConfigError(`dedupe column must be a column name, got ${JSON.stringify(c)}`);
      if (rows.length > 0 && !present.has(c) && !rows.some((r) => c in r)) {
        throw dataProblem(source, `dedupe column "${c}" is not in the data; columns are ${[...present].join(', ')}`);
      }
    }
    return cols;
  }
  // An empty pool has nothing to compare (and no columns to look at): keep the default name rather than fail.
  if (present.has('text') || rows.length === 0) return ['text'];
  let best = '';
  let bestLen = -1;
  for (const c of present) {
    let total = 0;
    let strings = 0;
    for (const r of sample) {
      const v = r[c];
      if (typeof v === 'string') {
        total += v.length;
        strings++;
      }
    }
    if (strings > 0 && total / sample.length > bestLen) {
      best = c;
      bestLen = total / sample.length;
    }
  }
  if (!best) throw dataProblem(source, 'dedupe needs a text column: the rows have no string columns (set dedupe.column)');
  return [best];
}
