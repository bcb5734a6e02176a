import { DataError } from '../util/errors.js';
import { readRowBatches } from './read.js';
import type { Row, RowBatch } from './types.js';

/**
 * The rows of a file read in step with a streamed label matrix: `take(n)` returns the next n rows, reading the file
 * batch by batch (memory: one batch), and `finish(n)` checks the file held exactly the matrix's n rows. `what` names
 * the file's role in errors ("data", "gold").
 */
export class AlignedRowStream {
  private readonly batches: AsyncGenerator<RowBatch>;
  private pending: Row[] = [];
  private read = 0;
  private done = false;
  /** The file's columns as read so far (for JSON Lines, the union of keys). */
  columns: string[] = [];

  constructor(
    readonly file: string,
    private readonly what = 'data',
    private readonly matrixFile = 'the label matrix',
    batchSize = 16384,
  ) {
    this.batches = readRowBatches(file, { batchSize });
  }

  /** The next `n` rows, with the index in the file of the first of them. */
  async take(n: number): Promise<{ rows: Row[]; offset: number }> {
    while (this.pending.length < n && !this.done) {
      const next = await this.batches.next();
      if (next.done) {
        this.done = true;
        break;
      }
      this.read += next.value.rows.length;
      this.columns = next.value.columns;
      this.pending = this.pending.length ? this.pending.concat(next.value.rows) : next.value.rows;
    }
    const offset = this.read - this.pending.length;
    if (this.pending.length < n) throw this.mismatch(this.read, `more (at least ${offset + n})`);
    const rows = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    return { rows, offset };
  }

  /** Checks nothing is left after the matrix's `n` rows, then closes the file. */
  async finish(n: number): Promise<void> {
    let extra = this.pending.length;
    for (;;) {
      const next = await this.batches.next();
      if (next.done) break;
      extra += next.value.rows.length;
    }
    this.done = true;
    if (extra > 0) throw this.mismatch(n + extra, String(n));
  }

  /** Stops reading (on an error elsewhere). */
  async close(): Promise<void> {
    await this.batches.return(undefined);
  }

  private mismatch(rows: number, matrixRows: string): DataError {
    return rowCountMismatch(this.file, rows, matrixRows, this.what, this.matrixFile);
  }
}

/** The one error for a row file that does not line up with its label matrix (`matrixRows` may say "more (…)"). */
export function rowCountMismatch(file: string, rows: number, matrixRows: number | string, what: string, matrixFile = 'the label matrix'): DataError {
  return new DataError(
    file,
    `has ${rows} rows but ${matrixFile} has ${matrixRows}; the ${what} file must hold the rows the LFs were applied to, in the same order`,
  );
}
