/**
 * Row features for the end model: hashed TF-IDF blocks (word n-grams and char_wb n-grams per text column, each block
 * l2-normalised like one scikit-learn TfidfVectorizer), standardised numeric columns and hashed one-hot categorical
 * columns. Output is CSR (SparseRows); nothing dense over n × d is ever built.
 *
 * Layout of the feature space (so a row's ids come out sorted with no extra sort):
 *   [text column 0: word block | char block] … [text column c-1 …] [categorical block] [numeric columns]
 * Each hashed block has 2^hashBits buckets.
 */
import type { Row } from '../data/types.js';
import { ConfigError, DataError } from '../util/errors.js';
import { bucketOf } from './hashing.js';
import { CsrBuilder, type SparseRows } from './sparse.js';
import { charNgramIds, IdBuffer, wordNgramIds } from './tokenize.js';

export interface FeatureOptions {
  /** Text columns, each hashed into its own TF-IDF blocks. */
  textColumns: readonly string[];
  /** Numeric columns, standardised with the mean/std learned at fit (missing values → the mean). */
  numericColumns?: readonly string[];
  /** Categorical columns, one-hot by hashing "column=value" (missing values → no feature). */
  categoricalColumns?: readonly string[];
  /** Buckets per hashed block = 2^hashBits (default 18). */
  hashBits?: number;
  /** Word n-gram range (default [1, 2]); false for none. */
  wordNgrams?: readonly [number, number] | false;
  /** char_wb n-gram range; false for none. Default [2, 5] when fitted on up to 200,000 rows, else false: they make
   *  ~8× the entries of word n-grams, which at millions of rows costs gigabytes for a fraction of a point. */
  charNgrams?: readonly [number, number] | false;
  /** tf → 1 + ln(tf) (default true). */
  sublinearTf?: boolean;
  /** Buckets seen in fewer fitted rows than this are dropped (default 2: a bucket in one row only memorises it). */
  minDf?: number;
}

/** Options with every default filled in (what is saved with a model). */
export interface ResolvedFeatureOptions {
  textColumns: string[];
  numericColumns: string[];
  categoricalColumns: string[];
  hashBits: number;
  wordNgrams: [number, number] | false;
  charNgrams: [number, number] | false;
  sublinearTf: boolean;
  minDf: number;
}

export interface FeaturizerJSON {
  options: ResolvedFeatureOptions;
  /** Rows the document frequencies were counted on. */
  nDocs: number;
  /** Text feature ids with a non-zero document frequency, ascending, and their counts. */
  dfIds: number[];
  dfCounts: number[];
  numericMean: number[];
  numericStd: number[];
}

const DEFAULTS = { hashBits: 18, wordNgrams: [1, 2] as [number, number], charNgrams: [2, 5] as [number, number], sublinearTf: true, minDf: 2 };

/** Rows above which character n-grams are off unless asked for. */
export const CHAR_NGRAM_MAX_ROWS = 200_000;

