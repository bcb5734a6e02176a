import { readFileSync } from 'node:fs';
import { MatrixCompletionModel } from '../../label-model/mc/model.js';
import type { MatrixCompletionOptions } from '../../label-model/mc/options.js';
import { TripletModel } from '../../label-model/triplet.js';
import type { FitReport, LabelModel } from '../../label-model/types.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { decodeStats } from './files.js';

/** Label models that fit from overlap statistics alone; the others need the rows (vote patterns). */
export const STATS_MODEL_KINDS = ['mc', 'triplet'] as const;

export interface StatsFitOptions {
  classBalance?: readonly number[];
  preset?: MatrixCompletionOptions['preset'];
  epochs?: number;
  seed?: number;
}

/**
 * Fits mc or triplet from a merged statistics file (ballot apply --queue writes it next to the matrix) without reading
 * a row. The model equals the one `fit` makes from the label matrix: the statistics are the same sums.
 */
export function fitFromStatsFile(path: string, kind: string, options: StatsFitOptions = {}): { model: LabelModel; report: FitReport } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new DataError(path, 'no such statistics file (ballot apply --queue writes <out>.stats)');
  }
  const { header, stats } = decodeStats(bytes, path);
  if (stats.n === 0) throw new DataError(path, 'the statistics cover no rows: nothing to fit');
  const cb = options.classBalance;
  if (cb && (cb.length !== stats.k || cb.some((x) => !(x > 0))))
    throw new ConfigError(`class balance needs ${stats.k} positive numbers, got ${cb.join(',')}`);
  if (kind === 'mc') {
    const model = new MatrixCompletionModel();
    const report = model.fitStats(stats, header.labels, header.lfNames, {
      classBalance: cb,
      preset: options.preset,
      epochs: options.epochs,
      seed: options.seed,
    });
    return { model, report };
  }
  if (options.preset !== undefined || options.epochs !== undefined || options.seed !== undefined)
    throw new ConfigError('preset, epochs and seed apply to the mc model only');
  if (kind === 'triplet') {
    const model = new TripletModel();
    return { model, report: model.fitStats(stats, header.labels, header.lfNames, { classBalance: cb }) };
  }
  throw new ConfigError(
    `model "${kind}" cannot fit from statistics: it needs each row's votes (fit it on the label matrix with ballot fit); from statistics: ${STATS_MODEL_KINDS.join(', ')}`,
  );
}
