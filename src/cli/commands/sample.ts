import type { CommandModule } from 'yargs';
import { runSample } from '../../project/sample-run.js';
import type { SampleReport } from '../../sampling/index.js';
import { ConfigError } from '../../util/errors.js';
import { formatSampleReport } from '../format/sample.js';
import { readLabelModelFile } from '../model-file.js';
import { DISTRIBUTED_DEPS, withOptionalDeps } from '../optional-deps.js';
import { CSV_SAFE_OPTION } from '../options.js';
import { printJSON, writeJSONFile } from '../output.js';

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
    const { report, model } = await runSample({
      recipe: a.recipe,
      budget: a.budget,
      seed: a.seed,
      textColumns: a['text-column']
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      L: a.L,
      loadModel: (L) => readLabelModelFile(a.model, { allowMv: true, matrix: { L, file: a.L } }),
      modelFile: a.model,
      data: a.data,
      out: a.out,
      csvSafe: a['csv-safe'],
      slices: a.slices,
      referenceL: a['reference-L'],
      referenceData: a['reference-data'],
      endModel: a['end-model'],
      labeled: a.labeled,
      labelColumn: a['label-column'],
      folds: a.folds,
    });
    printSample(a, report, model, (performance.now() - t0) / 1000);
  },
};

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
    ['--reference-data', a['reference-data']],
    ['--label-column', a['label-column']],
    ['--text-column', a['text-column']],
  ] as const)
    if (given !== undefined)
      throw new ConfigError(`${flag} cannot be used with --queue: a sharded sample ranks rows one by one from the label model`);
  // The workers load the model from its file; the CLI's built-in majority vote has none.
  if (a.model === 'mv')
    throw new ConfigError(
      '--queue needs a fitted model file: pass --model model.json (for majority vote: ballot fit --model mv --L L.arrow --out mv.json)',
    );
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
