import type { CommandModule } from 'yargs';
import type { EndModelOptions } from '../../end-model/end-model.js';
import { runTrain } from '../../project/train-run.js';
import { ConfigError } from '../../util/errors.js';
import { formatTrain } from '../format/train.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';

interface TrainArgs {
  data: string;
  L: string;
  model: string;
  out: string;
  'text-column'?: string[];
  'numeric-column'?: string[];
  'categorical-column'?: string[];
  cv?: number;
  gold?: string;
  'label-column'?: string;
  l2: number;
  'max-iter': number;
  'hash-bits'?: number;
  'char-ngrams'?: string;
  seed: number;
  json?: boolean;
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: "Train the end model (TF-IDF + logistic regression over the rows' own columns) on the label model's probabilities",
  builder: (y) =>
    y
      .option('data', { type: 'string', demandOption: true, describe: 'The rows the LFs were applied to (same order as --L)' })
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('model', { type: 'string', demandOption: true, describe: 'Fitted label model (.json, from ballot fit; mv = majority vote)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Where to write the end model (.json)' })
      .option('text-column', {
        type: 'string',
        array: true,
        describe: 'Text column(s) of --data to featurise (TF-IDF of word and character n-grams)',
      })
      .option('numeric-column', { type: 'string', array: true, describe: 'Numeric column(s), standardised' })
      .option('categorical-column', { type: 'string', array: true, describe: 'Categorical column(s), one-hot (hashed)' })
      .option('cv', { type: 'number', describe: 'Also report K-fold out-of-sample agreement with the label model (K ≥ 2)' })
      .option('gold', { type: 'string', describe: 'Dev rows with gold labels (same columns as --data): prints accuracy and calibration' })
      .option('label-column', { type: 'string', describe: 'Column of --gold holding the gold labels' })
      .option('l2', { type: 'number', default: 1, describe: 'L2 strength on the weights (1/C of scikit-learn)' })
      .option('max-iter', { type: 'number', default: 100, describe: 'L-BFGS iterations at most' })
      .option('hash-bits', { type: 'number', describe: 'Buckets per hashed feature block = 2^bits (default 18)' })
      .option('char-ngrams', { type: 'string', describe: 'Character n-gram range lo,hi (default 2,5) or off' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the --cv folds' })
      .option('json', { type: 'boolean', describe: 'Print the summary as JSON' })
      .example(
        '$0 train --data rows.csv --L L.arrow --model model.json --text-column CONTENT --out end.json',
        "end model on the label model's probabilities",
      )
      .example(
        '$0 train --data rows.csv --L L.arrow --model model.json --text-column CONTENT --out end.json --cv 5 --gold dev.csv --label-column y',
        'with cross-fitted agreement and dev calibration',
      ) as any,
  handler: async (a) => {
    if (!/\.json$/i.test(a.out)) throw new ConfigError(`--out ${a.out}: the end model is written as JSON; give it a .json name`);
    const { model, report } = await runTrain({
      data: a.data,
      L: a.L,
      loadModel: (L) => readLabelModelFile(a.model, { allowMv: true, matrix: { L, file: a.L } }),
      out: a.out,
      options: trainOptions(a),
      cv: a.cv,
      gold: a.gold,
      labelColumn: a['label-column'],
    });
    if (a.json) printJSON({ out: a.out, ...report });
    else process.stdout.write(formatTrain(a.out, model, report, a.gold));
  },
};

function trainOptions(a: TrainArgs): EndModelOptions {
  const textColumns = a['text-column'] ?? [];
  const numericColumns = a['numeric-column'] ?? [];
  const categoricalColumns = a['categorical-column'] ?? [];
  if (!textColumns.length && !numericColumns.length && !categoricalColumns.length) {
    throw new ConfigError('give the columns to learn from: --text-column COL (and/or --numeric-column, --categorical-column)');
  }
  let charNgrams: [number, number] | false | undefined;
  if (a['char-ngrams'] !== undefined) {
    if (a['char-ngrams'] === 'off') charNgrams = false;
    else {
      const m = /^(\d+),(\d+)$/.exec(a['char-ngrams']);
      if (!m) throw new ConfigError(`--char-ngrams must be lo,hi (e.g. 2,5) or off; got "${a['char-ngrams']}"`);
      charNgrams = [Number(m[1]), Number(m[2])];
    }
  }
  if (!(a.l2 > 0)) throw new ConfigError(`--l2 must be a positive number, got ${a.l2}`);
  if (!Number.isInteger(a['max-iter']) || a['max-iter'] < 1) throw new ConfigError(`--max-iter must be a positive integer, got ${a['max-iter']}`);
  return { textColumns, numericColumns, categoricalColumns, hashBits: a['hash-bits'], charNgrams, l2: a.l2, maxIter: a['max-iter'], seed: a.seed };
}
