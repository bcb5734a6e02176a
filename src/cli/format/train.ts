import type { EndModel } from '../../end-model/end-model.js';
import type { WeakTrainingReport } from '../../end-model/weak-training.js';
import { formatTable } from './table.js';

/** The text `ballot train` prints: what the end model was trained on, its agreement with the label model, dev calibration. */
export function formatTrain(out: string, model: EndModel, report: WeakTrainingReport, devFile?: string): string {
  const { rows: n, trainedOn: covered, agreement, cv, dev } = report;
  const t = model.training;
  const lines = [
    `end model trained on ${covered.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows (those with ≥ 1 LF vote; ${(n - covered).toLocaleString('en-US')} uncovered rows left out) × ${t.features.toLocaleString('en-US')} features in ${t.seconds.toFixed(2)} s → ${out}`,
    `${t.iterations} L-BFGS iterations, ${t.converged ? 'converged' : 'not converged (raise --max-iter)'}; features from ${model.featurizer.describeColumns()}`,
    `agrees with the label model's top class on ${pct(agreement)} of the training rows`,
  ];
  if (cv) lines.push(`${cv.folds}-fold out-of-sample agreement with the label model: ${pct(cv.agreement)}`);
  if (dev) {
    lines.push(
      '',
      `dev (${devFile}, ${dev.rows.toLocaleString('en-US')} labelled rows): accuracy ${pct(dev.accuracy)}, log loss ${dev.logLoss.toFixed(4)}, Brier ${dev.brier.toFixed(4)}, ECE ${dev.ece.toFixed(4)}`,
    );
    lines.push(
      formatTable(
        ['confidence', 'rows', 'mean confidence', 'accuracy'],
        dev.bins
          .filter((b) => b.rows > 0)
          .map((b) => [`${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, b.rows, b.confidence.toFixed(3), b.accuracy.toFixed(3)]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
