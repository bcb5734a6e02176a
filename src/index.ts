// Public API of ballot. Each area adds its exports below.
export { ABSTAIN, defineLabels, MAX_CLASSES, type Abstain, type LabelSpace } from './lf/labels.js';
export { labelingFunction, isLabelingFunction, type LabelingFunction, type LabelingFunctionSpec } from './lf/labeling-function.js';
export { preprocessor, type Preprocessor } from './lf/preprocessor.js';
export { keywordLF, regexLF, thresholdLF, lookupLF, type Field } from './lf/builders.js';
export { applyLFs, createRowVoter, assertUniqueLFNames, type ApplyOptions } from './lf/apply.js';
export { LabelMatrix } from './lf/label-matrix.js';
export { loadLFModules, type LoadedLFs } from './lf/load.js';
export { MajorityVote } from './label-model/majority-vote.js';
export { probsToPreds, TIE_TOLERANCE } from './label-model/predict.js';
export type { LabelModel, LabelModelJSON, FitReport, TiePolicy } from './label-model/types.js';
export { createRng, hashString, type Rng } from './util/rng.js';
export { BallotError, DataError, LabelingFunctionError, ConfigError } from './util/errors.js';
export { writeFileAtomic } from './data/atomic.js';
export { readRows, readRowBatches, formatOf, type ReadOptions, type BatchOptions } from './data/read.js';
export type { Row, Dataset, DataFormat, RowBatch } from './data/types.js';
export { CsvParser, parseCSV, type CsvOptions } from './data/csv.js';
export { JsonlParser, parseJSONL } from './data/jsonl.js';
export { parseArrow, rowsToArrowTable, rowsToArrowIPC, detectArrowFraming } from './data/arrow.js';
export { readGoldLabels, type GoldOptions } from './data/gold.js';
export { writeRows, toCSV, toJSONL, columnsOf, type WriteOptions } from './data/write.js';
export { saveLabelMatrix, loadLabelMatrix, labelMatrixToIPC, labelMatrixFromIPC, LABEL_MATRIX_FORMAT_VERSION } from './data/label-matrix-io.js';
export { applyLFsAsync, createBatchVoter, type AsyncApplyOptions, type BatchVoter } from './lf/apply-async.js';
export { isBatchedLF, type BatchedLabelingFunction } from './lf/batched.js';
export { onnxLabelingFunction, type OnnxLFOptions } from './lf/onnx.js';
export { discoverLFs, type DiscoveredLF, type Discovery } from './lf/discovery.js';
export { SourceAnalyzer, type CodeFingerprint, type SourceLocation } from './lf/fingerprint.js';
export { expandLFPatterns } from './lf/glob.js';
export { applyFile, resolveLabelSpace, type ApplyFileOptions, type ApplyFileReport, type LFRun } from './lf/apply-file.js';
export type { LFSource, LoadOptions } from './lf/load.js';
export { lfSummary, matrixSummary, type LFSummaryRow, type LFSummaryOptions, type MatrixSummary } from './analysis/lf-summary.js';
export { lfCorrelations, type LFCorrelation, type LFCorrelationOptions, type LFPairStats } from './analysis/correlation.js';
export { disagreements, DISAGREEMENT_KINDS, type Disagreement, type DisagreementKind, type DisagreementOptions, type DisagreementReport } from './analysis/disagreements.js';
export { summaryRecords, pairRecords, disagreementRecords } from './analysis/records.js';
export { readAlignedRows, goldFromRows } from './analysis/inputs.js';
export { watchLFs, diffSummaries, formatChanges, type WatchOptions, type WatchRun, type WatchResult, type SummaryChanges, type LFChange } from './lf/watch.js';
export { scaffoldProject, type ScaffoldOptions, type ScaffoldResult } from './lf/scaffold.js';
// Label models (issue 6)
export { DawidSkene, type DawidSkeneOptions } from './label-model/dawid-skene.js';
export { MatrixCompletionModel, type MatrixCompletionOptions } from './label-model/matrix-completion.js';
export { TripletModel, type TripletOptions } from './label-model/triplet.js';
export { WeightedMajorityVote, type WeightedMajorityVoteOptions } from './label-model/weighted-majority-vote.js';
export { AutoLabelModel, AUTO_CANDIDATES, type AutoOptions, type AutoCandidate } from './label-model/auto.js';
export { createLabelModel, loadLabelModel, parseLabelModelKind, LABEL_MODEL_KINDS, type LabelModelKind } from './label-model/registry.js';
export { OverlapStats } from './label-model/stats.js';
export { scorePredictions, expectedScore, parseMetric, METRICS, type Metric } from './label-model/metrics.js';
export type { ModelSelection } from './label-model/types.js';
export { loadWrenchSplit, loadWrenchLabels, listWrenchSets, type WrenchSplit, type WrenchSplitName } from './data/wrench.js';
export {
  createSampleContext, apportion, randomSampler, randomSample, stratifiedSampler, stratifiedSample, uncertaintySampler, uncertaintyScores,
  disagreementSampler, coverageGapSampler, filterUncovered, confidentSampler, strataOf, normalizeText, findDuplicates,
  prepareRecipe, loadRecipe, overrideRecipe, SAMPLER_NAMES, runRecipe, sampleRows, writeSample, PROVENANCE, formatSampleReport,
  type SampleContext, type Sampler, type StratifyBy, type Allocation, type SampleInput, type StratifiedOptions, type UncertaintyOptions,
  type UncertaintyMeasure, type FilterUncoveredOptions, type ConfidentOptions, type Strata, type DedupeOptions, type DedupeResult,
  type Recipe, type RecipePart, type CustomPart, type PreparedRecipe, type SampleResult, type SampleReport, type PartReport, type ClassCount,
} from './sampling/index.js';
export { snorkelTiePick, TIE_POLICIES } from './label-model/predict.js';
export { bestF1Threshold, tuneF1Threshold, predsAtThreshold, type F1ThresholdChoice, type TunedF1Threshold } from './label-model/threshold.js';
export { COLUMN_TYPES, checkColumnTypes, type ColumnType, type RowsToArrowOptions } from './data/arrow.js';
// End model (issue 10): features of the rows themselves + logistic regression on label-model probabilities or gold.
export {
  EndModel, Featurizer, crossFitProba, foldAssignment, calibrationReport, trainOnLabelModel, readEndModelFile, assertEndModelClasses,
  sparseDot, sparseNorm2, sparseSubset, resolveFeatureOptions, END_MODEL_FORMAT, END_MODEL_VERSION,
  type SparseRows, type FeatureOptions, type ResolvedFeatureOptions, type FeaturizerJSON, type Targets, type EndModelOptions,
  type EndModelJSON, type TrainingSummary, type CalibrationReport, type CalibrationBin, type WeakTrainingInput, type WeakTrainingReport,
} from './end-model/index.js';
// Sampling and analysis with the end model (issue 10): end-model samplers, rounds planning, label errors with attribution.
export {
  diverseUncertainSampler, representativeSampler, modelDisagreementSampler, rowUncertainty, diverseSelect, densityScores,
  planNextBatch, planTargets, readLabeledRows, endModelCrossFit,
  type DiverseOptions, type DiverseUncertainOptions, type CoverageGapOptions, type EndModelView, type SparseRowsView,
  type PlanInput, type PlanResult, type SoftTargets, type CrossFit, type RunOptions,
} from './sampling/index.js';
export { findLabelErrors, confidentLearning, ATTRIBUTIONS, type Attribution, type LabelErrorInput, type LabelErrorFlag, type LabelErrorResult, type LabelErrorRanking } from './analysis/label-errors.js';
