// ballot's public API, grouped by task. Everything else is reachable through 'ballot/internal' (src/internal.ts),
// which carries no stability promise. A name belongs here when a user script needs it for one of these tasks.

// ── Define labeling functions (and slice functions) ───────────────────────────────────────────────────────────
export { ABSTAIN, defineLabels, type LabelSpace } from './matrix/labels.js';
export { labelingFunction, isLabelingFunction, type LabelingFunction } from './lf/labeling-function.js';
export { preprocessor } from './lf/preprocessor.js';
export { keywordLF, regexLF, thresholdLF, lookupLF } from './lf/builders.js';
export { onnxLabelingFunction } from './lf/onnx.js';
export { sliceFunction, type SliceFunction } from './lf/slice-function.js';

// ── Apply them: rows → label matrix ────────────────────────────────────────────────────────────────────────────
export { LabelMatrix } from './matrix/label-matrix.js';
export { applyLFs } from './lf/apply.js';
export { applyLFsAsync } from './lf/apply-async.js';
export { applyFile } from './project/apply-file.js';
export { loadLFModules } from './project/load.js';
export { evaluateSlices } from './lf/slice-eval.js';
export { discoverSlices } from './project/slice-discovery.js';

// ── Label models: votes → probabilistic labels ─────────────────────────────────────────────────────────────────
export { createLabelModel, loadLabelModel, LABEL_MODEL_KINDS, type LabelModelKind } from './label-model/registry.js';
export { fitLabelModel } from './label-model/fit-label-model.js';
export { checkModelFits } from './label-model/alignment.js';
export { predictionRecords } from './label-model/records.js';
export type { LabelModel, FitReport, TiePolicy } from './label-model/types.js';
export { MajorityVote } from './label-model/majority-vote.js';
export { WeightedMajorityVote } from './label-model/weighted-majority-vote.js';
export { DawidSkene } from './label-model/dawid-skene.js';
export { MatrixCompletionModel } from './label-model/mc/model.js';
export { TripletModel } from './label-model/triplet.js';
export { AutoLabelModel } from './label-model/auto.js';
export { scorePredictions } from './label-model/metrics.js';

// ── Checked values: gold labels and probabilities parsed once ─────────────────────────────────────────────────
export { checkGold, checkProbabilities, type GoldLabels, type Probabilities } from './matrix/checked.js';

// ── End model: the rows' own features → classifier trained on probabilistic labels ───────────────────────────
export { EndModel, Featurizer, crossFitProba, calibrationReport, readEndModelFile } from './end-model/index.js';

// ── Analyze: LF summary, correlations, disagreements and label errors, scores, slices, drift ──────────────────
export { lfSummary, matrixSummary, summarizeMatrix, type LFSummaryRow } from './analysis/lf-summary.js';
export { lfCorrelations } from './analysis/correlation.js';
export { disagreements, type DisagreementReport } from './analysis/disagreements.js';
export { disagreementsFromFile } from './analysis/disagreements-stream.js';
export { findLabelErrors } from './analysis/label-errors.js';
export { scoreSummary } from './analysis/score.js';
export { slicesByColumn } from './analysis/slice-columns.js';
export { analyzeSlices, type SliceReport } from './analysis/slices.js';
export { driftReport, type DriftReport } from './analysis/drift.js';
export { parseDriftConditions, evaluateDriftGate } from './analysis/drift-gate.js';

// ── Sample the next training set ──────────────────────────────────────────────────────────────────────────────
export {
  runRecipe,
  sampleBatches,
  loadRecipe,
  writeSample,
  createSampleContext,
  planNextBatch,
  endModelCrossFit,
  randomSample,
  stratifiedSample,
  filterUncovered,
  findDuplicates,
  type Recipe,
  type SampleResult,
  type BatchedSampleResult,
} from './sampling/index.js';

// ── Report: one self-contained HTML page ──────────────────────────────────────────────────────────────────────
export { collectReportData, buildReport } from './report/index.js';

// ── Read and write ────────────────────────────────────────────────────────────────────────────────────────────
export { readRows, readRowsAsync, readRowBatches } from './data/read.js';
export { writeRows } from './data/write.js';
export { writeRowStream } from './data/row-writer.js';
export { predictFile, writePredictions } from './project/predictions.js';
export { readGoldLabels } from './data/gold.js';
export { saveLabelMatrix, loadLabelMatrix } from './data/label-matrix-io.js';
export { loadWrenchSplit } from './data/wrench.js';
export { writeFileAtomic, writeJSONFile } from './data/atomic.js';
export type { Row } from './data/types.js';

// ── Errors and seeded randomness ──────────────────────────────────────────────────────────────────────────────
export { BallotError, ConfigError, DataError, LabelingFunctionError } from './util/errors.js';
export { createRng } from './util/rng.js';
