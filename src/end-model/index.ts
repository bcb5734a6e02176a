// The end model stage: features of the rows themselves + a classifier trained on label-model probabilities or gold.
export { type SparseRows, sparseDot, sparseNorm2, sparseSubset } from './sparse.js';
export { Featurizer, resolveFeatureOptions, type FeatureOptions, type ResolvedFeatureOptions, type FeaturizerJSON } from './features.js';
export {
  EndModel,
  crossFitProba,
  foldAssignment,
  END_MODEL_FORMAT,
  END_MODEL_VERSION,
  type Targets,
  type EndModelOptions,
  type EndModelJSON,
  type TrainingSummary,
} from './end-model.js';
export { calibrationReport, type CalibrationReport, type CalibrationBin } from './calibration.js';
export { readEndModelFile, assertEndModelClasses } from './file.js';
export { trainOnLabelModel, type WeakTrainingInput, type WeakTrainingReport } from './weak-training.js';
