import type { CommandModule } from 'yargs';
import { loadAnalysisInputs } from '../inputs.js';
import { lfCorrelations } from '../../analysis/correlation.js';
import { summarizeMatrix } from '../../analysis/lf-summary.js';
import { pairRecords, summaryRecords } from '../../analysis/records.js';
import { writeRows } from '../../data/write.js';
import { ConfigError } from '../../util/errors.js';
import { formatAnalysis } from '../format/analyze.js';
import { useColour } from '../format/table.js';
import { printJSON } from '../output.js';

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
  handler: async (a) => {
    if (!Number.isInteger(a.pairs) || a.pairs < 0) throw new ConfigError(`--pairs must be a non-negative integer, got ${a.pairs}`);
    const { L, model, gold } = await loadAnalysisInputs(a);
    const { matrix, lfs } = summarizeMatrix(L, { gold, model });
    const correlations = lfCorrelations(L);
    if (a.out) writeRows(a.out, summaryRecords(lfs));
    if (a['pairs-out']) writeRows(a['pairs-out'], pairRecords(correlations.pairs), { columns: PAIR_COLUMNS });
    if (a.json) printJSON({ file: a.L, labels: L.labels, matrix, lfs, correlations });
    else process.stdout.write(formatAnalysis(a.L, L.labels, matrix, lfs, correlations, a.pairs, useColour()));
  },
};

const PAIR_COLUMNS = ['lf_a', 'lf_b', 'shared', 'overlap', 'agreement', 'conflict', 'jaccard', 'near_duplicate'];
