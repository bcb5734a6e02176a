import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { TIE_TOLERANCE } from '../label-model/predict.js';
import { ConfigError } from '../util/errors.js';

/**
 * Who is probably wrong on a flagged row:
 * - `label`: the end model (which never saw this row's label) and the LF votes agree against the given label
 *   (on a row no LF voted on, the end model alone, when confident);
 * - `lf`: the end model sides with the given label against the LFs: the LFs that voted otherwise are named;
 * - `ambiguous`: the evidence is split (the end model disputes the label but the LFs back it, or neither is sure).
 */
export type Attribution = 'label' | 'lf' | 'ambiguous';
export const ATTRIBUTIONS: readonly Attribution[] = ['label', 'lf', 'ambiguous'];

export type LabelErrorRanking = 'self-confidence' | 'normalized-margin';

export interface LabelErrorInput {
  /** Given labels per row (-1 = unknown, not judged). */
  gold: ArrayLike<number>;
  /** Out-of-sample end-model probabilities, n × k: row i's from a model that never saw row i's label. */
  endProbs: ArrayLike<number>;
  /** The label model's probabilities, n × k (needs `L`). Omit to judge by the end model alone. */
  labelProbs?: ArrayLike<number>;
  /** The LF votes (names the LFs behind an `lf` attribution; rows without votes are judged by the end model alone). */
  L?: LabelMatrix;
  /** Class names (default: L.labels). */
  labels?: readonly string[];
  /** 'normalized-margin' (default): p(suggested) − p(given); 'self-confidence': 1 − p(given). */
  ranking?: LabelErrorRanking;
  /**
   * Exponent β of the label model in the product of experts p ∝ p_end · (p_label / π)^β (default 0: flags and ranks
   * by the end model alone, the LF votes only attribute). Measured on four sets with injected noise (bench/label-errors.ts),
   * every β > 0 lowered precision@k: label models are over-confident where their LFs err, and the end model already
   * learned what the LFs know from the labels.
   */
  lfWeight?: number;
}

export interface LabelErrorFlag {
  row: number;
  given: number;
  /** The class the combined evidence suggests instead. */
  suggested: number;
  /** Ranking score (higher = more likely an error). */
  score: number;
  attribution: Attribution;
  /** For `lf` (and `ambiguous` with LF votes against the label): the LFs that voted for another class than the given one. */
  lfs: string[];
  /** p(given) and p(suggested) under the combined evidence, the end model, and the label model (null when uncovered). */
  pGiven: number;
  pSuggested: number;
  endGiven: number;
  endSuggested: number;
  labelGiven: number | null;
  labelSuggested: number | null;
  covered: boolean;
  /** Flagged only because the label model disputes the label (the combined evidence does not): an LF suspect. */
  lfOnly: boolean;
}

export interface LabelErrorResult {
  /** Flagged rows, best first: combined-evidence flags by score, then the label-model-only ones by score. */
  flags: LabelErrorFlag[];
  /** Per-class thresholds t_y = mean combined p(y) over the rows given y (null: no row given y). */
  thresholds: (number | null)[];
  /** Per row, the combined probabilities used (n × k). */
  combined: Float64Array;
  /** Per row with a given label, its ranking score (−Infinity for rows without one): for precision@k over all rows. */
  scores: Float64Array;
  judged: number;
  judgedUncovered: number;
  counts: Record<Attribution, number>;
}

/**
 * Confident learning on two independent sources of evidence. Per row, the combined class distribution is the
 * product of experts p ∝ p_end · (p_label / π)^β (π = class frequency of the given labels, so the prior is not counted
 * twice; β = `lfWeight`);
 * rows no LF voted on use p_end alone. Per class, t_y = mean combined p(y) over rows given y; a row given g is flagged
 * when some y ≠ g has p(y) ≥ t_y (suggested = the largest such). Rows where the label model alone confidently disputes
 * the label (its own thresholds) are flagged too, so LF mistakes show up as `lf` instead of as label errors.
 */
