import { dirname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { formatSliceReport } from '../format/slices.js';
import { goldFromRows, readAlignedRows } from '../../data/aligned-rows.js';
import { slicesByColumn } from '../../analysis/slice-columns.js';
import { analyzeSlices } from '../../analysis/slices.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import type { Dataset } from '../../data/types.js';
import type { LabelMatrix } from '../../matrix/label-matrix.js';
import { evaluateSlices, type Slice } from '../../lf/slice-eval.js';
import { evaluateSlicesCached } from '../../project/slice-apply.js';
import { discoverSlices } from '../../project/slice-discovery.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';
import { decide } from '../../label-model/decide.js';

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
    if (a.gold && !a['label-column']) throw new ConfigError('--gold needs --label-column: the column holding the given labels');
    if (a['label-column'] && !a.gold) throw new ConfigError('--label-column needs --gold: the file holding that column');
    if (a['on-error'] !== 'error' && a['on-error'] !== 'abstain') throw new ConfigError(`--on-error must be error or abstain, got ${a['on-error']}`);
    if (!a.by?.length && !a.slices?.length) throw new ConfigError('give --by <column> and/or --slices <files>: there is nothing to slice by');
    if ((a.by?.length || a.slices?.length) && !a.data) throw new ConfigError('--by and --slices need --data: the rows the LFs were applied to');
    const L = loadLabelMatrix(a.L);
    const model = readLabelModelFile(a.model, { allowMv: true, matrix: { L, file: a.L } });
    const data = await readAlignedRows(L, a.data!);
    const slices: Slice[] = [];
    const notes: string[] = [];
    for (const spec of a.by ?? []) {
      const r = slicesByColumn(data.rows, spec, { bins: a.bins, source: data.file });
      slices.push(...r.slices);
      notes.push(...r.notes);
    }
    let cached: string[] = [];
    if (a.slices?.length) {
      const d = await discoverSlices(a.slices);
      const onError = a['on-error'] as 'error' | 'abstain';
      if (a.cache) {
        const r = evaluateSlicesCached(data.rows, d.slices, {
          onError,
          source: data.file,
          dataFile: data.file,
          cacheDir: join(dirname(resolve(a.L)), '.ballot-cache', 'slices'),
        });
        slices.push(...r.slices);
        cached = r.cached;
      } else
        slices.push(
          ...evaluateSlices(
            data.rows,
            d.slices.map((s) => s.slice),
            { onError, source: data.file },
          ),
        );
    }
    const gold = a.gold ? goldFromRows(L, a.gold === a.data ? data : await readAlignedRows(L, a.gold, 'gold'), a['label-column']!) : undefined;
    const endModelProbs = a['end-model-probs'] ? await probsFromFile(L, a['end-model-probs']) : undefined;
    // One decision rule: slice accuracies score the labels `ballot predict` writes (auto's cut; seeded random ties).
    const { probs, preds } = decide(model, L, { tiePolicy: 'random', seed: a.seed ?? 0, what: a.model });
    const report = analyzeSlices(
      { L, probs: probs.values, preds, endModelProbs, gold, slices },
      { metric: a.metric as 'accuracy' | 'f1', minSize: a['min-size'], alpha: a.alpha, seed: a.seed },
    );
    report.notes.unshift(...notes);
    if (a.json) printJSON({ file: a.L, model: model.kind, cached, ...report });
    else process.stdout.write(formatSliceReport(report, model.kind));
  },
};

/** End-model probabilities from a file with one p_<class> column per class (as `ballot predict` writes). */
async function probsFromFile(L: LabelMatrix, file: string): Promise<Float64Array> {
  const ds: Dataset = await readAlignedRows(L, file, 'end-model probabilities');
  const cols = L.labels.map((y) => `p_${y}`);
  const missing = cols.filter((c) => !ds.columns.includes(c));
  if (missing.length) throw new DataError(file, `has no column ${missing.join(', ')}; expected one p_<class> column per class`);
  const out = new Float64Array(L.n * L.k);
  ds.rows.forEach((r, i) =>
    cols.forEach((c, y) => {
      const x = Number(r[c]);
      if (!(x >= 0 && x <= 1)) throw new DataError(file, `column ${c} holds ${JSON.stringify(r[c])}, not a probability`, { row: i });
      out[i * L.k + y] = x;
    }),
  );
  return out;
}