/** Fills in defaults and checks the options (`fitRows`: rows being fitted, for size-dependent defaults). */
export function resolveFeatureOptions(o: FeatureOptions, fitRows = 0): ResolvedFeatureOptions {
  const list = (name: string, v: unknown): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((c) => typeof c !== 'string' || c === ''))
      throw new ConfigError(`end model: ${name} must be a list of column names`);
    return [...v] as string[];
  };
  const textColumns = list('textColumns', o.textColumns);
  const numericColumns = list('numericColumns', o.numericColumns);
  const categoricalColumns = list('categoricalColumns', o.categoricalColumns);
  if (!textColumns.length && !numericColumns.length && !categoricalColumns.length) {
    throw new ConfigError('end model: give at least one text, numeric or categorical column');
  }
  const all = [...textColumns, ...numericColumns, ...categoricalColumns];
  const dup = all.find((c, i) => all.indexOf(c) !== i);
  if (dup !== undefined) throw new ConfigError(`end model: column "${dup}" is given twice`);
  const hashBits = o.hashBits ?? DEFAULTS.hashBits;
  if (!Number.isInteger(hashBits) || hashBits < 4 || hashBits > 24)
    throw new ConfigError(`end model: hashBits must be an integer in 4..24, got ${hashBits}`);
  const range = (name: string, v: unknown, def: [number, number]): [number, number] | false => {
    if (v === undefined) return [...def];
    if (v === false) return false;
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1 && x <= 8) || v[0] > v[1]) {
      throw new ConfigError(`end model: ${name} must be [lo, hi] with 1 ≤ lo ≤ hi ≤ 8, or false`);
    }
    return [v[0], v[1]];
  };
  const wordNgrams = range('wordNgrams', o.wordNgrams, DEFAULTS.wordNgrams);
  const charNgrams = o.charNgrams === undefined && fitRows > CHAR_NGRAM_MAX_ROWS ? false : range('charNgrams', o.charNgrams, DEFAULTS.charNgrams);
  if (textColumns.length && !wordNgrams && !charNgrams) throw new ConfigError('end model: text columns need wordNgrams or charNgrams');
  const minDf = o.minDf ?? DEFAULTS.minDf;
  if (!Number.isInteger(minDf) || minDf < 1) throw new ConfigError(`end model: minDf must be a positive integer, got ${minDf}`);
  const sublinearTf = o.sublinearTf ?? DEFAULTS.sublinearTf;
  if (typeof sublinearTf !== 'boolean') throw new ConfigError('end model: sublinearTf must be true or false');
  const blocks = textColumns.length * ((wordNgrams ? 1 : 0) + (charNgrams ? 1 : 0)) + (categoricalColumns.length ? 1 : 0);
  if (blocks * 2 ** hashBits + numericColumns.length >= 2 ** 31)
    throw new ConfigError('end model: too many hashed blocks for hashBits; lower hashBits');
  return { textColumns, numericColumns, categoricalColumns, hashBits, wordNgrams, charNgrams, sublinearTf, minDf };
}

/** One row's (id, value) pairs while it is built; reused across rows. */
class RowBuffer {
  ids = new Int32Array(1024);
  vals = new Float64Array(1024);
  len = 0;
  put(id: number, v: number): void {
    if (this.len === this.ids.length) {
      const ni = new Int32Array(this.len * 2);
      ni.set(this.ids);
      this.ids = ni;
      const nv = new Float64Array(this.len * 2);
      nv.set(this.vals);
      this.vals = nv;
    }
    this.ids[this.len] = id;
    this.vals[this.len++] = v;
  }
}

/** 1 + ln(tf) for small counts (the common case), so weighing does not call log per entry. */
const SUBLINEAR = Float64Array.from({ length: 256 }, (_, tf) => (tf > 0 ? 1 + Math.log(tf) : 0));

interface Block {
  column: number;
  kind: 'word' | 'char';
  offset: number;
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Turns rows into sparse feature vectors; fitted state = document frequencies and numeric means/stds. */
export class Featurizer {
  readonly options: ResolvedFeatureOptions;
  readonly dim: number;
  /** Rows the idf was counted on. */
  readonly nDocs: number;
  private readonly blocks: Block[];
  private readonly textDim: number;
  private readonly catOffset: number;
  private readonly numOffset: number;
  private readonly df: Int32Array;
  private readonly idf: Float64Array;
  private readonly numMean: Float64Array;
  private readonly numStd: Float64Array;

  private constructor(options: ResolvedFeatureOptions, nDocs: number, df: Int32Array, numMean: Float64Array, numStd: Float64Array) {
    this.options = options;
    const size = 2 ** options.hashBits;
    this.blocks = [];
    options.textColumns.forEach((_, column) => {
      if (options.wordNgrams) this.blocks.push({ column, kind: 'word', offset: this.blocks.length * size });
      if (options.charNgrams) this.blocks.push({ column, kind: 'char', offset: this.blocks.length * size });
    });
    this.textDim = this.blocks.length * size;
    this.catOffset = this.textDim;
    this.numOffset = this.catOffset + (options.categoricalColumns.length ? size : 0);
    this.dim = this.numOffset + options.numericColumns.length;
    this.nDocs = nDocs;
    this.df = df;
    this.numMean = numMean;
    this.numStd = numStd;
    // Smooth idf as scikit-learn: ln((1 + n) / (1 + df)) + 1; buckets under minDf (or never seen) get 0 = dropped.
    this.idf = new Float64Array(this.textDim);
    for (let f = 0; f < this.textDim; f++) {
      if (df[f] >= options.minDf) this.idf[f] = Math.log((1 + nDocs) / (1 + df[f])) + 1;
    }
  }

