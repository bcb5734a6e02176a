import { ABSTAIN, type LabelSpace } from '../matrix/labels.js';
import type { LabelingFunction } from './labeling-function.js';
import { LabelMatrix } from '../matrix/label-matrix.js';
import { assertUniqueLFNames, badVoteMessage, createRowVoter, deepFreeze, isThenable, type ApplyOptions, type RowVoterOptions } from './apply.js';
import { isBatchedLF, type BatchedLabelingFunction } from './batched.js';
import { assertRowsHaveColumns } from './columns.js';
import { ConfigError, LabelingFunctionError, describeError } from '../util/errors.js';
import { createProgress } from '../util/progress.js';

export interface AsyncApplyOptions extends ApplyOptions {
  /** Rows per batch handed to batched (model) LFs. Default 1024. */
  batchSize?: number;
}

/**
 * Votes of all LFs on one batch of rows into `out` (row-major, rows.length × m). Plain LFs run row by row;
 * batched LFs get the whole batch. With onError 'error', the error reported is the first one in (row, LF) order,
 * so the result never depends on how rows were split into batches or workers.
 */
export type BatchVoter<Row> = (
  rows: readonly Row[],
  rowOffset: number,
  out: Int8Array,
  errorCounts: Int32Array,
  onError: 'error' | 'abstain',
) => Promise<void>;

export function createBatchVoter<Row>(
  lfs: readonly LabelingFunction<Row, string, any>[],
  labels: LabelSpace,
  options: RowVoterOptions = {},
): BatchVoter<Row> {
  const m = lfs.length;
  const batchedIdx: number[] = [];
  const plainIdx: number[] = [];
  lfs.forEach((lf, j) => (isBatchedLF(lf) ? batchedIdx : plainIdx).push(j));
  const plain = plainIdx.map((j) => lfs[j]);
  const voteRow = plain.length ? createRowVoter(plain, labels, options) : null;

  if (batchedIdx.length === 0) {
    return async (rows, rowOffset, out, errorCounts, onError) => {
      for (let i = 0; i < rows.length; i++) voteRow!(rows[i], rowOffset + i, out, i * m, errorCounts, onError);
    };
  }

  const codes = new Map<unknown, number>(labels.names.map((name, i) => [name, i]));
  codes.set(ABSTAIN, ABSTAIN);
  const mp = plain.length;
  const plainColumn = new Map(plain.map((lf, q) => [lf.name, plainIdx[q]]));

  return async (rows, rowOffset, out, errorCounts, onError) => {
    const b = rows.length;
    let first: { row: number; j: number; error: LabelingFunctionError } | undefined;
    const keep = (row: number, j: number, error: LabelingFunctionError) => {
      if (!first || row < first.row || (row === first.row && j < first.j)) first = { row, j, error };
    };

    const { probe, freezeRows } = options;
    if (freezeRows) for (const r of rows) deepFreeze(r);
    let results: (readonly unknown[])[] = [];
    if (!probe) results = await Promise.all(batchedIdx.map((j) => runBatched(lfs[j] as BatchedLabelingFunction<Row>, rows)));
    // Under a watchdog, one at a time, so the probe names the batched LF that is running.
    else
      for (const j of batchedIdx) {
        if (probe) {
          probe[1] = rowOffset;
          probe[2] = j;
          Atomics.add(probe, 0, 1);
        }
        results.push(await runBatched(lfs[j] as BatchedLabelingFunction<Row>, rows));
      }
    batchedIdx.forEach((j, q) => {
      const lf = lfs[j];
      const votes = results[q];
      for (let i = 0; i < b; i++) {
        const v = votes[i];
        if (v instanceof Error) {
          if (onError === 'abstain') {
            errorCounts[j]++;
            out[i * m + j] = ABSTAIN;
          } else keep(i, j, new LabelingFunctionError(lf.name, rowOffset + i, describeError(v), { cause: v }));
          continue;
        }
        const code = codes.get(v);
        if (code === undefined) {
          keep(i, j, new LabelingFunctionError(lf.name, rowOffset + i, badVoteMessage(v, labels)));
          continue;
        }
        out[i * m + j] = code;
      }
    });

    if (voteRow) {
      const tmp = new Int8Array(b * mp);
      const tmpErrors = new Int32Array(mp);
      let upTo = b;
      try {
        for (let i = 0; i < b; i++) voteRow(rows[i], rowOffset + i, tmp, i * mp, tmpErrors, onError);
      } catch (e) {
        if (!(e instanceof LabelingFunctionError)) throw e;
        keep(e.row - rowOffset, plainColumn.get(e.lf) ?? 0, e);
        upTo = e.row - rowOffset;
      }
      for (let i = 0; i < upTo; i++) for (let q = 0; q < mp; q++) out[i * m + plainIdx[q]] = tmp[i * mp + q];
      for (let q = 0; q < mp; q++) errorCounts[plainIdx[q]] += tmpErrors[q];
    }
    if (first) throw first.error;
  };
}

