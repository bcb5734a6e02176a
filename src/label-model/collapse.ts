import type { LabelMatrix } from '../matrix/label-matrix.js';
import { argmaxRow, coveredSample } from '../matrix/covered-sample.js';
import type { FitReport, LabelModel } from './types.js';

/**
 * Signs that a fit degenerated, read off the training matrix beside majority vote on the rows with votes:
 * - a class absorbs (almost) everything: ≥ 95% of the rows go to one class that majority vote gives 10 points fewer;
 * - a class vanishes: one majority vote gives ≥ 5% of the rows gets under a fifth of that;
 * - most LFs are below chance: learned accuracy < 1/k for more than half of the LFs;
 * - its labels on those rows are far from majority vote's class mix (total variation > 0.1);
 * - the classes look switched: the model agrees with majority vote on under half the rows where MV has one winner.
 * `classMix: false` leaves out the class-mix sign (a model may rightly move the mix; the DS guard refits on the
 * other, harder signs only). Each sign is one sentence; none is an error (a model may be right to disagree with MV), but a user must be told.
 */
export function collapseWarnings(model: LabelModel, L: LabelMatrix, options: { classMix?: boolean } = {}): string[] {
  const check = collapseCheck(model, L);
  return (options.classMix ?? true) && check.classMix ? [check.classMix, ...check.warnings] : check.warnings;
}

/** What one look at the covered sample gives: the collapse signs, the soft class-mix sign apart, and MV agreement. */
export interface CollapseCheck {
  /** The hard signs (collapseWarnings with `classMix: false`). */
  warnings: string[];
  /** The class-mix sign, when the labels' mix is far from majority vote's and no class absorbed or vanished. */
  classMix?: string;
  /**
   * Share of the sample rows where majority vote has one winner on which the model's most probable class is that
   * winner; NaN when no row has one. A model d points below majority vote's accuracy disagrees with it on at least d%
   * of those rows, so among refits with no sign of collapse the DS guard keeps the one that agrees most.
   */
  agreement: number;
}

/** collapseWarnings' signs and the majority-vote agreement from one prediction of the covered sample. */
export function collapseCheck(model: LabelModel, L: LabelMatrix): CollapseCheck {
  const { k } = L;
  const sample = coveredSample(L);
  const size = sample.rows.length;
  const warnings: string[] = [];
  let classMix: string | undefined;
  let agreement = Number.NaN;
  if (size > 0) {
    const probs = model.predictProba(sample.L);
    const { mvShare, mvWinner } = sample;
    const modelShare = new Float64Array(k);
    let decided = 0;
    let agree = 0;
    for (let r = 0; r < size; r++) {
      const top = argmaxRow(probs, r, k);
      modelShare[top]++;
      if (mvWinner[r] >= 0) {
        decided++;
        if (mvWinner[r] === top) agree++;
      }
    }
    if (decided) agreement = agree / decided;
    const pct = (x: number) => `${Math.round((100 * x) / size)}%`;
    for (let y = 0; y < k; y++) {
      if (modelShare[y] >= 0.95 * size && mvShare[y] <= modelShare[y] - 0.1 * size) {
        warnings.push(
          `class ${L.labels[y]} absorbs ${pct(modelShare[y])} of the rows with votes (majority vote gives it ${pct(mvShare[y])}): the fit may have collapsed`,
        );
      }
      if (mvShare[y] >= 0.05 * size && modelShare[y] < mvShare[y] / 5) {
        warnings.push(`class ${L.labels[y]} vanished: ${pct(modelShare[y])} of the rows with votes (majority vote gives it ${pct(mvShare[y])})`);
      }
    }
    let tv = 0;
    for (let y = 0; y < k; y++) tv += Math.abs(modelShare[y] - mvShare[y]) / 2;
    if (tv > 0.1 * size && !warnings.length) {
      const shares = (x: Float64Array) => L.labels.map((name, y) => `${name} ${pct(x[y])}`).join(', ');
      classMix = `its labels on the rows with votes (${shares(modelShare)}) are far from majority vote's (${shares(mvShare)}): check it against gold labels before trusting it`;
    }
    if (decided >= 20 && agree < 0.5 * decided) {
      warnings.push(
        `agrees with majority vote on only ${Math.round((100 * agree) / decided)}% of the rows where majority vote has one winner: classes may be switched or the fit degenerate`,
      );
    }
  }
  const acc = model.accuracies();
  if (acc && acc.length >= 3) {
    const below = acc.filter((a) => a < 1 / k).length;
    if (below > acc.length / 2)
      warnings.push(
        `${below} of ${acc.length} LFs have a learned accuracy below chance (1/${k}): the model reads most votes as evidence against their class`,
      );
  }
  return { warnings, ...(classMix === undefined ? {} : { classMix }), agreement };
}

/** Adds the collapse warnings of a fit to its report (`warnings`, and as notes so every reader sees them). */
export function withCollapseCheck(model: LabelModel, L: LabelMatrix, report: FitReport): FitReport {
  return withWarnings(report, collapseWarnings(model, L));
}

/** Adds warnings already computed to a fit report. */
export function withWarnings(report: FitReport, warnings: string[]): FitReport {
  if (warnings.length === 0) return report;
  report.warnings = [...(report.warnings ?? []), ...warnings];
  report.notes = [...(report.notes ?? []), ...warnings.map((w) => `possible degenerate fit: ${w}`)];
  return report;
}
