import { type DisagreementKind, type DisagreementOptions, type DisagreementReport, disagreements } from '../analysis/disagreements.js';
import { disagreementsFromFile } from '../analysis/disagreements-stream.js';
import { disagreementColumns, disagreementRecords } from '../analysis/records.js';
import { goldFromRows, pickAlignedRows, pickRows, readAlignedRows } from '../data/aligned-rows.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import { emptyLabelMatrix, readLabelMatrixHeader } from '../data/label-matrix-stream.js';
import { writeRowStream } from '../data/row-writer.js';
import type { Dataset, Row } from '../data/types.js';
import { crossFitProba } from '../end-model/end-model.js';
import { assertEndModelClasses, readEndModelFile } from '../end-model/file.js';
import { decide } from '../label-model/decide.js';
import { MajorityVote } from '../label-model/majority-vote.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, DataError } from '../util/errors.js';

export interface DisagreementsRunOptions extends Pick<DisagreementOptions, 'top' | 'topPerLF' | 'consensusThreshold'> {
  /** The label matrix file (.arrow from ballot apply). */
  L: string;
  /** The fitted label model for the matrix (its header, on the streamed path); default majority vote. The caller reads and checks the model file. */
  loadModel?: (L: LabelMatrix) => LabelModel;
  /** The model's file, named in errors. */
  modelFile?: string;
  /** Given labels: a data file, rows in label-matrix order, and the column holding them (enables label-error). */
  gold?: { file: string; column: string };
  /** The data file the `show` columns come from (default: the gold file). */
  data?: string;
  /** Data columns to carry next to each flagged row. */
  show?: readonly string[];
  kinds?: DisagreementKind[];
  /** A saved end model: label errors by confident learning on its cross-fitted probabilities (needs `gold`). */
  endModel?: string;
  /** Cross-fitting folds of the end model (default 5). */
  folds?: number;
  /** Write the flagged rows here (.csv, .tsv, .jsonl or .arrow); with nothing flagged, a header only. */
  out?: string;
  csvSafe?: boolean;
}

export interface DisagreementsRun {
  report: DisagreementReport;
  /** The fitted model's kind; undefined when majority vote gave the probabilities. */
  model?: string;
  /** The `show` columns of a flagged row, when columns were asked for. */
  shown?: (row: number) => Row;
}

/**
 * `ballot disagreements`: the rows worth a human look. The label-model variant streams the matrix and the gold file
 * (two passes; memory flat in n); with an end model, which cross-fits on every row at once, the matrix and the data
 * are held in memory. Then the `show` columns of the flagged rows are picked (a second pass over the data file when
 * the rows are not in memory already) and the flagged rows are written to `out`.
 */
export async function runDisagreements(o: DisagreementsRunOptions): Promise<DisagreementsRun> {
  const { report, model, n, rows } = o.endModel ? await withEndModel(o, o.endModel) : await streamed(o);
  const show = o.show ?? [];
  const dataFile = o.data ?? o.gold?.file;
  if (show.length && !dataFile) throw new ConfigError('`show` needs `data` (or `gold`): the file holding those columns');
  const flagged = new Set(report.flags.map((f) => f.row));
  const data = show.length ? (rows ? pickRows(rows, flagged) : await pickAlignedRows(dataFile!, flagged, n, 'data')) : null;
  if (data) checkColumns(data, show);
  const shown = data ? (row: number): Row => Object.fromEntries(show.map((c) => [c, data.rows.get(row)?.[c] ?? null])) : undefined;
  // Explicit columns: with nothing flagged the file is a header only (the previous run's file must not survive).
  if (o.out) writeRowStream(o.out, disagreementRecords(report, shown), { columns: disagreementColumns(report, show), csvSafe: o.csvSafe });
  return { report, model: model?.kind, shown };
}

interface Judged {
  report: DisagreementReport;
  model?: LabelModel;
  /** Rows of the matrix. */
  n: number;
  /** The data file's rows, when the variant read them whole. */
  rows?: Dataset;
}

const judgeOptions = (o: DisagreementsRunOptions) => ({ kinds: o.kinds, top: o.top, topPerLF: o.topPerLF, consensusThreshold: o.consensusThreshold });

const NEEDS_GOLD = '`kinds` label-error needs given labels: pass `gold` <file> `labelColumn` <column>';

/** The label-model variant: matrix and gold streamed in step (disagreementsFromFile). */
async function streamed(o: DisagreementsRunOptions): Promise<Judged> {
  const header = await readLabelMatrixHeader(o.L);
  const model = o.loadModel?.(emptyLabelMatrix(header));
  if (o.kinds?.includes('label-error') && !o.gold) throw new ConfigError(NEEDS_GOLD);
  const { report, rows } = await disagreementsFromFile(o.L, { ...judgeOptions(o), model, gold: o.gold });
  return { report, model, n: rows };
}

/** The end-model variant (label errors by confident learning on cross-fitted end-model probabilities): in memory. */
async function withEndModel(o: DisagreementsRunOptions, endModelFile: string): Promise<Judged> {
  const L = loadLabelMatrix(o.L);
  const model = o.loadModel?.(L);
  const dataFile = o.data ?? o.gold?.file;
  // The gold file is read once: it is also the data file (featurized, and `show` columns) unless `data` is given.
  const goldRows = o.gold ? await readAlignedRows(L, o.gold.file, 'gold') : undefined;
  const gold = o.gold ? goldFromRows(L, goldRows!, o.gold.column) : undefined;
  // One decision rule: the model's own (auto's F1 cut), as `ballot predict` and `ballot sample` label rows.
  const { probs, preds } = decide(model ?? new MajorityVote(), L, { what: o.modelFile ?? 'majority vote' });
  if (o.kinds?.includes('label-error') && !gold) throw new ConfigError(NEEDS_GOLD);
  if (!gold) throw new ConfigError('`endModel` judges given labels: pass `gold` <file> `labelColumn` <column>');
  const endModel = readEndModelFile(endModelFile);
  assertEndModelClasses(endModel, endModelFile, L.labels, o.L);
  const rows = dataFile === o.gold!.file ? goldRows! : await readAlignedRows(L, dataFile!, 'data');
  const X = endModel.featurizer.transform(rows.rows, rows.file);
  const { l2, maxIter, tol } = endModel.training;
  const endProbs = crossFitProba(X, endModel.featurizer, { kind: 'hard', gold }, endModel.labels, { l2, maxIter, tol, folds: o.folds ?? 5, seed: 0 });
  return { report: disagreements(L, probs, { ...judgeOptions(o), preds, endProbs, gold }), model, n: L.n, rows };
}

function checkColumns(data: { file: string; columns: readonly string[] }, show: readonly string[]): void {
  const missing = show.filter((c) => !data.columns.includes(c));
  if (missing.length) throw new DataError(data.file, `no column ${missing.map((c) => `"${c}"`).join(', ')}; columns are ${data.columns.join(', ')}`);
}