  /** Learns document frequencies and numeric statistics from the rows. `source` names the rows in errors. */
  static fit(rows: readonly Row[], options: FeatureOptions, source = '(rows)'): Featurizer {
    return Featurizer.fitTransform(rows, options, source).featurizer;
  }

  /** fit, plus the rows' features from the same pass (the text is tokenised once). */
  static fitTransform(rows: readonly Row[], options: FeatureOptions, source = '(rows)'): { featurizer: Featurizer; X: SparseRows } {
    const o = resolveFeatureOptions(options, rows.length);
    if (rows.length === 0) throw new DataError(source, 'no rows to fit the end model features on');
    for (const c of o.textColumns) checkTextColumn(rows, c, source);
    const { mean, std } = numericStats(rows, o.numericColumns, source);
    // A provisional featurizer (df = 0) builds raw term counts; df is counted from them, then idf applied in place.
    const size = 2 ** o.hashBits;
    const nBlocks = o.textColumns.length * ((o.wordNgrams ? 1 : 0) + (o.charNgrams ? 1 : 0));
    const df = new Int32Array(nBlocks * size);
    const raw = new Featurizer(o, rows.length, df, mean, std);
    const X = raw.build(rows, source);
    const textDim = raw.textDim;
    for (let p = 0; p < X.indices.length; p++) if (X.indices[p] < textDim) df[X.indices[p]]++;
    const featurizer = new Featurizer(o, rows.length, df, mean, std);
    return { featurizer, X: featurizer.weigh(X) };
  }

  /** Feature vectors of the rows (CSR). Errors name `source` and the missing column. */
  transform(rows: readonly Row[], source = '(rows)'): SparseRows {
    const o = this.options;
    if (rows.length > 0) {
      for (const c of [...o.textColumns, ...o.numericColumns, ...o.categoricalColumns]) {
        if (!rows.some((r) => c in r)) {
          throw new DataError(
            source,
            `no column "${c}": the end model was trained on ${describeColumns(o)}; columns here are ${Object.keys(rows[0]).join(', ')}`,
          );
        }
      }
    }
    return this.weigh(this.build(rows, source));
  }

  /** Raw features: term counts for text ids (sorted, unique within a block), final values for the rest. */
  private build(rows: readonly Row[], source: string): SparseRows {
    const o = this.options;
    const mask = 2 ** o.hashBits - 1;
    const b = new CsrBuilder(rows.length, this.dim, Math.max(1024, rows.length * 24));
    const buf = new IdBuffer();
    const row_ = new RowBuffer();
    const lowered: string[] = new Array(o.textColumns.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      row_.len = 0;
      for (let c = 0; c < o.textColumns.length; c++) lowered[c] = textOf(row[o.textColumns[c]]).toLowerCase();
      for (const blk of this.blocks) {
        buf.len = 0;
        const text = lowered[blk.column];
        if (blk.kind === 'word')
          wordNgramIds(text, (o.wordNgrams as [number, number])[0], (o.wordNgrams as [number, number])[1], mask, blk.offset, buf);
        else charNgramIds(text, (o.charNgrams as [number, number])[0], (o.charNgrams as [number, number])[1], mask, blk.offset, buf);
        if (buf.len === 0) continue;
        const ids = buf.ids.subarray(0, buf.len).sort();
        let prev = ids[0];
        let count = 1;
        for (let t = 1; t < ids.length; t++) {
          if (ids[t] === prev) count++;
          else {
            row_.put(prev, count);
            prev = ids[t];
            count = 1;
          }
        }
        row_.put(prev, count);
      }
      if (o.categoricalColumns.length) {
        buf.len = 0;
        for (const col of o.categoricalColumns) {
          const v = row[col];
          if (v === undefined || v === null || v === '') continue;
          buf.push(this.catOffset + bucketOf(`${col}\u0000${String(v)}`, o.hashBits));
        }
        const ids = buf.ids.subarray(0, buf.len).sort();
        for (let t = 0; t < ids.length; t++) {
          let count = 1;
          while (t + 1 < ids.length && ids[t + 1] === ids[t]) {
            t++;
            count++;
          }
          row_.put(ids[t], count);
        }
      }
      for (let j = 0; j < o.numericColumns.length; j++) {
        const x = numberOf(row[o.numericColumns[j]], o.numericColumns[j], i, source);
        if (x === undefined) continue; // missing → the mean → 0 after standardising
        const z = (x - this.numMean[j]) / this.numStd[j];
        if (z !== 0) row_.put(this.numOffset + j, z);
      }
      b.pushRow(row_.ids, row_.vals, row_.len);
    }
    return b.finish();
  }

