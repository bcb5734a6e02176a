import type { CommandModule } from 'yargs';
import { readAlignedRows } from '../../data/aligned-rows.js';
import { assertEndModelClasses, readEndModelFile } from '../../end-model/file.js';
import { goldFromRows } from '../../data/aligned-rows.js';
import { writeFileAtomic } from '../../data/atomic.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import { readRowsAsync } from '../../data/read.js';
import type { Dataset } from '../../data/types.js';
import { buildReport, collectReportData, DEFAULT_MAX_FLAGS } from '../../report/index.js';
import { ConfigError, DataError } from '../../util/errors.js';
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

function requireColumn(ds: Dataset, column: string, flag: string): void {
  if (!ds.columns.includes(column)) throw new DataError(ds.file, `no column "${column}" (${flag}); columns are ${ds.columns.join(', ')}`);
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
    if (!/\.html?$/i.test(a.out)) throw new ConfigError(`--out must be an .html file, got ${a.out}`);
    if (!Number.isInteger(a['max-flags']) || a['max-flags'] < 0)
      throw new ConfigError(`--max-flags must be a non-negative integer, got ${a['max-flags']}`);
    if (a.gold && !a['label-column']) throw new ConfigError('--gold needs --label-column: the column holding the given labels');
    if (a['label-column'] && !a.gold) throw new ConfigError('--label-column needs --gold: the file holding that column');
    const dataFile = a.data ?? a.gold;
    if (a['text-column'] && !dataFile) throw new ConfigError('--text-column needs --data: the file holding that column');
    if (a.by && !dataFile) throw new ConfigError('--by needs --data: the file holding that column');
    if (a['end-model'] && !dataFile) throw new ConfigError('--end-model needs --data: the rows the end model reads');
    if (a.data && !a['text-column'] && !a.by && !a['end-model'])
      throw new ConfigError('--data is read for --text-column, --by and --end-model: pass one of them (or drop --data)');

    const t0 = performance.now();
    const L = loadLabelMatrix(a.L);
    const model = a.model ? readLabelModelFile(a.model, { matrix: { L, file: a.L } }) : undefined;
    const goldRows = a.gold ? await readAlignedRows(L, a.gold, 'gold', a.L) : undefined;
    const gold = goldRows ? goldFromRows(L, goldRows, a['label-column']!) : undefined;
    const wantData = a['text-column'] || a.by || a['end-model'];
    const data = wantData ? (dataFile === a.gold && goldRows ? goldRows : await readAlignedRows(L, dataFile!, 'data', a.L)) : undefined;
    if (data && a['text-column']) requireColumn(data, a['text-column'], '--text-column');
    if (data && a.by) requireColumn(data, a.by, '--by');
    const sampleRows = a.sample ? (await readRowsAsync(a.sample)).rows : undefined;
    let endModelProbs: Float64Array | undefined;
    if (a['end-model']) {
      const endModel = readEndModelFile(a['end-model']);
      assertEndModelClasses(endModel, a['end-model'], L.labels, a.L);
      endModelProbs = endModel.predictProba(data!.rows, data!.file);
    }

    const report = collectReportData({
      L,
      model,
      gold,
      rows: data?.rows,
      textColumn: a['text-column'],
      by: a.by,
      sampleRows,
      endModelProbs,
      maxFlags: a['max-flags'],
      title: a.title,
      sources: { L: a.L, model: a.model, endModel: a['end-model'], data: data ? dataFile : undefined, gold: a.gold, sample: a.sample },
    });
    const html = await buildReport(report);
    writeFileAtomic(a.out, html);
    const summary = {
      out: a.out,
      bytes: Buffer.byteLength(html),
      rows: L.n,
      lfs: L.m,
      flags: report.flags.length,
      found: report.found,
      seconds: (performance.now() - t0) / 1000,
    };
    if (a.json) printJSON(summary);
    else
      process.stdout.write(
        `wrote ${a.out} (${(summary.bytes / 1e6).toFixed(2)} MB) in ${summary.seconds.toFixed(2)} s: ${L.n.toLocaleString('en-US')} rows × ${L.m} LFs, ${report.flags.length} flags listed\n`,
      );
  },
};
