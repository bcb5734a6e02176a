import type { DriftReport } from '../../analysis/drift.js';
import { formatTable } from './table.js';

/** The terminal form: the verdict line, a ranked table of checks, then gate failures and notes. */
export function formatDriftReport(r: DriftReport, gate: { condition: string; checks: string[] }[] = []): string {
  const p = (x: number) => (x < 1e-4 ? x.toExponential(1) : x.toFixed(4));
  const rows = r.checks.map((c) => [
    c.name,
    c.test,
    p(c.pAdjusted),
    c.significant ? 'yes' : '',
    c.psi.toFixed(3),
    `${c.effect.name} ${c.effect.value.toFixed(3)}`,
    c.detail,
  ]);
  const out = [
    r.verdict.line,
    `reference ${r.rows.reference} rows, new ${r.rows.current} rows, ${r.lfs.compared.length} LFs compared`,
    '',
    formatTable(['check', 'test', 'p (Holm)', 'drift', 'psi', 'effect', 'what moved'], rows, { maxCellWidth: 110 }),
  ];
  for (const n of r.notes) out.push(`note: ${n}`);
  for (const g of gate) out.push(`fail-on ${g.condition}: ${g.checks.join(', ')}`);
  return `${out.join('\n')}\n`;
}
