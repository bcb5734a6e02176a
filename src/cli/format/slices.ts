import type { SliceReport, SliceRow } from '../../analysis/slices.js';
import { formatTable } from './table.js';

const f3 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));
const ci = (m: SliceRow['labelModel']) => (m ? `${m.value.toFixed(3)} [${m.lo.toFixed(3)}, ${m.hi.toFixed(3)}]` : '-');

/** The terminal form: one table row per slice (the whole set first), then the underperforming list and notes. */
export function formatSliceReport(r: SliceReport, modelKind: string): string {
  const hasGold = r.overall.goldRows > 0;
  const hasEnd = r.overall.endModel !== undefined;
  const header = ['slice', 'rows', 'coverage', 'conflict', `votes ${r.labels.at(-1)}`, `lm ${r.labels.at(-1)}`];
  if (hasGold) header.push('gold', `lm ${r.metric} (95% CI)`);
  if (hasEnd) header.push(`end ${r.metric} (95% CI)`);
  if (hasGold) header.push('gap', 'q');
  header.push('flagged', 'LF that shifts most (in vs out)');
  const line = (s: SliceRow) => {
    const row: (string | number)[] = [s.name, s.rows, f3(s.coverage), f3(s.conflict), f3(s.balance.votes.at(-1)), f3(s.balance.labelModel.at(-1))];
    if (hasGold) row.push(s.goldRows, ci(s.labelModel));
    if (hasEnd) row.push(ci(s.endModel));
    if (hasGold)
      row.push(
        s.gap === undefined ? '-' : (s.gap >= 0 ? '+' : '') + s.gap.toFixed(3),
        s.q === undefined ? '-' : s.q < 1e-4 ? s.q.toExponential(1) : s.q.toFixed(4),
      );
    const lf = s.lfs[0];
    row.push(f3(s.flagRate), lf ? `${lf.lf} ${lf.inside.toFixed(2)} vs ${lf.outside.toFixed(2)}` : '-');
    return row;
  };
  const out = [formatTable(header, [line(r.overall), ...r.slices.map(line)], { maxCellWidth: 48 })];
  out.push('');
  if (hasGold) {
    out.push(
      r.underperforming.length
        ? `underperforming (${modelKind} ${r.metric} significantly below the rest, BH q < ${r.alpha}, ≥ ${r.minSize} gold rows), most harmful first: ${r.underperforming.join(', ')}`
        : `no slice does significantly worse than the rest (BH q < ${r.alpha}, ≥ ${r.minSize} gold rows)`,
    );
  }
  out.push(`LF accuracy inside vs outside measured against ${r.lfBasis === 'gold' ? 'gold labels' : "the label model's predictions"}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}
