import { goldFromRows, readAlignedRows } from '../data/aligned-rows.js';
import { writeJSONFile } from '../data/atomic.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import type { CandidateOptions } from '../label-model/auto.js';
import { type FittedLabelModel, fitLabelModel } from '../label-model/fit-label-model.js';
import type { LabelModelKind } from '../label-model/kinds.js';
import type { Metric } from '../label-model/metrics.js';
import { sameLabels } from '../matrix/checked.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, DataError } from '../util/errors.js';

export interface FitRunOptions {
  kind: LabelModelKind;
  /** The label matrix file (.arrow from ballot apply, or a WRENCH .json split). */
  L: string;
  /** Where the fitted model is written (JSON). */
  out: string;
  /** A file with gold labels: its rows line up with `L` (empty cells = unlabelled), or with `devL`. */
  dev?: string;
  /** The label matrix of the `dev` rows when they are a separate dev set. */
  devL?: string;
  /** The column of `dev` holding the gold labels. */
  labelColumn?: string;
  metric?: Metric;
  /** The kind's fit options and each auto candidate's, given the matrix's class count (they are checked against it). */
  options?: (k: number) => { options?: Record<string, unknown>; candidates?: CandidateOptions };
}

/**
 * `ballot fit`: fits a label model of `kind` on the matrix (fitLabelModel: with dev gold labels every candidate is
 * scored too, and auto keeps the best) and writes it as JSON. Returns the model, its report and dev scores, and the
 * matrix it was fitted on.
 */
export async function runFit(o: FitRunOptions): Promise<FittedLabelModel<LabelModelKind> & { L: LabelMatrix }> {
  const L = loadLabelMatrix(o.L);
  if (L.n === 0) throw new DataError(o.L, 'the label matrix has no rows: nothing to fit');
  const dev = await readDev(o, L);
  if (o.kind === 'auto' && !dev)
    throw new ConfigError('`model` auto needs `dev` FILE and `labelColumn` COL: it picks the model with the best dev score');
  const { options, candidates } = o.options?.(L.k) ?? {};
  const fitted = fitLabelModel(o.kind, L, {
    dev,
    metric: o.metric,
    options: options as never /* checked by the caller against the kind */,
    candidates,
  });
  writeJSONFile(o.out, fitted.model.toJSON());
  return { ...fitted, L };
}

/** Dev gold labels and the matching label matrix, when `dev` is given. */
async function readDev(o: FitRunOptions, L: LabelMatrix): Promise<{ L: LabelMatrix; gold: Int32Array } | undefined> {
  if (!o.dev) {
    if (o.labelColumn || o.devL) throw new ConfigError('`labelColumn` and `devL` need `dev`: the file holding the gold labels');
    return undefined;
  }
  if (!o.labelColumn) throw new ConfigError('`dev` needs `labelColumn`: the column holding the gold labels');
  const devL = o.devL ? loadLabelMatrix(o.devL) : L;
  if (devL !== L) assertSameLFs(o.L, L, o.devL!, devL);
  const gold = goldFromRows(devL, await readAlignedRows(devL, o.dev, 'dev'), o.labelColumn);
  if (!gold.some((g) => g >= 0)) throw new ConfigError(`${o.dev}: column "${o.labelColumn}" has no gold labels`);
  return { L: devL, gold };
}

/** The dev matrix must come from the same LFs and classes as the training matrix, or its scores mean nothing. */
function assertSameLFs(file: string, L: LabelMatrix, devFile: string, devL: LabelMatrix): void {
  if (!sameLabels(devL.labels, L.labels)) {
    throw new ConfigError(
      `\`devL\` ${devFile} has classes ${devL.labels.join(', ')} but \`L\` ${file} has ${L.labels.join(', ')}: apply the same LFs to both`,
    );
  }
  const train = new Set(L.lfNames);
  if (devL.m !== L.m || devL.lfNames.some((name) => !train.has(name))) {
    throw new ConfigError(
      `\`devL\` ${devFile} has LFs ${devL.lfNames.join(', ')} but \`L\` ${file} has ${L.lfNames.join(', ')}: apply the same LFs to both`,
    );
  }
}