export function findLabelErrors(input: LabelErrorInput): LabelErrorResult {
  const { gold, endProbs, labelProbs, L } = input;
  const labels = input.labels ?? L?.labels;
  if (!labels) throw new ConfigError('label errors need the class names: pass labels or L');
  const k = labels.length;
  const n = gold.length;
  const ranking = input.ranking ?? 'normalized-margin';
  if (ranking !== 'normalized-margin' && ranking !== 'self-confidence')
    throw new ConfigError(`ranking must be 'normalized-margin' or 'self-confidence', got ${JSON.stringify(ranking)}`);
  if (endProbs.length !== n * k) throw new ConfigError(`end-model probabilities: ${endProbs.length} values, expected n·k = ${n}·${k}`);
  if (labelProbs && !L) throw new ConfigError('label-model probabilities need the label matrix L (to know which rows the LFs voted on)');
  if (labelProbs && labelProbs.length !== n * k)
    throw new ConfigError(`label-model probabilities: ${labelProbs.length} values, expected n·k = ${n}·${k}`);
  if (L && (L.n !== n || L.k !== k))
    throw new ConfigError(`the label matrix is ${L.n} rows × ${L.k} classes, the labels describe ${n} rows × ${k} classes`);
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    if (!Number.isInteger(g) || g < -1 || g >= k)
      throw new ConfigError(`given labels: row ${i} has label ${g}, expected -1 (unknown) or 0..${k - 1}`);
  }
  const beta = input.lfWeight ?? 0;
  if (!(beta >= 0 && Number.isFinite(beta))) throw new ConfigError(`lfWeight must be a number ≥ 0, got ${input.lfWeight}`);
  const covered = new Uint8Array(n);
  if (L) {
    const vc = L.voteCounts();
    for (let i = 0; i < n; i++) covered[i] = vc[i] > 0 ? 1 : 0;
  }

  // Class prior of the given labels (smoothed), divided out once in the product of experts.
  const prior = new Float64Array(k).fill(1);
  for (let i = 0; i < n; i++) if (gold[i] >= 0) prior[gold[i]]++;
  const ptotal = prior.reduce((a, b) => a + b, 0);
  for (let y = 0; y < k; y++) prior[y] /= ptotal;

  const combined = new Float64Array(n * k);
  // With beta 0 (the default weight) the label model's factor is 1: skip its n·k powers.
  const weighLabel = labelProbs !== undefined && beta !== 0;
  for (let i = 0; i < n; i++) {
    const b = i * k;
    let s = 0;
    for (let y = 0; y < k; y++) {
      let v = endProbs[b + y];
      if (weighLabel && covered[i]) v *= (Math.max(labelProbs![b + y], 1e-6) / prior[y]) ** beta;
      combined[b + y] = v;
      s += v;
    }
    if (s > 0) for (let y = 0; y < k; y++) combined[b + y] /= s;
    else for (let y = 0; y < k; y++) combined[b + y] = 1 / k;
  }

  const thresholds = classThresholds(combined, gold, n, k, () => true);
  const labelT = labelProbs ? classThresholds(labelProbs, gold, n, k, (i) => covered[i] === 1) : null;

  const flags: LabelErrorFlag[] = [];
  const scores = new Float64Array(n).fill(-Infinity);
  const counts: Record<Attribution, number> = { label: 0, lf: 0, ambiguous: 0 };
  let judged = 0;
  let judgedUncovered = 0;
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    if (g < 0) continue;
    judged++;
    if (!covered[i]) judgedUncovered++;
    const b = i * k;
    const top = argmaxOther(combined, b, k, g);
    scores[i] = ranking === 'self-confidence' ? 1 - combined[b + g] : combined[b + top] - combined[b + g];
    let suggested = confidentOther(combined, b, k, g, thresholds);
    // The label model alone confidently disputing the label: flagged so the attribution can say whether the LFs erred.
    let lfOnly = false;
    if (suggested < 0 && labelProbs && labelT && covered[i]) {
      const s = confidentOther(labelProbs, b, k, g, labelT);
      if (s >= 0) {
        suggested = s;
        lfOnly = true;
      }
    }
    if (suggested < 0) continue;

    // Each source's own verdict: does it prefer another class over the given one (beyond a tie)?
    const endAgainst = prefersOther(endProbs, b, k, g);
    const endBacks = prefersGiven(endProbs, b, k, g);
    const lfAgainst = labelProbs !== undefined && covered[i] === 1 && prefersOther(labelProbs, b, k, g);
    let attribution: Attribution;
    if (endAgainst && (lfAgainst || !covered[i])) attribution = 'label';
    else if (endBacks && lfAgainst) attribution = 'lf';
    else attribution = 'ambiguous';
    counts[attribution]++;
    const lfs: string[] = [];
    if (L && attribution !== 'label') {
      for (let j = 0; j < L.m; j++) {
        const v = L.votes[i * L.m + j];
        if (v !== ABSTAIN && v !== g) lfs.push(L.lfNames[j]);
      }
    }
    flags.push({
      row: i,
      given: g,
      suggested,
      score: scores[i],
      lfOnly,
      attribution,
      lfs,
      pGiven: combined[b + g],
      pSuggested: combined[b + suggested],
      endGiven: endProbs[b + g],
      endSuggested: endProbs[b + suggested],
      labelGiven: labelProbs && covered[i] ? labelProbs[b + g] : null,
      labelSuggested: labelProbs && covered[i] ? labelProbs[b + suggested] : null,
      covered: covered[i] === 1,
    });
  }
  // Flags from the end-model evidence first; those only the label model raised (LF suspects) after them.
  flags.sort((a, b) => Number(a.lfOnly) - Number(b.lfOnly) || b.score - a.score || a.row - b.row);
  return { flags, thresholds, combined, scores, judged, judgedUncovered, counts };
}

