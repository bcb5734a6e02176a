// Budgeted sampling of the next training set: samplers, recipes, dedupe, provenance output.
export type { Row, SampleContext, Sampler, StratifyBy, Allocation } from './types.js';
export { createSampleContext, type SampleInput } from './context.js';
export { apportion } from './apportion.js';
export { randomSampler, randomSample } from './random.js';
export { stratifiedSampler, stratifiedSample, type StratifiedOptions } from './stratified.js';
export { uncertaintySampler, uncertaintyScores, type UncertaintyOptions, type UncertaintyMeasure } from './uncertainty.js';
export { disagreementSampler } from './disagreement.js';
export { coverageGapSampler, filterUncovered, type FilterUncoveredOptions, type CoverageGapOptions } from './coverage.js';
export {
  diverseUncertainSampler,
  representativeSampler,
  modelDisagreementSampler,
  rowUncertainty,
  type DiverseOptions,
  type DiverseUncertainOptions,
} from './end-model-samplers.js';
export { diverseSelect } from './diversity.js';
export { densityScores } from './density.js';
export type { EndModelView, SparseRowsView } from './feature-view.js';
export { confidentSampler, type ConfidentOptions } from './confident.js';
export { strataOf, type Strata } from './strata.js';
export { normalizeText } from './normalize-text.js';
export { findDuplicates, type DedupeOptions, type DedupeResult } from './dedupe.js';
export {
  prepareRecipe,
  loadRecipe,
  overrideRecipe,
  SAMPLER_NAMES,
  type Recipe,
  type RecipePart,
  type CustomPart,
  type PreparedRecipe,
} from './recipe.js';
export { sampleBatches, type SampleBatchesOptions } from './batched.js';
export { SampleCandidates, selectCandidates, batchable, type BatchedSampleResult, type CandidateRow } from './candidates.js';
export { runRecipe, type RunOptions, type SampleResult, type SampleReport, type PartReport, type ClassCount } from './run-recipe.js';
export { sampleRows, writeSample, PROVENANCE } from './output.js';
export { driftSampler, driftScores, type DriftSamplerOptions } from './drift.js';
export type { DriftReference } from './types.js';
export { planNextBatch, planTargets, type PlanInput, type PlanResult, type SoftTargets, type CrossFit } from './plan.js';
export { readLabeledRows } from './labeled.js';
export { endModelCrossFit } from './end-model-adapter.js';
