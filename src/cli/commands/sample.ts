import { readLabelModelFile } from '../model-file.js';
import type { CommandModule } from 'yargs';
import { CSV_SAFE_OPTION } from '../options.js';
import { readAlignedRows } from '../../data/aligned-rows.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import type { Dataset } from '../../data/types.js';
import {
  createSampleContext,
  endModelCrossFit,
  loadRecipe,
  overrideRecipe,
  planNextBatch,
  readLabeledRows,
  runRecipe,
  writeSample,
  batchable,
  type PreparedRecipe,
  type SampleReport,
  type SampleResult,
} from '../../sampling/index.js';
import { emptyLabelMatrix, readLabelMatrixHeader } from '../../data/label-matrix-stream.js';
import { sampleFile } from '../../project/sample-file.js';
import { assertEndModelClasses, readEndModelFile } from '../../end-model/file.js';
import { ConfigError } from '../../util/errors.js';
import { formatSampleReport } from '../format/sample.js';
import { evaluateSlices } from '../../lf/slice-eval.js';
import { discoverSlices } from '../../project/slice-discovery.js';
import { printJSON, writeJSONFile } from '../output.js';
import { DISTRIBUTED_DEPS, withOptionalDeps } from '../optional-deps.js';
import { decide } from '../../label-model/decide.js';

interface SampleArgs {
  recipe: string;
  L: string;
  model: string;
  data?: string;
  out: string;
  seed?: number;
  budget?: number;
  'text-column'?: string;
  slices?: string[];
  'reference-L'?: string;
  'reference-data'?: string;
  report?: string;
  json?: boolean;
  'csv-safe': boolean;
  'end-model'?: string;
  labeled?: string;
  'label-column'?: string;
  folds: number;
  queue?: string;
}

