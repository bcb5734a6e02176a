import type { CommandModule } from 'yargs';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import { exportLabelMatrix, matrixExportFormat, writeLabelMatrixExport, MATRIX_EXPORT_FORMATS } from '../../data/label-matrix-export.js';
import { writeStdout } from '../../data/stdout.js';
import { ConfigError } from '../../util/errors.js';
import { printJSON } from '../output.js';

interface ExportArgs {
  L: string;
  out: string;
  to?: string;
  json?: boolean;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe: 'Write a label matrix for other tools: .csv, .npy (NumPy int8, n×m) or .parquet',
  builder: (y) =>
    y
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow)' })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Output: L.csv (class names), L.npy (int8, -1 = abstain) or L.parquet; - for CSV on stdout',
      })
      .option('to', { type: 'string', describe: `Output format when the extension does not say (${MATRIX_EXPORT_FORMATS.join(', ')})` })
      .option('json', { type: 'boolean', describe: 'Print what was written as JSON' })
      .example('$0 export --L out/L.arrow --out L.npy', "then in Python: numpy.load('L.npy')") as any,
  handler: async (a) => {
    const L = loadLabelMatrix(a.L);
    if (a.out === '-') {
      const f = a.to ?? 'csv';
      if (f !== 'csv') throw new ConfigError(`--out - writes CSV only (binary ${f} does not belong on a terminal); give a file name`);
      writeStdout(await exportLabelMatrix(L, '-', 'csv'));
      return;
    }
    const format = await writeLabelMatrixExport(L, a.out, matrixExportFormat(a.out, a.to));
    const info = { out: a.out, format, rows: L.n, lfs: [...L.lfNames], labels: [...L.labels], abstain: format === 'csv' ? '' : -1 };
    if (a.json) return printJSON(info);
    const values = format === 'csv' ? 'class names, empty = abstain' : `class indices ${L.labels.map((l, i) => `${i}=${l}`).join(' ')}, -1 = abstain`;
    process.stdout.write(`wrote ${a.out}: ${L.n} rows × ${L.m} LFs (${format}; ${values})\ncolumns: ${L.lfNames.join(', ')}\n`);
    if (format === 'npy') process.stdout.write(`python: L = numpy.load(${JSON.stringify(a.out)})\n`);
  },
};
