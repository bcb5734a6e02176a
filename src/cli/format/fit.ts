import type { LabelModel, FitReport, ModelSelection } from '../../label-model/types.js';
import type { LabelMatrix } from '../../matrix/label-matrix.js';
import { formatTable } from './table.js';

/** The text `ballot fit` prints: the fit, its notes, the dev table (with dev labels) and the learned accuracies. */
export function formatFit(out: string, L: LabelMatrix, r: FitReport, model: LabelModel, selection?: ModelSelection): string {
  const lines: string[] = [];
  const chosen = model.kind === 'auto' ? `auto → ${selection?.chosen ?? r.selection?.chosen ?? '?'}` : model.kind;
  lines.push(`${chosen} fitted on ${r.n.toLocaleString('en-US')} rows × ${r.m} LFs × ${r.k} classes in ${(r.seconds ?? 0).toFixed(2)} s → ${out}`);
  const conv = r.iterations ? `; ${r.iterations} iterations, ${r.converged ? 'converged' : 'not converged'}` : '';
  lines.push(`rows without votes (get the class balance): ${r.uncoveredRows.toLocaleString('en-US')}${conv}`);
  const p = model.classBalance();
  lines.push(`class balance: ${L.labels.map((name, y) => `${name} ${p[y].toFixed(3)}`).join(', ')}`);
  for (const note of r.notes ?? []) lines.push(`note: ${note}`);
  if (selection) lines.push('', ...formatSelection(L, selection, model.kind === 'auto'));
  const acc = model.accuracies();
  if (acc) {
    lines.push('');
    lines.push(
      formatTable(
        ['lf', 'learned accuracy'],
        L.lfNames.map((name, j) => [name, acc[j]]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function formatSelection(L: LabelMatrix, selection: ModelSelection, isAuto: boolean): string[] {
  const lines = [`dev ${selection.metric} on ${selection.devRows.toLocaleString('en-US')} labelled rows:`];
  const tuned = selection.scores.some((s) => s.threshold !== undefined);
  const header = tuned ? ['model', selection.metric, `F1 threshold P(${L.labels[1]})`, ''] : ['model', selection.metric, ''];
  lines.push(
    formatTable(
      header,
      selection.scores.map((s) => [
        s.model,
        Number.isNaN(s.score) ? `failed: ${s.error}` : s.score,
        ...(tuned ? [s.threshold === undefined ? '' : s.threshold.toPrecision(4)] : []),
        s.model === selection.chosen ? 'best' : '',
      ]),
    ),
  );
  if (tuned) lines.push('a threshold is listed where one tuned on dev beat the most probable class; its score is cross-fitted');
  if (selection.threshold !== undefined && isAuto) {
    lines.push(
      `predict labels ${L.labels[1]} iff P(${L.labels[1]}) > ${selection.threshold.toPrecision(4)} (binary F1 threshold tuned on dev) on rows with votes; rows without votes keep the class balance's label`,
    );
  }
  return lines;
}
