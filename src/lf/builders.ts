import { ABSTAIN, type Abstain } from '../matrix/labels.js';
import { labelingFunction, type LabelingFunction } from './labeling-function.js';
import type { Preprocessor } from './preprocessor.js';
import { ConfigError } from '../util/errors.js';

/** Where an LF reads its input: a column name, or a function of the row. */
export type Field<Row, V> = string | ((row: Row) => V);

function getter<Row, V>(field: Field<Row, V>): (row: Row) => V {
  return typeof field === 'function' ? field : (row: Row) => (row as Record<string, unknown>)[field] as V;
}

/**
 * The column a builder reads, to check it exists in the data: a string field, unless preprocessors run first
 * (they may add that field to the row).
 */
function dataColumns(field: unknown, pre: readonly Preprocessor[] | undefined): string[] | undefined {
  return typeof field === 'string' && !pre?.length ? [field] : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface KeywordLFOptions<Row, L extends string> {
  name: string;
  keywords: readonly string[];
  label: L;
  /** Column holding the text (default `text`) or a function returning it. */
  field?: Field<Row, unknown>;
  /** `word` (default) matches whole words; `substring` matches anywhere, like Snorkel's tutorial `keyword_lookup`. */
  match?: 'word' | 'substring';
  caseSensitive?: boolean;
  pre?: readonly Preprocessor[];
  description?: string;
}

/** Votes `label` when any keyword occurs in the text, else abstains. */
export function keywordLF<Row = any, const L extends string = string>(o: KeywordLFOptions<Row, L>): LabelingFunction<Row, L, undefined> {
  if (!o.keywords.length) throw new ConfigError(`keywordLF "${o.name}" needs at least one keyword`);
  const alternation = o.keywords.map(escapeRegExp).join('|');
  const source = (o.match ?? 'word') === 'word' ? `(?<![\\p{L}\\p{N}_])(?:${alternation})(?![\\p{L}\\p{N}_])` : `(?:${alternation})`;
  const re = new RegExp(source, o.caseSensitive ? 'u' : 'iu');
  const get = getter<Row, unknown>(o.field ?? 'text');
  return labelingFunction<Row, L | Abstain, undefined>({
    name: o.name,
    pre: o.pre,
    columns: dataColumns(o.field ?? 'text', o.pre),
    description: o.description ?? `${o.match ?? 'word'} match of ${o.keywords.map((k) => JSON.stringify(k)).join(', ')} → ${o.label}`,
    vote: (row) => {
      const v = get(row);
      return typeof v === 'string' && re.test(v) ? o.label : ABSTAIN;
    },
  });
}

export interface RegexLFOptions<Row, L extends string> {
  name: string;
  pattern: RegExp | string;
  label: L;
  field?: Field<Row, unknown>;
  /** Flags when `pattern` is a string (default `i`). */
  flags?: string;
  pre?: readonly Preprocessor[];
  description?: string;
}

/** Votes `label` when the pattern matches the text, else abstains. */
export function regexLF<Row = any, const L extends string = string>(o: RegexLFOptions<Row, L>): LabelingFunction<Row, L, undefined> {
  let re: RegExp;
  try {
    re = typeof o.pattern === 'string' ? new RegExp(o.pattern, o.flags ?? 'i') : o.pattern;
  } catch (e) {
    throw new ConfigError(`regexLF "${o.name}": invalid pattern ${JSON.stringify(o.pattern)}: ${(e as Error).message}`);
  }
  // A global/sticky regex keeps lastIndex between calls and would skip matches on later rows.
  if (re.global || re.sticky) re = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
  const get = getter<Row, unknown>(o.field ?? 'text');
  return labelingFunction<Row, L | Abstain, undefined>({
    name: o.name,
    pre: o.pre,
    columns: dataColumns(o.field ?? 'text', o.pre),
    description: o.description ?? `regex /${re.source}/${re.flags} → ${o.label}`,
    vote: (row) => {
      const v = get(row);
      return typeof v === 'string' && re.test(v) ? o.label : ABSTAIN;
    },
  });
}

export interface ThresholdLFOptions<Row, L extends string> {
  name: string;
  /** Column holding a number (numeric strings are parsed) or a function returning one. */
  field: Field<Row, unknown>;
  /** Votes `label` when value > above / >= atLeast / < below / <= atMost (give exactly one). */
  above?: number;
  atLeast?: number;
  below?: number;
  atMost?: number;
  label: L;
  /** What to do with a missing or non-numeric value: abstain (default) or throw. */
  onMissing?: 'abstain' | 'error';
  pre?: readonly Preprocessor[];
  description?: string;
}

/** Votes `label` when a numeric value crosses a threshold, else abstains. */
export function thresholdLF<Row = any, const L extends string = string>(o: ThresholdLFOptions<Row, L>): LabelingFunction<Row, L, undefined> {
  const given = (['above', 'atLeast', 'below', 'atMost'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new ConfigError(`thresholdLF "${o.name}" needs exactly one of above, atLeast, below, atMost`);
  const op = given[0];
  const t = o[op] as number;
  const test: (x: number) => boolean =
    op === 'above' ? (x) => x > t : op === 'atLeast' ? (x) => x >= t : op === 'below' ? (x) => x < t : (x) => x <= t;
  const get = getter<Row, unknown>(o.field);
  const symbol = { above: '>', atLeast: '>=', below: '<', atMost: '<=' }[op];
  return labelingFunction<Row, L | Abstain, undefined>({
    name: o.name,
    pre: o.pre,
    columns: dataColumns(o.field, o.pre),
    description: o.description ?? `${typeof o.field === 'string' ? o.field : 'value'} ${symbol} ${t} → ${o.label}`,
    vote: (row) => {
      const raw = get(row);
      const x = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (Number.isNaN(x)) {
        if (o.onMissing === 'error') throw new Error(`value ${JSON.stringify(raw)} is not a number`);
        return ABSTAIN;
      }
      return test(x) ? o.label : ABSTAIN;
    },
  });
}

/** Votes `table[key(row)]` when the key is in the lookup table, else abstains. */
export function lookupLF<Row = any, const L extends string = string>(o: {
  name: string;
  field: Field<Row, unknown>;
  table: ReadonlyMap<string, L> | Readonly<Record<string, L>>;
  pre?: readonly Preprocessor[];
  description?: string;
}): LabelingFunction<Row, L, undefined> {
  const map: ReadonlyMap<string, L> = o.table instanceof Map ? o.table : new Map(Object.entries(o.table as Record<string, L>));
  const get = getter<Row, unknown>(o.field);
  return labelingFunction<Row, L | Abstain, undefined>({
    name: o.name,
    pre: o.pre,
    columns: dataColumns(o.field, o.pre),
    description: o.description ?? `lookup table of ${map.size} keys`,
    vote: (row) => {
      const v = get(row);
      if (v === null || v === undefined) return ABSTAIN;
      return map.get(String(v)) ?? ABSTAIN;
    },
  });
}

export type { Abstain };
