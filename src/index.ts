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
