import type { CommandModule } from 'yargs';
import { METRICS, parseMetric } from '../../label-model/metrics.js';
import { parseTiePolicy } from '../../label-model/predict.js';
import { runEndModelScore, runScore } from '../../project/score-run.js';
import { ConfigError } from '../../util/errors.js';
import { formatScore } from '../format/score.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';

interface ScoreArgs {
  model?: string;
  L?: string;
  'end-model'?: string;
  data?: string;
  gold: string;
  'label-column': string;
  metric?: string[];
  'tie-policy': string;
  seed: number;
  json?: boolean;
}

export const scoreCommand: CommandModule<object, ScoreArgs> = {
  command: 'score',
  describe: 'Score a fitted model on gold labels: accuracy, F1, per-class precision/recall, coverage, confusion matrix',
  builder: (y) =>
    y
      .option('model', { type: 'string', describe: 'Fitted label model (model.json from `ballot fit`), or mv; with --L' })
      .option('L', { type: 'string', describe: 'Label matrix (.arrow) of the rows to score' })
      .option('end-model', {
        type: 'string',
        describe: 'Instead of --model/--L: an end model (.json from `ballot train`) scored on the rows of --data',
      })
      .option('data', { type: 'string', describe: 'With --end-model: the rows to label (default: --gold), in the order of --gold' })
      .option('gold', { type: 'string', demandOption: true, describe: 'Row file with the gold labels, rows in the order of L (- for stdin)' })
      .option('label-column', {
        type: 'string',
        demandOption: true,
        describe: 'Column of --gold holding the labels (class names or indices; empty = unknown)',
      })
      .option('metric', { type: 'string', array: true, describe: `Headline metrics (${METRICS.join(', ')}); default all` })
      .option('tie-policy', {
        type: 'string',
        default: 'abstain',
        describe: 'Classes tied for the top probability: abstain (counts as wrong, lowers coverage), random (seeded) or snorkel',
      })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the random tie-break' })
      .option('json', { type: 'boolean', describe: 'Print the summary as JSON' })
      .example('$0 score --model model.json --L L_test.arrow --gold test.csv --label-column CLASS', 'accuracy, F1 and the confusion matrix') as any,
  handler: async (a) => {
    const tiePolicy = parseTiePolicy(a['tie-policy']);
    const metrics = a.metric?.flatMap((m) => m.split(',')).map((m) => parseMetric(m.trim()));
    const options = { tiePolicy, seed: a.seed, ...(metrics ? { metrics } : {}) };
    const gold = { file: a.gold, column: a['label-column'] };
    if (a['end-model'] !== undefined) {
      if (a.model !== undefined || a.L !== undefined) throw new ConfigError('--end-model scores the rows of --data; drop --model and --L');
      const { score, rowsFile } = await runEndModelScore({ endModel: a['end-model'], data: a.data, gold, ...options });
      if (a.json) printJSON(score);
      else process.stdout.write(formatScore(score, `end model ${a['end-model']} on ${rowsFile} (ties: ${tiePolicy})`));
      return;
    }
    if (a.model === undefined || a.L === undefined)
      throw new ConfigError('give --model and --L (label model), or --end-model and --data (end model)');
    const { L: file, model: modelFile } = a;
    const summary = await runScore({
      L: file,
      loadModel: modelFile === 'mv' ? undefined : (L) => readLabelModelFile(modelFile, { matrix: { L, file } }),
      gold,
      ...options,
    });
    if (a.json) printJSON(summary);
    else process.stdout.write(formatScore(summary, `${summary.model} on ${a.L} (ties: ${tiePolicy})`));
  },
};
