// ballot's public API, grouped by task. Everything else is reachable through 'ballot/internal' (src/internal.ts),
// which carries no stability promise. A name belongs here when a user script needs it for one of these tasks.

// ── Define labeling functions ──────────────────────────────────────────────────────────────────────────────────
export { ABSTAIN, defineLabels, type Abstain, type LabelSpace } from './matrix/labels.js';
export { labelingFunction, isLabelingFunction, type LabelingFunction, type LabelingFunctionSpec } from './lf/labeling-function.js';
export { preprocessor, type Preprocessor } from './lf/preprocessor.js';
export { keywordLF, regexLF, thresholdLF, lookupLF } from './lf/builders.js';
export { onnxLabelingFunction, type OnnxLFOptions } from './lf/onnx.js';

// ── Apply them: rows → label matrix ────────────────────────────────────────────────────────────────────────────
export { LabelMatrix } from './matrix/label-matrix.js';
export { applyLFs, type ApplyOptions } from './lf/apply.js';
export { applyLFsAsync, type AsyncApplyOptions } from './lf/apply-async.js';
export { applyFile, type ApplyFileOptions, type ApplyFileReport } from './project/apply-file.js';
export { loadLFModules, type LoadedLFs } from './project/load.js';
export { discoverLFs, type DiscoveredLF } from './project/discovery.js';
export { watchLFs, type WatchOptions, type WatchRun } from './project/watch.js';
export { scaffoldProject, type ScaffoldOptions } from './project/scaffold.js';

// ── Label models: votes → probabilistic labels ─────────────────────────────────────────────────────────────────
export { createLabelModel, loadLabelModel, LABEL_MODELS, LABEL_MODEL_KINDS, type LabelModelKind, type ModelOf, type OptionsOf } from './label-model/registry.js';
export { fitLabelModel, type FittedLabelModel } from './label-model/fit-label-model.js';
export { BaseLabelModel } from './label-model/base.js';
export { checkModelFits } from './label-model/alignment.js';
export { predictionRecords } from './label-model/records.js';
export type { LabelModel, LabelModelJSON, FitReport, TiePolicy, ModelSelection } from './label-model/types.js';
export { MajorityVote } from './label-model/majority-vote.js';
export { WeightedMajorityVote } from './label-model/weighted-majority-vote.js';
export { DawidSkene } from './label-model/dawid-skene.js';
export { MatrixCompletionModel } from './label-model/mc/model.js';
export { TripletModel } from './label-model/triplet.js';
export { AutoLabelModel } from './label-model/auto.js';
export { OverlapStats } from './label-model/stats.js';
export { probsToPreds } from './label-model/predict.js';
export { scorePredictions, type Metric } from './label-model/metrics.js';

// ── Checked values: gold labels and probabilities parsed once ─────────────────────────────────────────────────
export { checkGold, checkProbabilities, sameLabels, type GoldLabels, type Probabilities } from './matrix/checked.js';

// ── End model: the rows' own features → classifier trained on probabilistic labels ───────────────────────────
export { EndModel, Featurizer, crossFitProba, calibrationReport, trainOnLabelModel, readEndModelFile, type SparseRows, type FeatureOptions, type Targets, type EndModelOptions, type CalibrationReport } from './end-model/index.js';

// ── Analyze: LF summary, correlations, disagreements ──────────────────────────────────────────────────────────
export { lfSummary, matrixSummary, type LFSummaryRow, type MatrixSummary } from './analysis/lf-summary.js';
export { lfCorrelations, type LFCorrelation } from './analysis/correlation.js';
export { disagreements, type Disagreement, type DisagreementReport } from './analysis/disagreements.js';
export { summaryRecords, disagreementRecords } from './analysis/records.js';
export { scoreLabelModel, scoreSummary, type ScoreSummary } from './analysis/score.js';
export { findLabelErrors, confidentLearning, type LabelErrorFlag, type LabelErrorResult } from './analysis/label-errors.js';

// ── Sample the next training set ──────────────────────────────────────────────────────────────────────────────
export {
  runRecipe, loadRecipe, writeSample, createSampleContext, planNextBatch, readLabeledRows, endModelCrossFit, randomSample, stratifiedSample, filterUncovered, findDuplicates,
  type Recipe, type SampleResult, type SampleReport,
} from './sampling/index.js';

// ── Read and write ────────────────────────────────────────────────────────────────────────────────────────────
export { readRows, readRowBatches } from './data/read.js';
export { writeRows } from './data/write.js';
export { RowWriter, writeRowStream } from './data/row-writer.js';
export { writePredictions } from './project/predictions.js';
export { readGoldLabels } from './data/gold.js';
export { saveLabelMatrix, loadLabelMatrix } from './data/label-matrix-io.js';
export { exportLabelMatrix } from './data/label-matrix-export.js';
export { loadWrenchSplit } from './data/wrench.js';
export { writeFileAtomic, writeJSONFile } from './data/atomic.js';
export type { Row, Dataset } from './data/types.js';

// ── Errors and seeded randomness ──────────────────────────────────────────────────────────────────────────────
export { BallotError, ConfigError, DataError, LabelingFunctionError } from './util/errors.js';
export { createRng } from './util/rng.js';

// ── Report: one self-contained HTML page ──────────────────────────────────────────────────────────────────────
export { collectReportData, buildReport, type ReportInput, type ReportData } from './report/index.js';

// ── Slices and drift: where the labels fail, and when new data moved ─────────────────────────────────────────
export { sliceFunction, type SliceFunction } from './lf/slice-function.js';
export { discoverSlices } from './project/slice-discovery.js';
export { evaluateSlices } from './lf/slice-eval.js';
export { slicesByColumn } from './analysis/slice-columns.js';
export { analyzeSlices, type SliceReport } from './analysis/slices.js';
export { driftReport, type DriftReport } from './analysis/drift.js';
export { parseDriftConditions, evaluateDriftGate } from './analysis/drift-gate.js';
