import type { Abstain } from '../matrix/labels.js';
import type { LabelingFunction } from './labeling-function.js';
import { ConfigError } from '../util/errors.js';

/**
 * A labeling function that votes for many rows at once and asynchronously (a model run on a batch of rows).
 * It is still a LabelingFunction, so it lists, loads and names like any other LF, but its `vote` throws:
 * apply it with `applyLFsAsync` or `ballot apply`, which call `voteBatch` once per batch.
 */
export interface BatchedLabelingFunction<Row = any, L extends string = string, R = unknown> extends LabelingFunction<Row, L, R> {
  readonly batched: true;
  /**
   * Votes for a batch of rows (already through `pre`), in order. An Error entry marks a row on which the LF failed
   * (handled like an LF throwing on that row); a rejected promise fails the whole batch.
   */
  voteBatch(rows: readonly Row[]): Promise<readonly (L | Abstain | Error)[]>;
  /** Files the LF's votes depend on besides its source code (e.g. the model); they are hashed into its cache key. */
  readonly inputFiles?: readonly string[];
}

export function isBatchedLF(lf: unknown): lf is BatchedLabelingFunction {
  return (
    typeof lf === 'object' &&
    lf !== null &&
    (lf as BatchedLabelingFunction).batched === true &&
    typeof (lf as BatchedLabelingFunction).voteBatch === 'function'
  );
}

/** The `vote` of a batched LF: calling it row by row is a mistake with a clear fix. */
export function batchedOnlyVote(name: string): () => never {
  return () => {
    throw new ConfigError(
      `labeling function "${name}" votes in batches (it runs a model): apply it with applyLFsAsync() or \`ballot apply\`, not applyLFs()`,
    );
  };
}
