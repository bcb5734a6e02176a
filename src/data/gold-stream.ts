import { defineLabels, type LabelSpace } from '../matrix/labels.js';
import { DataError } from '../util/errors.js';
import { readGoldLabels } from './gold.js';
import { readRowBatches } from './read.js';
import type { RowBatch } from './types.js';

/**
 * Gold (given) labels of a row file read in step with a streamed label matrix: `take(n)` returns the next n rows'
 * labels as class indices (-1 = unknown, as goldFromRows), reading the file batch by batch (memory: one batch), and
 * `finish(n)` checks the file held exactly the matrix's n rows. Errors name the file and the row in the file.
 */
export class GoldStream {
  private readonly batches: AsyncGenerator<RowBatch>;
  private readonly space: LabelSpace;
  private pending = new Int32Array(0);
  private read = 0;
  private done = false;

  constructor(
    readonly file: string,
    private readonly column: string,
    labels: readonly string[],
    private readonly matrixFile = 'the label matrix',
    batchSize = 16384,
  ) {
    this.space = defineLabels(labels);
    this.batches = readRowBatches(file, { batchSize });
  }

  /** The gold labels of the next `n` rows. */
  async take(n: number): Promise<Int32Array> {
    while (this.pending.length < n && !this.done) {
      const next = await this.batches.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const { rows, offset } = next.value;
      let labels: Int32Array;
      try {
        labels = readGoldLabels(rows, this.column, this.space, this.file, { allowMissing: true });
      } catch (e) {
        // Rows are counted within the batch there: name the row in the file.
        if (e instanceof DataError && e.row !== undefined)
          throw new DataError(this.file, e.message.replace(/^.*?\(row \d+\): /, ''), { row: offset + e.row }, { cause: e });
        throw e;
      }
      this.read += labels.length;
      const joined = new Int32Array(this.pending.length + labels.length);
      joined.set(this.pending);
      joined.set(labels, this.pending.length);
      this.pending = joined;
    }
    if (this.pending.length < n) throw this.mismatch(this.read, `more (at least ${this.read - this.pending.length + n})`);
    const out = this.pending.slice(0, n);
    this.pending = this.pending.subarray(n);
    return out;
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
    return new DataError(
      this.file,
      `has ${rows} rows but ${this.matrixFile} has ${matrixRows}; the gold file must hold the rows the LFs were applied to, in the same order`,
    );
  }
}
