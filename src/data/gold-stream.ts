import { defineLabels, type LabelSpace } from '../matrix/labels.js';
import { readGoldLabels } from './gold.js';
import { AlignedRowStream } from './row-stream.js';

/**
 * Gold (given) labels of a row file read in step with a streamed label matrix: `take(n)` returns the next n rows'
 * labels as class indices (-1 = unknown, as goldFromRows), reading the file batch by batch (memory: one batch), and
 * `finish(n)` checks the file held exactly the matrix's n rows. Errors name the file and the row in the file.
 */
export class GoldStream {
  private readonly rows: AlignedRowStream;
  private readonly space: LabelSpace;

  constructor(
    readonly file: string,
    private readonly column: string,
    labels: readonly string[],
    matrixFile = 'the label matrix',
    batchSize = 16384,
  ) {
    this.space = defineLabels(labels);
    this.rows = new AlignedRowStream(file, 'gold', matrixFile, batchSize);
  }

  /** The gold labels of the next `n` rows. */
  async take(n: number): Promise<Int32Array> {
    const { rows, offset } = await this.rows.take(n);
    return readGoldLabels(rows, this.column, this.space, this.file, { allowMissing: true, rowOffset: offset });
  }

  /** Checks nothing is left after the matrix's `n` rows, then closes the file. */
  finish(n: number): Promise<void> {
    return this.rows.finish(n);
  }

  /** Stops reading (on an error elsewhere). */
  close(): Promise<void> {
    return this.rows.close();
  }
}
