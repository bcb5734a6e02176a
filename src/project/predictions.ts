import { RowWriter } from '../data/row-writer.js';
import type { Row } from '../data/types.js';
import type { LabelModel, TiePolicy } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ScoreTally, type ScoreSummary } from '../analysis/score.js';
import { GoldStream } from '../data/gold-stream.js';
import { labelMatrixChunks } from '../data/label-matrix-stream.js';
import { decide } from '../label-model/decide.js';

export interface WritePredictionsOptions {
  tiePolicy?: TiePolicy;
  seed?: number;
  /** Rows per written batch (default 65536). */
  batchRows?: number;
}

export interface PredictionSummary {
  /** The hard label written for each row (-1 = abstained). */
  preds: Int32Array;
  rows: number;
  /** Rows per class name, in label order. */
  perClass: Record<string, number>;
  /** Rows left without a label (ties under the abstain policy). */
  abstained: number;
}

/**
 * Writes a model's predictions for a label matrix — columns row, label, label_index, p_<class>… — as CSV, TSV, JSON
 * Lines or Arrow, streamed through a RowWriter: one batch of row objects at a time, so memory is the probabilities
 * (n × k floats) plus one batch, not n objects (a 12M-row predict to CSV ran out of memory at 4.6 GiB). The file is
 * byte-identical to building every row and calling writeRows with the same columns and types.
 */
export function writePredictions(path: string, model: LabelModel, L: LabelMatrix, options: WritePredictionsOptions = {}): PredictionSummary {
  const { tiePolicy = 'abstain', seed = 0 } = options;
  // The model's one decision rule (an auto model chosen for binary F1 applies its dev-tuned cut on covered rows).
  const { probs, preds } = decide(model, L, { tiePolicy, seed });
  return writePredictionRows(path, probs.values, preds, L.labels, options);
}

/**
 * Writes probabilities and hard labels already computed (a label model's, an end model's, merged shards') in the
 * prediction format — row, label, label_index, p_<class>… — streamed in batches like `writePredictions`.
 */
export function writePredictionRows(
  path: string,
  probs: Float64Array,
  preds: Int32Array,
  labels: readonly string[],
  options: { batchRows?: number } = {},
): PredictionSummary {
  const w = new PredictionWriter(path, labels, options);
  try {
    w.write(probs, preds);
    return { ...w.close(), preds };
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * The prediction format written batch by batch: `write(probs, preds)` for each batch of rows in order, then
 * `close()` (atomic rename) or `abort()`. The bytes equal one `writePredictionRows` of all the rows.
 */
export class PredictionWriter {
  private readonly w: RowWriter;
  private readonly probColumns: string[];
  private readonly counts: number[];
  private n = 0;

  constructor(
    readonly path: string,
    private readonly labels: readonly string[],
    options: { batchRows?: number } = {},
  ) {
    this.probColumns = labels.map((name) => `p_${name}`);
    const types = Object.fromEntries(this.probColumns.map((c) => [c, 'float64' as const]));
    this.w = new RowWriter(path, {
      columns: ['row', 'label', 'label_index', ...this.probColumns],
      // Pinned so p_* stay Float64 in Arrow even when every probability is 0 or 1 (majority vote).
      types: { row: 'int32', label: 'utf8', label_index: 'int32', ...types },
      batchRows: options.batchRows,
    });
    this.counts = new Array<number>(labels.length + 1).fill(0);
  }

  /** The next rows: their probabilities (row-major, k per row) and hard labels (-1 = abstained). */
  write(probs: Float64Array, preds: Int32Array): void {
    const { labels, probColumns, counts } = this;
    const k = labels.length;
    for (let i = 0; i < preds.length; i++) {
      const r: Row = Object.create(null);
      r.row = this.n++;
      r.label = preds[i] >= 0 ? labels[preds[i]] : '';
      r.label_index = preds[i];
      for (let y = 0; y < k; y++) r[probColumns[y]] = probs[i * k + y];
      this.w.write(r);
      counts[preds[i] + 1]++;
    }
  }

  /** Finishes the file; the summary of every row written. */
  close(): Omit<PredictionSummary, 'preds'> {
    this.w.close();
    const perClass: Record<string, number> = Object.create(null);
    this.labels.forEach((name, y) => (perClass[name] = this.counts[y + 1]));
    return { rows: this.n, perClass, abstained: this.counts[0] };
  }

  abort(): void {
    this.w.abort();
  }
}

/** Options of `predictFile`. */
export interface PredictFileOptions extends WritePredictionsOptions {
  /** Rows of the label matrix predicted at a time (default 65536, apply's record batches). */
  chunkRows?: number;
  /** Gold labels to score the predictions on, streamed in step: a row file in matrix order and its label column. */
  gold?: { file: string; column: string };
}

/** What `predictFile` wrote, and the score when gold labels were given. */
export interface StreamedPredictionSummary extends Omit<PredictionSummary, 'preds'> {
  score?: ScoreSummary;
}

/**
 * `writePredictions` for a label matrix file, streamed: the matrix is read chunk by chunk (labelMatrixChunks), each
 * chunk predicted with the model's parameters (a label model's probabilities for a row depend on that row's votes
 * only) and its one decision rule (`predictFromProbs`, told the chunk's first row so seeded tie-breaks equal a
 * whole-matrix predict), and written through the same PredictionWriter. Memory is one chunk whatever n is; the file
 * is byte-identical to loadLabelMatrix + writePredictions. With `gold`, the score accumulates as rows go by.
 */
export async function predictFile(
  matrixFile: string,
  out: string,
  model: LabelModel,
  options: PredictFileOptions = {},
): Promise<StreamedPredictionSummary> {
  const { tiePolicy = 'abstain', seed = 0 } = options;
  let writer: PredictionWriter | undefined;
  let tally: ScoreTally | undefined;
  let gold: GoldStream | undefined;
  let labels: readonly string[] = [];
  try {
    for await (const { offset, L } of labelMatrixChunks(matrixFile, {
      chunkRows: options.chunkRows,
      onHeader: (h) => {
        labels = h.labels;
        writer = new PredictionWriter(out, h.labels, options);
        if (options.gold) {
          gold = new GoldStream(options.gold.file, options.gold.column, h.labels, matrixFile);
          tally = new ScoreTally(h.labels.length);
        }
      },
    })) {
      const { probs, preds } = decide(model, L, { tiePolicy, seed, rowOffset: offset });
      writer!.write(probs.values, preds);
      if (gold) tally!.add(await gold.take(L.n), preds, offset);
    }
    if (gold) await gold.finish(tally!.rows);
    const summary = writer!.close();
    return tally ? { ...summary, score: tally.summary(labels) } : summary;
  } catch (e) {
    writer?.abort();
    await gold?.close();
    throw e;
  }
}