/** Runs one batched LF on a batch: preprocessors per row, then one voteBatch call; failures become Error entries. */
async function runBatched<Row>(lf: BatchedLabelingFunction<Row>, rows: readonly Row[]): Promise<readonly unknown[]> {
  const inputs: unknown[] = new Array(rows.length);
  const ok: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    try {
      let x: unknown = rows[i];
      for (const p of lf.pre) {
        x = p.map(x);
        if (x === undefined || x === null) throw new Error(`preprocessor "${p.name}" returned ${x}`);
        if (isThenable(x)) throw new Error(`preprocessor "${p.name}" returned a Promise; preprocessors must be synchronous`);
      }
      inputs[i] = x;
      ok.push(i);
    } catch (e) {
      inputs[i] = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (ok.length === 0) return inputs;
  const batch = ok.length === rows.length ? (inputs as Row[]) : ok.map((i) => inputs[i] as Row);
  let votes: readonly unknown[];
  try {
    votes = await lf.voteBatch(batch);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    for (const i of ok) inputs[i] = err;
    return inputs;
  }
  if (!votes || votes.length !== batch.length) {
    throw new LabelingFunctionError(lf.name, 0, `voteBatch returned ${votes?.length ?? 'nothing'} votes for ${batch.length} rows`);
  }
  ok.forEach((i, q) => (inputs[i] = votes[q]));
  return inputs;
}

/**
 * Like applyLFs, for LF sets that include batched (model) LFs: rows go through in batches of `batchSize`,
 * each batched LF votes once per batch. With only plain LFs the result equals applyLFs exactly.
 */
export async function applyLFsAsync<Row, L extends string>(
  rows: ArrayLike<Row> | Iterable<Row>,
  lfs: readonly LabelingFunction<Row, NoInfer<L>, any>[],
  labels: LabelSpace<L>,
  options: AsyncApplyOptions = {},
): Promise<LabelMatrix> {
  const data: Row[] = Array.isArray(rows) ? rows : Array.from(rows as Iterable<Row>);
  const n = data.length;
  const m = lfs.length;
  if (m === 0) throw new ConfigError('no labeling functions to apply');
  assertUniqueLFNames(lfs);
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`batchSize must be a positive integer, got ${batchSize}`);
  assertRowsHaveColumns(lfs, data);
  const votes = new Int8Array(n * m);
  const errorCounts = new Int32Array(m);
  const offset = options.rowOffset ?? 0;
  const progress = options.progress === false ? null : createProgress(n, 'apply');
  const voteBatch = createBatchVoter(lfs, labels);
  for (let a = 0; a < n; a += batchSize) {
    const end = Math.min(n, a + batchSize);
    await voteBatch(data.slice(a, end), offset + a, votes.subarray(a * m, end * m), errorCounts, options.onError ?? 'error');
    progress?.tick(end);
  }
  progress?.done(n);
  return new LabelMatrix({ n, m, votes, lfNames: lfs.map((lf) => lf.name), labels: labels.names, errorCounts });
}
