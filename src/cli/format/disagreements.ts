import { DISAGREEMENT_KINDS, type DisagreementKind, type DisagreementReport } from '../../analysis/disagreements.js';
import type { Row } from '../../data/types.js';
import { colourText, formatTable, type Colour } from './table.js';

const KIND_COLOUR: Record<DisagreementKind, Colour> = { 'label-error': 'red', 'lf-conflict': 'yellow', 'lf-mistake': 'magenta' };
const KIND_TITLE: Record<DisagreementKind, string> = {
  'label-error': 'likely label errors (the model confidently contradicts the given label)',
  'lf-conflict': 'LF conflicts (highest vote entropy)',
  'lf-mistake': 'LF mistakes (an LF votes against a confident consensus)',
};

/** The terminal report: one table per kind, with counts, thresholds and what could not be judged. */
export function formatDisagreements(
  r: DisagreementReport,
  source: string,
  show: readonly string[],
  extra: ((row: number) => Row) | undefined,
  colour: boolean,
): string {
  const f2 = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  const out: string[] = [`probabilistic labels: ${source}`];
  for (const note of r.notes) out.push(`note: ${note}`);
  for (const kind of DISAGREEMENT_KINDS) {
    const found = r.found[kind];
    if (found === undefined) continue;
    const flags = r.flags.filter((f) => f.kind === kind);
    const total = typeof found === 'number' ? found : Object.values(found).reduce((s, x) => s + x, 0);
    const title = `${KIND_TITLE[kind]}: ${total.toLocaleString('en-US')} found, showing ${flags.length}`;
    out.push('', colour ? colourText(title, KIND_COLOUR[kind]) : title);
    if (kind === 'label-error')
      out.push(`class thresholds (mean self-confidence): ${r.labels.map((name, y) => `${name} ${f2(r.thresholds.labelError![y])}`).join(', ')}`);
    if (kind === 'lf-mistake') {
      out.push(`consensus thresholds: ${r.labels.map((name, y) => `${name} ${f2(r.thresholds.consensus![y])}`).join(', ')}`);
      const perLF = Object.entries(found as Record<string, number>).filter(([, x]) => x > 0);
      out.push(`per LF: ${perLF.length ? perLF.map(([lf, x]) => `${lf} ${x}`).join(', ') : 'none'}`);
    }
    if (!flags.length) continue;
    const header = ['rank', 'row', 'score'];
    if (kind === 'lf-mistake') header.push('lf');
    if (flags.some((f) => f.given !== undefined)) header.push('given');
    if (flags.some((f) => f.attribution)) header.push('who');
    header.push('predicted', 'reason', ...show);
    const rows = flags.map((f) => {
      const row: (string | number)[] = [f.rank, f.row, f.score];
      if (kind === 'lf-mistake') row.push(f.lf!);
      if (header.includes('given')) row.push(f.given ?? '-');
      if (header.includes('who')) row.push(f.attribution === 'lf' ? `lf: ${f.blame?.join(', ')}` : (f.attribution ?? '-'));
      row.push(f.predicted ?? 'tie', f.reason);
      const cells = extra?.(f.row) ?? {};
      for (const c of show) row.push(String(cells[c] ?? ''));
      return row;
    });
    out.push(formatTable(header, rows, { maxCellWidth: 90 }));
  }
  return `${out.join('\n')}\n`;
}
