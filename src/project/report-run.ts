import { goldFromRows, readAlignedRows } from '../data/aligned-rows.js';
import { writeFileAtomic } from '../data/atomic.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import { readRowsAsync } from '../data/read.js';
import type { Dataset } from '../data/types.js';
import { assertEndModelClasses, readEndModelFile } from '../end-model/file.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { buildReport, collectReportData } from '../report/index.js';
import type { ReportData } from '../report/types.js';
import { ConfigError, DataError } from '../util/errors.js';

export interface ReportRunOptions {
  /** The label matrix file (.arrow from ballot apply). */
  L: string;
  /** The fitted label model for the matrix (default majority vote): the caller reads and checks the model file. */
  loadModel?: (L: LabelMatrix) => LabelModel;
  /** The model's file, named on the page. */
  modelFile?: string;
  /** A saved end model: its probabilities on the rows of `data` (class balance, calibration, its flags). */
  endModel?: string;
  /** The data file, rows in label-matrix order (default: `gold`): the flags' text, the `by` column, the end model's rows. */
  data?: string;
  /** Column of the data holding the text shown with each flag. */
  textColumn?: string;
  /** Given labels: a data file in label-matrix order and the column holding them. */
  gold?: string;
  labelColumn?: string;
  /** The next training set from ballot sample (with _row, _part, _label) drawn from `L`. */
  sample?: string;
  /** Column of the data to slice by. */
  by?: string;
  /** Flags listed in the page at most (the counts always cover every row). */
  maxFlags?: number;
  title?: string;
  /** The page (.html), one self-contained file. */
  out: string;
}

/** What `runReport` wrote. */
export interface ReportRunSummary {
  out: string;
  bytes: number;
  rows: number;
  lfs: number;
  /** Flags listed in the page. */
  flags: number;
  found: ReportData['found'];
}

/**
 * `ballot report`: reads the matrix, the model, the gold labels, the data rows, the sample and the end model's
 * probabilities, collects the report data (collectReportData) and writes the self-contained HTML page.
 */
export async function runReport(o: ReportRunOptions): Promise<ReportRunSummary> {
  if (!/\.html?$/i.test(o.out)) throw new ConfigError(`\`out\` must be an .html file, got ${o.out}`);
  if (o.maxFlags !== undefined && (!Number.isInteger(o.maxFlags) || o.maxFlags < 0))
    throw new ConfigError(`\`maxFlags\` must be a non-negative integer, got ${o.maxFlags}`);
  if (o.gold && !o.labelColumn) throw new ConfigError('`gold` needs `labelColumn`: the column holding the given labels');
  if (o.labelColumn && !o.gold) throw new ConfigError('`labelColumn` needs `gold`: the file holding that column');
  const dataFile = o.data ?? o.gold;
  if (o.textColumn && !dataFile) throw new ConfigError('`textColumn` needs `data`: the file holding that column');
  if (o.by && !dataFile) throw new ConfigError('`by` needs `data`: the file holding that column');
  if (o.endModel && !dataFile) throw new ConfigError('`endModel` needs `data`: the rows the end model reads');
  if (o.data && !o.textColumn && !o.by && !o.endModel)
    throw new ConfigError('`data` is read for `textColumn`, `by` and `endModel`: pass one of them (or drop `data`)');

  const L = loadLabelMatrix(o.L);
  const model = o.loadModel?.(L);
  const goldRows = o.gold ? await readAlignedRows(L, o.gold, 'gold', o.L) : undefined;
  const gold = goldRows ? goldFromRows(L, goldRows, o.labelColumn!) : undefined;
  const wantData = o.textColumn || o.by || o.endModel;
  const data = wantData ? (dataFile === o.gold && goldRows ? goldRows : await readAlignedRows(L, dataFile!, 'data', o.L)) : undefined;
  if (data && o.textColumn) requireColumn(data, o.textColumn, 'textColumn');
  if (data && o.by) requireColumn(data, o.by, 'by');
  const sampleRows = o.sample ? (await readRowsAsync(o.sample)).rows : undefined;
  let endModelProbs: Float64Array | undefined;
  if (o.endModel) {
    const endModel = readEndModelFile(o.endModel);
    assertEndModelClasses(endModel, o.endModel, L.labels, o.L);
    endModelProbs = endModel.predictProba(data!.rows, data!.file);
  }
  const report = collectReportData({
    L,
    model,
    gold,
    rows: data?.rows,
    textColumn: o.textColumn,
    by: o.by,
    sampleRows,
    endModelProbs,
    maxFlags: o.maxFlags,
    title: o.title,
    sources: { L: o.L, model: o.modelFile, endModel: o.endModel, data: data ? dataFile : undefined, gold: o.gold, sample: o.sample },
  });
  const html = await buildReport(report);
  writeFileAtomic(o.out, html);
  return { out: o.out, bytes: Buffer.byteLength(html), rows: L.n, lfs: L.m, flags: report.flags.length, found: report.found };
}

function requireColumn(ds: Dataset, column: string, option: string): void {
  if (!ds.columns.includes(column)) throw new DataError(ds.file, `no column "${column}" (\`${option}\`); columns are ${ds.columns.join(', ')}`);
}
