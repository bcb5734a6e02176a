import type { GoldLabels } from '../matrix/checked.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { AutoLabelModel, compareCandidates, type AutoOptions, type CandidateOptions } from './auto.js';
import type { LabelModelKind } from './kinds.js';
import type { Metric } from './metrics.js';
import { createLabelModel, type ModelOf, type OptionsOf } from './registry.js';
import type { FitReport, LabelModel, ModelSelection } from './types.js';

export interface FitLabelModelOptions<K extends LabelModelKind> {
  /** Gold-labelled dev rows: every candidate is scored on them (auto chooses by them; wmv counts its accuracies). */
  dev?: { L: LabelMatrix; gold: GoldLabels | ArrayLike<number> };
  /** Dev metric (default 'accuracy'). */
  metric?: Metric;
  /** Options of the requested kind's fit (for auto: its own, besides dev and metric). */
  options?: K extends 'auto' ? Omit<AutoOptions, 'dev' | 'metric'> : OptionsOf<K>;
  /** Options of the other candidates when they are scored on dev (the requested kind takes `options`). */
  candidates?: CandidateOptions;
}

/** A fitted model, its fit report and, with dev labels, every candidate's dev score. */
export interface FittedLabelModel<K extends LabelModelKind> {
  model: ModelOf<K>;
  report: FitReport;
  selection?: ModelSelection;
}

/**
 * Fits a label model of `kind` on L. With dev gold labels every auto candidate is fitted and scored too (the table a
 * user compares models by), and the requested kind is the candidate already fitted, not a second fit; `auto` keeps
 * the best. A kind that is no candidate here (triplet on k > 2) or whose candidate fit failed is fitted on its own, so
 * its own error surfaces.
 */
export function fitLabelModel<K extends LabelModelKind>(kind: K, L: LabelMatrix, o: FitLabelModelOptions<K> = {}): FittedLabelModel<K> {
  const own = (o.options ?? {}) as Record<string, unknown>;
  if (!o.dev) {
    const model = createLabelModel(kind);
    const report = (model as LabelModel).fit(L, own);
    return { model, report };
  }
  if (kind === 'auto') {
    const model = new AutoLabelModel();
    const candidates = { ...o.candidates, ...((own.options as CandidateOptions | undefined) ?? {}) };
    const report = model.fit(L, { ...own, dev: o.dev, metric: o.metric, options: candidates });
    return { model: model as ModelOf<K>, report, selection: report.selection };
  }
  const comparison = compareCandidates(L, { dev: o.dev, metric: o.metric, options: { ...o.candidates, [kind]: own } });
  const fit = comparison.fits.find((f) => f.name === kind && f.model && f.report);
  if (fit) return { model: fit.model as ModelOf<K>, report: fit.report!, selection: comparison.selection };
  const model = createLabelModel(kind);
  const report = (model as LabelModel).fit(L, kind === 'wmv' ? { ...own, dev: o.dev } : own);
  return { model, report, selection: comparison.selection };
}
