import { readLabelModelFile } from '../model-file.js';
import type { CommandModule } from 'yargs';
import { lfCorrelations, type LFCorrelation } from '../../analysis/correlation.js';
import { goldFromRows, readAlignedRows } from '../../analysis/inputs.js';
import { lfSummary, matrixSummary, type LFSummaryRow, type MatrixSummary } from '../../analysis/lf-summary.js';
import { pairRecords, summaryRecords } from '../../analysis/records.js';
import { writeRows } from '../../data/write.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import type { LabelMatrix } from '../../matrix/label-matrix.js';
import type { LabelModel } from '../../label-model/types.js';
import { ConfigError } from '../../util/errors.js';
import { colourText, formatTable, printJSON, useColour } from '../output.js';

interface AnalyzeArgs {
  L: string;
  model?: string;
  gold?: string;
  'label-column'?: string;
  pairs: number;
  out?: string;
  'pairs-out'?: string;
  json?: boolean;
}

/** Inputs shared by `analyze` and `disagreements`: the label matrix, an optional fitted model, optional gold labels. */
export interface AnalysisInputs {
  L: LabelMatrix;
  model?: LabelModel;
  gold?: Int32Array;
}

export function loadAnalysisInputs(a: { L: string; model?: string; gold?: string; 'label-column'?: string }): AnalysisInputs {
  if (a.gold && !a['label-column']) throw new ConfigError('--gold needs --label-column: the column holding the given labels');
  if (a['label-column'] && !a.gold) throw new ConfigError('--label-column needs --gold: the file holding that column');
  const L = loadLabelMatrix(a.L);
  const model = a.model ? readLabelModelFile(a.model, { matrix: { L, file: a.L } }) : undefined;
  const gold = a.gold ? goldFromRows(L, readAlignedRows(L, a.gold, 'gold'), a['label-column']!) : undefined;
  return { L, model, gold };
}

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze',
  describe: 'Summarize the LFs of a label matrix: polarity, coverage, overlaps, conflicts, accuracy (with gold), correlations',
  builder: (y) =>
    y
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('model', { type: 'string', describe: 'Fitted label model (.json): adds each LF’s learned accuracy' })
      .option('gold', { type: 'string', describe: 'Data file with given labels, rows in label-matrix order' })
      .option('label-column', { type: 'string', describe: 'Column of --gold holding the labels (class names or indices)' })
      .option('pairs', { type: 'number', default: 0, describe: 'Also print the N LF pairs that vote together most' })
      .option('out', { type: 'string', describe: 'Write the LF summary to a file (.csv, .tsv, .jsonl or .arrow)' })
      .option('pairs-out', { type: 'string', describe: 'Write every LF pair’s agreement/conflict to a file' })
      .option('json', { type: 'boolean', describe: 'Print the whole analysis as JSON' })
      .example('$0 analyze --L L.arrow --gold test.csv --label-column CLASS', 'summary with empirical accuracies') as any,
  handler: (a) => {
    if (!Number.isInteger(a.pairs) || a.pairs < 0) throw new ConfigError(`--pairs must be a non-negative integer, got ${a.pairs}`);
    const { L, model, gold } = loadAnalysisInputs(a);
    const matrix = matrixSummary(L);
    const lfs = lfSummary(L, { gold, model });
    const correlations = lfCorrelations(L);
    if (a.out) writeRows(a.out, summaryRecords(lfs));
    if (a['pairs-out']) writeRows(a['pairs-out'], pairRecords(correlations.pairs), { columns: PAIR_COLUMNS });
    if (a.json) printJSON({ file: a.L, labels: L.labels, matrix, lfs, correlations });
    else process.stdout.write(formatAnalysis(a.L, L.labels, matrix, lfs, correlations, a.pairs, useColour()));
  },
};

const PAIR_COLUMNS = ['lf_a', 'lf_b', 'shared', 'overlap', 'agreement', 'conflict', 'jaccard', 'near_duplicate'];

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
            if (j === accCol && r.correct! + r.incorrect! > 0) return r.empiricalAccuracy! < 0.5 ? 'red' : r.empiricalAccuracy! >= 0.9 ? 'green' : undefined;
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
