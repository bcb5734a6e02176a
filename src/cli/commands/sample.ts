import { readLabelModelFile } from '../model-file.js';
import type { CommandModule } from 'yargs';
import { readAlignedRows } from '../../data/aligned-rows.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import type { Dataset } from '../../data/types.js';
import { createSampleContext, loadRecipe, overrideRecipe, runRecipe, writeSample } from '../../sampling/index.js';
import { ConfigError } from '../../util/errors.js';
import { formatSampleReport } from '../format/sample.js';
import { evaluateSlices } from '../../lf/slice-eval.js';
import { discoverSlices } from '../../project/slice-discovery.js';
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
}

export const sampleCommand: CommandModule<object, SampleArgs> = {
  command: 'sample',
  describe: 'Select the next training set with a recipe (budgeted mix of samplers, dedupe) and write it with provenance',
  builder: (y) =>
    y
      .option('recipe', { type: 'string', demandOption: true, describe: 'Recipe: .json, or a .ts/.js module exporting it as default' })
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('model', { type: 'string', default: 'mv', describe: 'Fitted label model (.json, from ballot fit), or mv for majority vote' })
      .option('data', { type: 'string', describe: 'The rows the LFs were applied to, same order (.csv, .tsv, .jsonl, .arrow); needed for dedupe, stratifying by a column, and to copy the rows out' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output: .arrow, .csv, .tsv or .jsonl (rows + _row, _part, _label, _prob_<class>, _votes)' })
      .option('seed', { type: 'number', describe: "Override the recipe's seed" })
      .option('budget', { type: 'number', describe: "Override the recipe's budget" })
      .option('text-column', { type: 'string', describe: 'Text column(s) to dedupe on, comma-separated (overrides the recipe)' })
      .option('slices', { type: 'string', array: true, describe: "Slice-function files, for recipe parts stratified by 'slice:<name>' (needs --data)" })
      .option('reference-L', { type: 'string', describe: 'Label matrix of the old training set, for the drift sampler' })
      .option('reference-data', { type: 'string', describe: 'Rows of the old training set (same order), for the drift sampler’s textColumn' })
      .option('report', { type: 'string', describe: 'Also write the report as JSON to this file' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .option('csv-safe', { type: 'boolean', default: true, describe: 'CSV/TSV --out: prefix cells starting with = + - @ with an apostrophe so spreadsheets show them as text (--no-csv-safe writes them verbatim)' })
      .example('$0 sample --recipe recipe.json --L L.arrow --model model.json --data rows.csv --out next.arrow', 'the next training set') as any,
  handler: async (a) => {
    const t0 = performance.now();
    const recipe = overrideRecipe(
      await loadRecipe(a.recipe),
      { budget: a.budget, seed: a.seed, textColumns: a['text-column']?.split(',').map((c) => c.trim()).filter(Boolean) },
      'command line',
    );
    const L = loadLabelMatrix(a.L);
    const model = readLabelModelFile(a.model, { allowMv: true, matrix: { L, file: a.L } });
    const probs = model.predictProba(L);
    let data: Dataset | undefined;
    if (a.data) data = readAlignedRows(L, a.data);
    else if (recipe.dedupe) throw new ConfigError(`${a.recipe} asks for dedupe, which needs the rows' text: pass --data`);
    if (a.slices?.length && !data) throw new ConfigError('--slices needs --data: slice functions read the rows');
    if (a['reference-data'] && !a['reference-L']) throw new ConfigError('--reference-data needs --reference-L: the old label matrix');
    const slices = a.slices?.length
      ? new Map(evaluateSlices(data!.rows, (await discoverSlices(a.slices)).slices.map((s) => s.slice), { source: data!.file }).map((s) => [s.name, s.mask]))
      : undefined;
    const refL = a['reference-L'] ? loadLabelMatrix(a['reference-L']) : undefined;
    const reference = refL ? { L: refL, rows: a['reference-data'] ? readAlignedRows(refL, a['reference-data']).rows : undefined } : undefined;
    const ctx = createSampleContext({ probs, L, rows: data?.rows, rowsSource: data?.file, slices, reference });
    const result = runRecipe(recipe, ctx);
    writeSample(a.out, result, data?.columns, { csvSafe: a['csv-safe'] });
    if (a.report) writeJSONFile(a.report, result.report);
    if (a.json) {
      printJSON({ out: a.out, model: model.kind, ...result.report, seconds: (performance.now() - t0) / 1000 });
      return;
    }
    process.stdout.write(`${formatSampleReport(result.report)}\n→ ${a.out} (${model.kind}, ${((performance.now() - t0) / 1000).toFixed(2)} s)\n`);
  },
};

