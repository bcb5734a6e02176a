import type { CommandModule } from 'yargs';
import { runReport } from '../../project/report-run.js';
import { DEFAULT_MAX_FLAGS } from '../../report/index.js';
import { formatReportSummary } from '../format/report.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';

interface ReportArgs {
  L: string;
  model?: string;
  'end-model'?: string;
  data?: string;
  'text-column'?: string;
  gold?: string;
  'label-column'?: string;
  sample?: string;
  by?: string;
  'max-flags': number;
  title?: string;
  out: string;
  json?: boolean;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Write one self-contained HTML page: overview, LF table, charts, a flags browser and slices',
  builder: (y) =>
    y
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('model', { type: 'string', describe: 'Fitted label model (.json, from ballot fit); default: majority vote' })
      .option('end-model', {
        type: 'string',
        describe: 'Saved end model (.json, from ballot train): its probabilities on the rows of --data (class balance, calibration, its flags)',
      })
      .option('data', { type: 'string', describe: 'Data file, rows in label-matrix order (text of the flags, --by column); default: --gold' })
      .option('text-column', { type: 'string', describe: 'Column of --data holding the text shown with each flag' })
      .option('gold', { type: 'string', describe: 'Data file with given labels, rows in label-matrix order' })
      .option('label-column', { type: 'string', describe: 'Column of --gold holding the labels (class names or indices)' })
      .option('sample', { type: 'string', describe: 'Next training set from ballot sample (with _row, _part, _label columns) drawn from --L' })
      .option('by', { type: 'string', describe: 'Column of --data to slice by (headline numbers per value)' })
      .option('max-flags', {
        type: 'number',
        default: DEFAULT_MAX_FLAGS,
        describe: 'Flags listed in the page at most (counts always cover every row)',
      })
      .option('title', { type: 'string', describe: 'Page title' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output page (.html)' })
      .option('json', { type: 'boolean', describe: 'Print a summary as JSON' })
      .example('$0 report --L L.arrow --model model.json --data train.csv --text-column CONTENT --out report.html', 'the report page') as any,
  handler: async (a) => {
    const t0 = performance.now();
    const summary = await runReport({
      L: a.L,
      loadModel: a.model ? (L) => readLabelModelFile(a.model!, { matrix: { L, file: a.L } }) : undefined,
      modelFile: a.model,
      endModel: a['end-model'],
      data: a.data,
      textColumn: a['text-column'],
      gold: a.gold,
      labelColumn: a['label-column'],
      sample: a.sample,
      by: a.by,
      maxFlags: a['max-flags'],
      title: a.title,
      out: a.out,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (a.json) printJSON({ ...summary, seconds });
    else process.stdout.write(formatReportSummary(summary, seconds));
  },
};
