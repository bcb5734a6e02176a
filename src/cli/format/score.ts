import type { ScoreSummary } from '../../analysis/score.js';
import { formatTable } from './table.js';

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

/** The score summary of `ballot score` (and `predict --gold`): headline metrics, per-class table, confusion matrix. */
export function formatScore(s: ScoreSummary, title = 'score'): string {
  const out: string[] = [];
  out.push(`${title}: ${s.scored} rows with gold labels${s.unlabeled ? ` (${s.unlabeled} without, left out)` : ''}`);
  const metrics = Object.entries(s.metrics).map(([m, v]) => `${m} ${pct(v ?? null)}`);
  out.push(`${metrics.join(', ')}; coverage ${pct(s.coverage)} (accuracy where covered ${pct(s.accuracyCovered)})`, '');
  out.push(
    formatTable(
      ['class', 'precision', 'recall', 'f1', 'support', 'predicted'],
      s.perClass.map((c) => [c.label, pct(c.precision), pct(c.recall), pct(c.f1), c.support, c.predicted]),
    ),
  );
  out.push('', 'confusion matrix (rows: gold, columns: predicted):');
  out.push(
    formatTable(
      ['gold \\ predicted', ...s.labels, 'abstain'],
      s.confusion.map((row, g) => [s.labels[g]!, ...row]),
    ),
  );
  return `${out.join('\n')}\n`;
}
