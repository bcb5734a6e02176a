import type { GoldLabels } from '../matrix/checked.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { DawidSkeneOptions } from './dawid-skene.js';
import type { MajorityVoteOptions } from './majority-vote.js';
import type { MatrixCompletionOptions } from './mc/options.js';
import { METRICS, type Metric } from './metrics.js';
import { isBoolean, isDev, isInteger, isObject, isStringList, oneOf, type OptionSpec } from './options.js';
import type { TripletOptions } from './triplet.js';
import type { WeightedMajorityVoteOptions } from './weighted-majority-vote.js';

// auto's options live apart from auto.ts so that the registry table can list them without importing auto.ts at load
// time (auto.ts imports the registry to create its candidates).

/**
 * The label models `auto` chooses among, simplest first: on a tie in dev score the simpler one wins. `mc+balance` is
 * matrix completion with its class balance estimated (classBalance: 'estimate') rather than uniform.
 */
export const AUTO_CANDIDATES = ['mv', 'wmv', 'triplet', 'ds', 'mc', 'mc+balance'] as const;
export type AutoCandidate = (typeof AUTO_CANDIDATES)[number];

/** Options of each candidate's fit, typed per candidate. */
export interface CandidateOptions {
  mv?: MajorityVoteOptions;
  wmv?: WeightedMajorityVoteOptions;
  triplet?: TripletOptions;
  ds?: DawidSkeneOptions;
  mc?: MatrixCompletionOptions;
  'mc+balance'?: MatrixCompletionOptions;
}

export type AutoOptions = {
  /** Gold-labelled dev rows (same LFs and classes as the training matrix); required. */
  dev: { L: LabelMatrix; gold: GoldLabels | ArrayLike<number> };
  /** Metric to choose by (default 'accuracy'). */
  metric?: Metric;
  /** Candidates (default all of AUTO_CANDIDATES; triplet only when k = 2). */
  candidates?: readonly AutoCandidate[];
  /** Options passed to each candidate's fit. */
  options?: CandidateOptions;
  /** WMV estimates accuracies on the dev labels, so it is scored by cross-fitting over this many dev folds (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /**
   * Binary F1 only (default true): also try a decision threshold on P(class 1) tuned on the dev labels, because the
   * most probable class is not the F1-best prediction. The cut is tuned and applied on rows with LF evidence only
   * (rows whose probabilities are not exactly the class balance); rows without votes keep the class balance's
   * decision. A candidate keeps its threshold when the threshold's cross-fitted dev F1 beats its
   * most-probable-class dev F1, and is scored by the better of the two. False: most probable class only.
   */
  tuneThreshold?: boolean;
};

export const AUTO_OPTIONS: OptionSpec<AutoOptions> = {
  dev: isDev,
  metric: oneOf(...METRICS),
  candidates: isStringList,
  options: isObject,
  folds: isInteger,
  seed: isInteger,
  tuneThreshold: isBoolean,
};
