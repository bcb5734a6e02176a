import type { SampleReport } from '../../sampling/run-recipe.js';
import { formatTable } from './table.js';

/** The sample report as text: parts, classes (pool before/after dedupe, selected), then notes. */
export function formatSampleReport(report: SampleReport): string {
  const lines: string[] = [];
  const dd = report.dedupe
    ? `; dedupe on ${report.dedupe.columns.join('+')} (threshold ${report.dedupe.threshold}): ${report.pool.exactDuplicates} exact + ${report.pool.nearDuplicates} near duplicates dropped, ${report.pool.afterDedupe} left`
    : '';
  lines.push(`selected ${report.selected} of budget ${report.budget} (seed ${report.seed}) from ${report.pool.rows} rows${dd}`);
  lines.push('');
  const classNames = report.classes.map((c) => c.class);
  // The max column only when some part has one (most recipes have none).
  const hasMax = report.parts.some((p) => p.max !== undefined);
  const maxCell = (v: number | string | undefined) => (hasMax ? [v ?? '—'] : []);
  lines.push(
    formatTable(
      ['part', 'sampler', 'fraction', ...(hasMax ? ['max'] : []), 'target', 'shortfall', 'received', 'picked', ...classNames],
      [
        ...report.parts.map((p) => [
          p.name,
          p.kind,
          p.fraction,
          ...maxCell(p.max),
          p.target,
          p.shortfall,
          p.received,
          p.picked,
          ...classNames.map((c) => report.perPartClass[p.name][c]),
        ]),
        [
          'total',
          '',
          report.parts.reduce((a, p) => a + p.fraction, 0),
          ...maxCell(''),
          report.budget,
          report.parts.reduce((a, p) => a + p.shortfall, 0),
          report.parts.reduce((a, p) => a + p.received, 0),
          report.selected,
          ...report.classes.map((c) => c.selected),
        ],
      ],
    ),
  );
  lines.push('');
  lines.push(
    formatTable(
      ['class', 'pool', 'after dedupe', 'selected'],
      report.classes.map((c) => [c.class, c.pool, c.poolAfterDedupe, c.selected]),
    ),
  );
  if (report.notes.length) {
    lines.push('');
    for (const note of report.notes) lines.push(`note: ${note}`);
  }
  return lines.join('\n');
}
