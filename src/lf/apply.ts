import { ABSTAIN, type LabelSpace } from '../matrix/labels.js';
import type { LabelingFunction } from './labeling-function.js';
import type { Preprocessor } from './preprocessor.js';
import { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, LabelingFunctionError, describeError } from '../util/errors.js';
import { createProgress, type Progress } from '../util/progress.js';
import { isBatchedLF } from './batched.js';
import { assertRowsHaveColumns } from './columns.js';

export interface ApplyOptions {
  /** `error` (default): the first LF that throws stops the run with its name, row and message. `abstain`: record -1 and count it. */
  onError?: 'error' | 'abstain';
  /** Progress bar on stderr: `auto` (default) shows it on a TTY for runs over ~1 s; `false` never. */
  progress?: boolean | 'auto';
  /** Index of the first row (for error messages when applying a batch of a larger file). */
  rowOffset?: number;
}

/** Raised when LF names collide; applying two LFs with one name would make their columns indistinguishable. */
export function assertUniqueLFNames(lfs: readonly { name: string }[]): void {
  const seen = new Set<string>();
  for (const lf of lfs) {
    if (seen.has(lf.name)) throw new ConfigError(`two labeling functions are named "${lf.name}"; LF names must be unique`);
    seen.add(lf.name);
  }
}

/**
 * Applies every LF to every row and returns the label matrix. The LF generic ties each LF's vote type
 * to the label space, so voting a class outside it is a compile error; it is also checked at run time.
 */
export function applyLFs<Row, L extends string>(
  rows: ArrayLike<Row> | Iterable<Row>,
  lfs: readonly LabelingFunction<Row, NoInfer<L>, any>[],
  labels: LabelSpace<L>,
  options: ApplyOptions = {},
): LabelMatrix {
  const data: ArrayLike<Row> = isArrayLike(rows) ? rows : Array.from(rows);
  const n = data.length;
  const m = lfs.length;
  if (m === 0) throw new ConfigError('no labeling functions to apply');
  assertUniqueLFNames(lfs);
  const batched = lfs.find(isBatchedLF);
  if (batched) {
    throw new ConfigError(`labeling function "${batched.name}" votes in batches (it runs a model): use applyLFsAsync() instead of applyLFs()`);
  }
  assertRowsHaveColumns(lfs, data);
  const votes = new Int8Array(n * m);
  const errorCounts = new Int32Array(m);
  const onError = options.onError ?? 'error';
  const offset = options.rowOffset ?? 0;
  const progress: Progress | null = options.progress === false ? null : createProgress(n, 'apply');
  const voteRow = createRowVoter(lfs, labels);

  for (let i = 0; i < n; i++) {
    voteRow(data[i], i + offset, votes, i * m, errorCounts, onError);
    if (progress && (i & 1023) === 1023) progress.tick(i + 1);
  }
  progress?.done(n);
  return new LabelMatrix({ n, m, votes, lfNames: lfs.map((lf) => lf.name), labels: labels.names, errorCounts });
}

/** Options of the per-row voter used by `ballot apply`. */
export interface RowVoterOptions {
  /**
   * Freeze each row (and each preprocessor output, and nested objects) before any LF sees it, so an LF that writes to
   * its row fails with an error naming it instead of changing what later LFs see (the cached re-apply then differed
   * from --no-cache). The rows are ballot's own (read from the data file); off by default for caller-owned rows.
   */
  freezeRows?: boolean;
  /**
   * A shared watchdog slot [calls, row, lf]: updated before every LF call so a thread watching from outside can tell
   * which LF on which row has been running too long (see project/parallel/pool.ts).
   */
  probe?: Int32Array;
}

/** Thrown for a broken LF contract (async vote, row mutation): fatal whatever onError says. */
class ContractError extends Error {}

/**
 * Builds the per-row voting routine shared by the serial, batched and parallel appliers:
 * runs preprocessors once per row, calls each LF, validates and encodes its vote into `out[base + j]`.
 */