/** t_y = mean p(y) over the rows (passing `keep`) given y; null when none is. */
function classThresholds(p: ArrayLike<number>, gold: ArrayLike<number>, n: number, k: number, keep: (i: number) => boolean): (number | null)[] {
  const sum = new Float64Array(k);
  const cnt = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    if (g < 0 || !keep(i)) continue;
    sum[g] += p[i * k + g];
    cnt[g]++;
  }
  return Array.from(sum, (s, y) => (cnt[y] > 0 ? s / cnt[y] : null));
}

/** The class other than g with the largest probability. */
function argmaxOther(p: ArrayLike<number>, b: number, k: number, g: number): number {
  let best = g === 0 ? 1 : 0;
  for (let y = 0; y < k; y++) if (y !== g && p[b + y] > p[b + best]) best = y;
  return best;
}

/** The most probable class y ≠ g with p(y) ≥ t_y and p(y) above p(g), or -1. */
function confidentOther(p: ArrayLike<number>, b: number, k: number, g: number, t: (number | null)[]): number {
  let best = -1;
  for (let y = 0; y < k; y++) {
    if (y === g) continue;
    const ty = t[y];
    if (ty === null || p[b + y] < ty || p[b + y] - p[b + g] <= TIE_TOLERANCE) continue;
    if (best < 0 || p[b + y] > p[b + best]) best = y;
  }
  return best;
}

/** Is some class other than g more probable than g (beyond a tie)? */
function prefersOther(p: ArrayLike<number>, b: number, k: number, g: number): boolean {
  return p[b + argmaxOther(p, b, k, g)] - p[b + g] > TIE_TOLERANCE;
}

/** Is g more probable than every other class (beyond a tie)? */
function prefersGiven(p: ArrayLike<number>, b: number, k: number, g: number): boolean {
  return p[b + g] - p[b + argmaxOther(p, b, k, g)] > TIE_TOLERANCE;
}

/**
 * Plain confident learning on one probability matrix (the baseline): flag rows given g where some y ≠ g has
 * p(y) ≥ t_y; scores are p(top other) − p(g) for every row with a given label.
 */
export function confidentLearning(probs: ArrayLike<number>, gold: ArrayLike<number>, k: number): { flagged: Uint8Array; scores: Float64Array } {
  const n = gold.length;
  const t = classThresholds(probs, gold, n, k, () => true);
  const flagged = new Uint8Array(n);
  const scores = new Float64Array(n).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    if (g < 0) continue;
    const b = i * k;
    scores[i] = probs[b + argmaxOther(probs, b, k, g)] - probs[b + g];
    if (confidentOther(probs, b, k, g, t) >= 0) flagged[i] = 1;
  }
  return { flagged, scores };
}