  /** Text counts → sublinear tf × idf, l2-normalised per block; drops buckets with idf 0 (unseen or under minDf). */
  private weigh(X: SparseRows): SparseRows {
    const { indptr, indices, values } = X;
    const size = 2 ** this.options.hashBits;
    const sub = this.options.sublinearTf;
    const idf = this.idf;
    const textDim = this.textDim;
    let w = 0;
    for (let i = 0; i < X.n; i++) {
      const start = indptr[i],
        end = indptr[i + 1];
      indptr[i] = w;
      let p = start;
      while (p < end) {
        const id = indices[p];
        if (id >= textDim) {
          indices[w] = id;
          values[w++] = values[p++];
          continue;
        }
        const blockEnd = (Math.floor(id / size) + 1) * size;
        const bw = w;
        let norm = 0;
        for (; p < end && indices[p] < blockEnd; p++) {
          const f = indices[p];
          if (idf[f] === 0) continue;
          const tf = values[p];
          const v = (sub ? (tf < 256 ? SUBLINEAR[tf] : 1 + Math.log(tf)) : tf) * idf[f];
          indices[w] = f;
          values[w++] = v;
          norm += v * v;
        }
        if (norm > 0) {
          const s = 1 / Math.sqrt(norm);
          for (let q = bw; q < w; q++) values[q] *= s;
        }
      }
    }
    indptr[X.n] = w;
    if (w === indices.length) return X;
    return { n: X.n, dim: X.dim, indptr, indices: indices.slice(0, w), values: values.slice(0, w) };
  }

  /** Columns the featurizer reads, for error messages. */
  describeColumns(): string {
    return describeColumns(this.options);
  }

  toJSON(): FeaturizerJSON {
    const dfIds: number[] = [];
    const dfCounts: number[] = [];
    for (let f = 0; f < this.df.length; f++) {
      if (this.df[f] > 0) {
        dfIds.push(f);
        dfCounts.push(this.df[f]);
      }
    }
    return {
      options: structuredClone(this.options),
      nDocs: this.nDocs,
      dfIds,
      dfCounts,
      numericMean: Array.from(this.numMean),
      numericStd: Array.from(this.numStd),
    };
  }