export function createRowVoter<Row>(
  lfs: readonly LabelingFunction<Row, string, any>[],
  labels: LabelSpace,
  options: RowVoterOptions = {},
): (row: Row, rowIndex: number, out: Int8Array, base: number, errorCounts: Int32Array, onError: 'error' | 'abstain') => void {
  const m = lfs.length;
  const anyPre = lfs.some((lf) => lf.pre.length > 0);
  const cache = new Map<Preprocessor, unknown>();
  const codes = new Map<unknown, number>(labels.names.map((name, i) => [name, i]));
  codes.set(ABSTAIN, ABSTAIN);
  const { freezeRows = false, probe } = options;

  const input = (lf: LabelingFunction<Row, string, any>, row: Row): unknown => {
    let x: unknown = row;
    for (const p of lf.pre) {
      // Memoized per row by preprocessor identity; a chain [a, b] caches b's output computed from a's.
      if (cache.has(p)) {
        x = cache.get(p);
        continue;
      }
      const y = p.map(x);
      if (y === undefined || y === null) throw new Error(`preprocessor "${p.name}" returned ${y}`);
      if (isThenable(y))
        throw new ContractError(
          `preprocessor "${p.name}" returned a Promise; preprocessors and LFs must be synchronous (load what they need up front, e.g. in resources, or write a batched LF)`,
        );
      if (freezeRows) deepFreeze(y);
      cache.set(p, y);
      x = y;
    }
    return x;
  };

  return (row, rowIndex, out, base, errorCounts, onError) => {
    if (anyPre) cache.clear();
    if (freezeRows) deepFreeze(row);
    for (let j = 0; j < m; j++) {
      const lf = lfs[j];
      if (probe) {
        probe[1] = rowIndex;
        probe[2] = j;
        Atomics.add(probe, 0, 1);
      }
      let v: unknown;
      try {
        v = lf.vote((lf.pre.length ? input(lf, row) : row) as Row, lf.resources);
      } catch (e) {
        if (e instanceof ContractError) throw new LabelingFunctionError(lf.name, rowIndex, e.message, { cause: e });
        if (freezeRows && isMutationError(e)) {
          throw new LabelingFunctionError(
            lf.name,
            rowIndex,
            `changed its input row (${(e as Error).message}); LFs must not modify rows: copy what you need (e.g. { ...row })`,
            { cause: e },
          );
        }
        if (onError === 'abstain') {
          errorCounts[j]++;
          out[base + j] = ABSTAIN;
          continue;
        }
        throw new LabelingFunctionError(lf.name, rowIndex, `${describeError(e)}${columnsHint(e, row)}`, { cause: e });
      }
      const code = codes.get(v);
      if (code === undefined) {
        // A vote outside the label space is a bug in the LF, never an abstain: fail loudly whatever onError says.
        throw new LabelingFunctionError(lf.name, rowIndex, badVoteMessage(v, labels));
      }
      out[base + j] = code;
    }
  };
}

/** Whether v is a Promise (or any thenable). */
export function isThenable(v: unknown): boolean {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Freezes an object and every object inside it (rows are shallow, so this is one pass over the values). */
export function deepFreeze(x: unknown): void {
  if (typeof x !== 'object' || x === null || ArrayBuffer.isView(x) || Object.isFrozen(x)) return; // typed arrays cannot be frozen
  Object.freeze(x);
  for (const k of Object.keys(x)) {
    const v = (x as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null) deepFreeze(v);
  }
}

/** The TypeErrors strict-mode code gets when it writes to a frozen object. */
function isMutationError(e: unknown): boolean {
  return (
    e instanceof TypeError &&
    /read.only property|not extensible|Cannot delete property|Cannot assign to|Cannot add property|Cannot redefine property|Cannot define property/i.test(
      e.message,
    )
  );
}

/** Why a vote is not one: outside the label space, with the fix for Snorkel habits (integer votes, a missing return). */
export function badVoteMessage(v: unknown, labels: LabelSpace): string {
  const shown = v === undefined ? 'undefined' : typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v));
  let hint = '';
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < labels.names.length)
    hint = `; LFs vote class names: return "${labels.names[v]}", not ${v}`;
  else if (v === undefined) hint = '; did a code path miss its return? Return ABSTAIN to abstain';
  if (isThenable(v))
    return 'returned a Promise (an async vote function?); LFs must be synchronous: load what they need up front (e.g. in resources) or write a batched LF for async model calls';
  return `voted ${shown}, which is not a label (${labels.names.join(', ')}) nor ABSTAIN (-1)${hint}`;
}

/**
 * An LF reading a column the row lacks usually dies with a TypeError on undefined ("Cannot read properties of
 * undefined"): name the row's columns so the typo shows.
 */
function columnsHint(e: unknown, row: unknown): string {
  if (!(e instanceof TypeError) || !/\b(undefined|null)\b/.test(e.message)) return '';
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return '';
  const cols = Object.keys(row);
  return ` (the row's columns: ${cols.slice(0, 20).join(', ')}${cols.length > 20 ? ', …' : ''})`;
}

function isArrayLike<T>(x: ArrayLike<T> | Iterable<T>): x is ArrayLike<T> {
  return typeof (x as ArrayLike<T>).length === 'number';
}