export const sampleCommand: CommandModule<object, SampleArgs> = {
  command: 'sample',
  describe: 'Select the next training set with a recipe (budgeted mix of samplers, dedupe) and write it with provenance',
  builder: (y) =>
    y
      .option('recipe', { type: 'string', demandOption: true, describe: 'Recipe: .json, or a .ts/.js module exporting it as default' })
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('model', { type: 'string', default: 'mv', describe: 'Fitted label model (.json, from ballot fit), or mv for majority vote' })
      .option('data', {
        type: 'string',
        describe:
          'The rows the LFs were applied to, same order (.csv, .tsv, .jsonl, .arrow, .parquet); needed for dedupe, stratifying by a column, and to copy the rows out',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Output: .arrow, .csv, .tsv or .jsonl (rows + _row, _part, _label, _prob_<class>, _votes)',
      })
      .option('seed', { type: 'number', describe: "Override the recipe's seed" })
      .option('budget', { type: 'number', describe: "Override the recipe's budget" })
      .option('text-column', { type: 'string', describe: 'Text column(s) to dedupe on, comma-separated (overrides the recipe)' })
      .option('slices', {
        type: 'string',
        array: true,
        describe: "Slice-function files, for recipe parts stratified by 'slice:<name>' (needs --data)",
      })
      .option('reference-L', { type: 'string', describe: 'Label matrix of the old training set, for the drift sampler' })
      .option('reference-data', { type: 'string', describe: 'Rows of the old training set (same order), for the drift sampler’s textColumn' })
      .option('report', { type: 'string', describe: 'Also write the report as JSON to this file' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .option('csv-safe', CSV_SAFE_OPTION)
      .option('end-model', {
        type: 'string',
        describe: 'Saved end model (.json, from ballot train): its features and settings drive the end-model samplers (needs --data)',
      })
      .option('labeled', {
        type: 'string',
        describe: 'Rows labeled so far (a sample file with _row and a label column): rounds mode, never re-selected (needs --end-model)',
      })
      .option('label-column', { type: 'string', describe: 'Column of --labeled holding the labels' })
      .option('folds', { type: 'number', default: 3, describe: 'Cross-fitting folds of the end model' })
      .option('queue', {
        type: 'string',
        describe:
          'Distributed: Redis URL; score each shard of a distributed apply (reads <L>.stats) on `ballot worker`s and select the same rows as one process would (JSON recipes whose parts rank rows one by one, no dedupe)',
      })
      .example('$0 sample --recipe recipe.json --L L.arrow --model model.json --data rows.csv --out next.arrow', 'the next training set')
      .example(
        '$0 sample --recipe recipe.json --L L.arrow --model model.json --data rows.csv --end-model end.json --labeled done.csv --label-column y --out next.csv',
        'the next batch of a labeling round',
      ) as any,
  handler: async (a) => {
    if (a.queue !== undefined) return sampleOnQueue(a, a.queue);
    const t0 = performance.now();
    const recipe = overrideRecipe(
      await loadRecipe(a.recipe),
      {
        budget: a.budget,
        seed: a.seed,
        textColumns: a['text-column']
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      },
      'command line',
    );
    if (streamable(a, recipe)) {
      // Only ranked parts, no dedupe: stream the matrix and the data; memory is one chunk plus the kept rows.
      const header = await readLabelMatrixHeader(a.L);
      const model = readLabelModelFile(a.model, { allowMv: true, matrix: { L: emptyLabelMatrix(header), file: a.L } });
      const result = await sampleFile({ recipe, L: a.L, model, modelFile: a.model, data: a.data, out: a.out, csvSafe: a['csv-safe'] });
      return printSample(a, result.report, model.kind, (performance.now() - t0) / 1000);
    }
    const L = loadLabelMatrix(a.L);
    const model = readLabelModelFile(a.model, { allowMv: true, matrix: { L, file: a.L } });
    // One decision rule: `_label` and class strata use the model's own (as `ballot predict` does).
    const { probs, preds } = decide(model, L, { what: a.model });
    let data: Dataset | undefined;
    if (a.data) data = await readAlignedRows(L, a.data);
    else if (recipe.dedupe) throw new ConfigError(`${a.recipe} asks for dedupe, which needs the rows' text: pass --data`);
    if (a.slices?.length && !data) throw new ConfigError('--slices needs --data: slice functions read the rows');
    if (a['reference-data'] && !a['reference-L']) throw new ConfigError('--reference-data needs --reference-L: the old label matrix');
    const slices = a.slices?.length
      ? new Map(
          evaluateSlices(
            data!.rows,
            (await discoverSlices(a.slices)).slices.map((s) => s.slice),
            { source: data!.file },
          ).map((s) => [s.name, s.mask]),
        )
      : undefined;
    const refL = a['reference-L'] ? loadLabelMatrix(a['reference-L']) : undefined;
    const reference = refL ? { L: refL, rows: a['reference-data'] ? (await readAlignedRows(refL, a['reference-data'])).rows : undefined } : undefined;
    let result: SampleResult;
    if (a['end-model']) {
      if (!data) throw new ConfigError('--end-model needs --data: the rows to featurize');
      const endModel = readEndModelFile(a['end-model']);
      assertEndModelClasses(endModel, a['end-model'], L.labels, a.L);
      const X = endModel.featurizer.transform(data.rows, data.file);
      let gold: Int32Array | undefined;
      if (a.labeled) {
        if (!a['label-column']) throw new ConfigError('--labeled needs --label-column: the column holding the labels');
        gold = await readLabeledRows(a.labeled, a['label-column'], L.labels, L.n);
      }
      result = planNextBatch(recipe, {
        X,
        labels: L.labels,
        labelProbs: probs.values,
        L,
        rows: data.rows,
        rowsSource: data.file,
        gold,
        preds,
        slices,
        reference,
        crossFit: endModelCrossFit(endModel, X, { folds: a.folds, seed: recipe.seed }),
      });
    } else {
      if (a.labeled) throw new ConfigError('--labeled (rounds mode) needs --end-model: the model retrained on the labels');
      result = runRecipe(recipe, createSampleContext({ probs, L, rows: data?.rows, rowsSource: data?.file, preds, slices, reference }));
    }
    writeSample(a.out, result, data?.columns, { csvSafe: a['csv-safe'] });
    printSample(a, result.report, model.kind, (performance.now() - t0) / 1000);
  },
};

/** A recipe of ranked parts without dedupe, and no option that needs the whole pool: the streamed path. */
function streamable(a: SampleArgs, recipe: PreparedRecipe): boolean {
  return batchable(recipe) === null && !a['end-model'] && !a.labeled && !a.slices?.length && !a['reference-L'] && !a['reference-data'];
}

function printSample(a: SampleArgs, report: SampleReport, model: string, seconds: number, shards?: { shards: number; reusedShards: number }): void {
  if (a.report) writeJSONFile(a.report, report);
  if (a.json) {
    printJSON({ out: a.out, model, ...report, ...shards, seconds });
    return;
  }
  const where = shards ? `, ${shards.shards} shards, ${shards.reusedShards} from the store` : '';
  process.stdout.write(`${formatSampleReport(report)}\n→ ${a.out} (${model}, ${seconds.toFixed(2)} s${where})\n`);
}

/** `ballot sample --queue`: the shards of a distributed apply are scored on the workers (project/distributed/sample.ts). */
async function sampleOnQueue(a: SampleArgs, queue: string): Promise<void> {
  for (const [flag, given] of [
    ['--end-model', a['end-model']],
    ['--labeled', a.labeled],
    ['--slices', a.slices?.length ? a.slices : undefined],
    ['--reference-L', a['reference-L']],
    ['--text-column', a['text-column']],
  ] as const)
    if (given !== undefined)
      throw new ConfigError(`${flag} cannot be used with --queue: a sharded sample ranks rows one by one from the label model`);
  const { sampleDistributed } = await withOptionalDeps('sample --queue', DISTRIBUTED_DEPS, () => import('../../project/distributed/sample.js'));
  const r = await sampleDistributed({
    L: a.L,
    model: a.model,
    recipe: a.recipe,
    out: a.out,
    queue,
    data: a.data,
    budget: a.budget,
    seed: a.seed,
    csvSafe: a['csv-safe'],
  });
  printSample(a, r.report, r.model, r.seconds, { shards: r.shards, reusedShards: r.reusedShards });
}