  /** Rebuilds a featurizer saved by toJSON, checking every field. */
  static fromJSON(json: unknown): Featurizer {
    const bad = (what: string): never => {
      throw new ConfigError(`end model features: ${what}`);
    };
    if (!json || typeof json !== 'object') bad('not an object');
    const j = json as Partial<FeaturizerJSON>;
    if (!j.options || typeof j.options !== 'object') bad('missing options');
    const o = resolveFeatureOptions(j.options as FeatureOptions);
    if (!Number.isInteger(j.nDocs) || (j.nDocs as number) < 1) bad('nDocs must be a positive integer');
    const size = 2 ** o.hashBits;
    const textDim = o.textColumns.length * ((o.wordNgrams ? 1 : 0) + (o.charNgrams ? 1 : 0)) * size;
    if (!Array.isArray(j.dfIds) || !Array.isArray(j.dfCounts) || j.dfIds.length !== j.dfCounts.length)
      bad('dfIds and dfCounts must be arrays of the same length');
    const df = new Int32Array(textDim);
    let last = -1;
    for (let t = 0; t < j.dfIds!.length; t++) {
      const f = j.dfIds![t],
        c = j.dfCounts![t];
      if (!Number.isInteger(f) || f <= last || f >= textDim) bad(`dfIds[${t}] = ${f} is not an ascending feature id below ${textDim}`);
      if (!Number.isInteger(c) || c < 1 || c > j.nDocs!) bad(`dfCounts[${t}] = ${c} is not a count in 1..${j.nDocs}`);
      df[f] = c;
      last = f;
    }
    const nums = (name: string, v: unknown, positive: boolean): Float64Array => {
      if (
        !Array.isArray(v) ||
        v.length !== o.numericColumns.length ||
        v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || (positive && !(x > 0)))
      ) {
        bad(`${name} must hold ${o.numericColumns.length} finite${positive ? ' positive' : ''} numbers`);
      }
      return Float64Array.from(v as number[]);
    };
    return new Featurizer(o, j.nDocs!, df, nums('numericMean', j.numericMean, false), nums('numericStd', j.numericStd, true));
  }
}

function describeColumns(o: ResolvedFeatureOptions): string {
  const parts = [
    o.textColumns.length ? `text ${o.textColumns.map((c) => `"${c}"`).join(', ')}` : '',
    o.numericColumns.length ? `numeric ${o.numericColumns.map((c) => `"${c}"`).join(', ')}` : '',
    o.categoricalColumns.length ? `categorical ${o.categoricalColumns.map((c) => `"${c}"`).join(', ')}` : '',
  ];
  return `columns ${parts.filter(Boolean).join('; ')}`;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return String(v);
}

/** A text column must exist, hold some non-empty text, and not be all numbers (that is a numeric column). */
function checkTextColumn(rows: readonly Row[], column: string, source: string): void {
  if (!rows.some((r) => column in r)) {
    throw new DataError(source, `no text column "${column}"; columns are ${Object.keys(rows[0]).join(', ')}`);
  }
  let nonEmpty = 0;
  let numeric = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][column];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'number' || typeof v === 'bigint') numeric++;
    else if (typeof v !== 'string')
      throw new DataError(source, `text column "${column}" holds a ${Array.isArray(v) ? 'list' : typeof v}, not text`, { row: i });
    else if (v.trim() === '') continue;
    else if (NUMERIC.test(v)) numeric++;
    nonEmpty++;
  }
  if (nonEmpty === 0) throw new DataError(source, `text column "${column}" is empty in every row`);
  if (numeric === nonEmpty) throw new DataError(source, `text column "${column}" holds only numbers, not text (use it as a numeric column)`);
}

function numberOf(v: unknown, column: string, row: number, source: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new DataError(source, `numeric column "${column}" holds ${v}`, { row });
    return v;
  }
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  if (typeof v === 'string' && v.trim() === '') return undefined;
  throw new DataError(source, `numeric column "${column}" holds ${JSON.stringify(v)}, not a number`, { row });
}

function numericStats(rows: readonly Row[], columns: readonly string[], source: string): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(columns.length);
  const std = new Float64Array(columns.length);
  columns.forEach((c, j) => {
    if (!rows.some((r) => c in r)) throw new DataError(source, `no numeric column "${c}"; columns are ${Object.keys(rows[0]).join(', ')}`);
    let n = 0,
      s = 0;
    for (let i = 0; i < rows.length; i++) {
      const x = numberOf(rows[i][c], c, i, source);
      if (x !== undefined) {
        n++;
        s += x;
      }
    }
    if (n === 0) throw new DataError(source, `numeric column "${c}" is empty in every row`);
    const m = s / n;
    let ss = 0;
    for (let i = 0; i < rows.length; i++) {
      const x = numberOf(rows[i][c], c, i, source);
      if (x !== undefined) ss += (x - m) * (x - m);
    }
    mean[j] = m;
    std[j] = Math.sqrt(ss / n) || 1; // a constant column stays 0 rather than dividing by zero
  });
  return { mean, std };
}
