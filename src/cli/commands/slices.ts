import type { CommandModule } from 'yargs';
import { runSlices } from '../../project/slices-run.js';
import { formatSliceReport } from '../format/slices.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';

interface SlicesArgs {
  L: string;
  data?: string;
  by?: string[];
  slices?: string[];
  model: string;
  'end-model-probs'?: string;
  gold?: string;
  'label-column'?: string;
  metric: string;
  'min-size': number;
  bins: number;
  alpha: number;
  seed: number;
  'on-error': string;
  cache: boolean;
  json?: boolean;
}

export const slicesCommand: CommandModule<object, SlicesArgs> = {
  command: 'slices',
  describe:
    'Where the LFs and the label model fail: coverage, conflict, class balance, accuracy with intervals per slice, and the slices that pull the metric down',
  builder: (y) =>
    y
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('data', { type: 'string', describe: 'The rows the LFs were applied to, same order (needed by --by and --slices)' })
      .option('by', {
        type: 'string',
        array: true,
        describe: 'Slice by a column of --data (categorical as is, numeric in quantiles, length:<col> for text length); repeatable',
      })
      .option('slices', { type: 'string', array: true, describe: 'Files or globs exporting sliceFunction({ name, test })' })
      .option('model', { type: 'string', default: 'mv', describe: 'Fitted label model (.json, from ballot fit), or mv for majority vote' })
      .option('end-model-probs', {
        type: 'string',
        describe: 'End-model probabilities per row (file with p_<class> columns, rows in label-matrix order)',
      })
      .option('gold', { type: 'string', describe: 'Data file with given labels, rows in label-matrix order (may be --data)' })
      .option('label-column', { type: 'string', describe: 'Column of --gold holding the labels' })
      .option('metric', { type: 'string', default: 'accuracy', describe: 'accuracy (Wilson interval) or f1 (binary, bootstrap interval)' })
      .option('min-size', { type: 'number', default: 30, describe: 'Gold rows a slice needs to be ranked as underperforming' })
      .option('bins', { type: 'number', default: 4, describe: 'Quantile bins for numeric --by columns and text lengths' })
      .option('alpha', { type: 'number', default: 0.05, describe: 'False discovery rate (Benjamini–Hochberg) of the underperforming list' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of tie-breaks and the bootstrap' })
      .option('on-error', {
        type: 'string',
        default: 'error',
        describe: 'A slice function that throws: error (stop) or abstain (row out of the slice, counted)',
      })
      .option('cache', {
        type: 'boolean',
        default: true,
        describe: 'Reuse slice-function results whose code and data are unchanged (--no-cache to re-evaluate)',
      })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .example(
        "$0 slices --L L.arrow --data rows.csv --by source --slices 'slices/*.ts' --gold rows.csv --label-column label",
        'accuracy per source and per slice function',
      ) as any,
  handler: async (a) => {
    const { report, model, cached } = await runSlices({
      L: a.L,
      loadModel: (L) => readLabelModelFile(a.model, { allowMv: true, matrix: { L, file: a.L } }),
      modelFile: a.model,
      data: a.data,
      by: a.by,
      slices: a.slices,
      endModelProbs: a['end-model-probs'],
      gold: a.gold,
      labelColumn: a['label-column'],
      metric: a.metric as 'accuracy' | 'f1',
      minSize: a['min-size'],
      bins: a.bins,
      alpha: a.alpha,
      seed: a.seed,
      onError: a['on-error'],
      cache: a.cache,
    });
    if (a.json) printJSON({ file: a.L, model, cached, ...report });
    else process.stdout.write(formatSliceReport(report, model));
  },
};
