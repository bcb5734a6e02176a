import type { CommandModule } from 'yargs';
import { parseTiePolicy } from '../../label-model/predict.js';
import type { TiePolicy } from '../../label-model/types.js';
import { runEndModelPredict, runPredict } from '../../project/predict-run.js';
import { ConfigError } from '../../util/errors.js';
import { formatDistributedPredict, formatPredict } from '../format/predict.js';
import { formatScore } from '../format/score.js';
import { GOLD_SCORE_OPTIONS, goldOption } from '../inputs.js';
import { readLabelModelFile } from '../model-file.js';
import { DISTRIBUTED_DEPS, withOptionalDeps } from '../optional-deps.js';
import { printJSON } from '../output.js';

interface PredictArgs {
  model?: string;
  L?: string;
  'end-model'?: string;
  data?: string;
  gold?: string;
  'label-column'?: string;
  out: string;
  'tie-policy': string;
  seed: number;
  json?: boolean;
  queue?: string;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict',
  describe: 'Write probabilistic labels (one probability per class) and hard labels for a label matrix',
  builder: (y) =>
    y
      .option('model', { type: 'string', describe: 'Fitted label model (.json, from ballot fit); needs --L' })
      .option('L', { type: 'string', describe: 'Label matrix (.arrow from ballot apply, or a WRENCH .json split)' })
      .option('end-model', {
        type: 'string',
        describe: 'Instead of --model/--L: an end model (.json, from ballot train) applied to the rows of --data',
      })
      .option('data', { type: 'string', describe: 'Rows to label with --end-model (any columns; needs the ones it was trained on)' })
      .options(GOLD_SCORE_OPTIONS)
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Output: .csv, .tsv, .jsonl or .arrow with columns row, label, label_index, p_<class>…',
      })
      .option('tie-policy', {
        type: 'string',
        default: 'abstain',
        describe:
          "Classes tied for the top probability: abstain (label empty, index -1), random (seeded) or snorkel (Snorkel's deterministic pick, sha1 of the row index). An auto model fitted for binary F1 uses its dev-tuned threshold on rows with votes instead",
      })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the random tie-break' })
      .option('json', { type: 'boolean', describe: 'Print the summary as JSON' })
      .option('queue', {
        type: 'string',
        describe: 'Distributed: Redis URL; predict each shard of a distributed apply (reads <L>.stats, not the matrix) on `ballot worker`s',
      })
      .example('$0 predict --model model.json --L L.arrow --out probs.csv', 'probabilistic labels as CSV')
      .example('$0 predict --model model.json --L L.arrow --gold test.csv --label-column CLASS --out probs.csv', 'and the score on gold labels')
      .example('$0 predict --end-model end.json --data rows.csv --out preds.csv', "the end model's labels for any rows") as any,
  handler: async (a) => {
    const tiePolicy = parseTiePolicy(a['tie-policy']);
    if (!Number.isFinite(a.seed)) throw new ConfigError(`--seed must be a number, got ${a.seed}`);
    if (a['end-model'] !== undefined) return await predictEndModel(a, tiePolicy);
    if (a.data !== undefined) throw new ConfigError('--data goes with --end-model; a label model predicts from --L');
    if (a.model === undefined || a.L === undefined)
      throw new ConfigError('give --model and --L (label model), or --end-model and --data (end model)');
    if (a.queue !== undefined) {
      if (a.gold !== undefined || a['label-column'] !== undefined)
        throw new ConfigError(
          '--gold and --label-column cannot be used with --queue: score the model with ballot score --model … --L … --gold … --label-column …',
        );
      const { predictDistributed } = await withOptionalDeps(
        'predict --queue',
        DISTRIBUTED_DEPS,
        () => import('../../project/distributed/predict.js'),
      );
      const r = await predictDistributed({ L: a.L, model: a.model, out: a.out, queue: a.queue, tiePolicy, seed: a.seed });
      if (a.json) printJSON(r);
      else process.stdout.write(formatDistributedPredict(r));
      return;
    }
    const t0 = performance.now();
    const gold = goldOption(a);
    const { L: file, model: modelFile } = a;
    const { score, ...written } = await runPredict({
      L: file,
      loadModel: (L) => readLabelModelFile(modelFile, { matrix: { L, file } }),
      out: a.out,
      tiePolicy,
      seed: a.seed,
      gold,
    });
    const summary = {
      out: a.out,
      model: written.model,
      rows: written.rows,
      perClass: written.perClass,
      abstained: written.abstained,
      seconds: (performance.now() - t0) / 1000,
    };
    if (a.json) printJSON(score ? { ...summary, score } : summary);
    else process.stdout.write(formatPredict(summary) + (score ? formatScore(score, `${written.model} on ${a.L}`) : ''));
  },
};

/** `--end-model`: the end model's probabilities and labels for the rows of --data (same output columns). */
async function predictEndModel(a: PredictArgs, tiePolicy: TiePolicy): Promise<void> {
  if (a.model !== undefined || a.L !== undefined) throw new ConfigError('--end-model predicts from --data; drop --model and --L');
  if (a.data === undefined) throw new ConfigError('--end-model needs --data: the rows to label');
  if (a.gold !== undefined) throw new ConfigError('--gold scores a label model on --L; score an end model with ballot train --gold');
  const t0 = performance.now();
  const written = await runEndModelPredict({ endModel: a['end-model']!, data: a.data, out: a.out, tiePolicy, seed: a.seed });
  const summary = {
    out: a.out,
    model: 'end model',
    rows: written.rows,
    perClass: written.perClass,
    abstained: written.abstained,
    seconds: (performance.now() - t0) / 1000,
  };
  if (a.json) printJSON(summary);
  else process.stdout.write(formatPredict(summary));
}
