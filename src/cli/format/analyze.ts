import type { LFCorrelation } from '../../analysis/correlation.js';
import type { LFSummaryRow, MatrixSummary } from '../../analysis/lf-summary.js';
import { colourText, formatTable } from './table.js';

/** The terminal report: matrix line, LF table, near-duplicate warnings and (optionally) the top pairs. */
export function formatAnalysis(
  file: string,
  labels: readonly string[],
  s: MatrixSummary,
  lfs: readonly LFSummaryRow[],
  c: LFCorrelation,
  pairs: number,
  colour: boolean,
): string {
  const f3 = (x: number) => x.toFixed(3);
  const out: string[] = [];
  out.push(`${file}: ${s.n.toLocaleString('en-US')} rows × ${s.m} LFs × ${s.k} classes (${labels.join(', ')})`);
  out.push(
    `coverage ${f3(s.coverage)}  overlap ${f3(s.overlap)}  conflict ${f3(s.conflict)}  ` +
      `votes/row ${s.meanVotesPerRow.toFixed(2)}  rows without votes ${s.uncoveredRows.toLocaleString('en-US')}`,
  );
  out.push(`votes per class: ${labels.map((name, y) => `${name} ${s.votesPerClass[y].toLocaleString('en-US')}`).join(', ')}`);
  out.push('');

  const hasGold = lfs.some((r) => r.correct !== undefined);
  const hasLearned = lfs.some((r) => r.learnedAccuracy !== undefined);
  const header = ['lf', 'polarity', 'coverage', 'overlaps', 'conflicts'];
  if (hasGold) header.push('correct', 'incorrect', 'emp_acc');
  if (hasLearned) header.push('learned_acc');
  header.push('errors');
  const rows = lfs.map((r) => {
    const row: (string | number)[] = [r.lf, r.polarity.join(',') || '-', r.coverage, r.overlaps, r.conflicts];
    if (hasGold) row.push(r.correct!, r.incorrect!, r.empiricalAccuracy!);
    if (hasLearned) row.push(r.learnedAccuracy ?? '-');
    row.push(r.errors);
    return row;
  });
  const accCol = header.indexOf('emp_acc');
  const errCol = header.indexOf('errors');
  out.push(
    formatTable(header, rows, {
      colour: colour
        ? (i, j) => {
            const r = lfs[i];
            if (j === 0 && r.coverage === 0) return 'dim';
            if (j === accCol && r.correct! + r.incorrect! > 0)
              return r.empiricalAccuracy! < 0.5 ? 'red' : r.empiricalAccuracy! >= 0.9 ? 'green' : undefined;
            if (j === errCol && r.errors > 0) return 'red';
            return undefined;
          }
        : undefined,
    }),
  );
  const silent = lfs.filter((r) => r.coverage === 0).map((r) => r.lf);
  if (silent.length) out.push('', `never voted: ${silent.join(', ')}`);

  if (c.nearDuplicates.length) {
    const warn = `near-duplicate LFs (agree on ≥ ${Math.round(c.duplicateAgreement * 100)}% of shared rows, jaccard ≥ ${c.duplicateJaccard}); they double-count one signal, keep one of each pair:`;
    out.push('', colour ? colourText(warn, 'yellow') : warn);
    for (const p of c.nearDuplicates) out.push(`  ${p.a} ~ ${p.b}: ${p.shared} shared rows, agreement ${f3(p.agreement)}, jaccard ${f3(p.jaccard)}`);
  } else {
    out.push('', 'no near-duplicate LFs');
  }
  if (pairs > 0 && c.pairs.length) {
    out.push('', `LF pairs that vote together most (of ${c.pairs.length} pairs with shared rows):`);
    out.push(
      formatTable(
        ['lf_a', 'lf_b', 'shared', 'overlap', 'agreement', 'conflict', 'jaccard'],
        c.pairs.slice(0, pairs).map((p) => [p.a, p.b, p.shared, p.overlap, p.agreement, p.conflict, p.jaccard]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
