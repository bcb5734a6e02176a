import type { CommandModule } from 'yargs';
import { fitFromStatsFile } from '../../project/distributed/fit-stats.js';
import { ConfigError } from '../../util/errors.js';
import { printJSON, writeJSONFile } from '../output.js';

interface FitStatsArgs {
  stats: string;
  model: string;
  out: string;
  'class-balance'?: string;
  preset?: string;
  epochs?: number;
  seed?: number;
  json?: boolean;
}

export const fitStatsCommand: CommandModule<object, FitStatsArgs> = {
  command: 'fit-stats',
  describe: 'Fit a label model from merged statistics (written by ballot apply --queue) without reading any rows',
  builder: (y) =>
    y
      .option('stats', { type: 'string', demandOption: true, describe: 'Merged statistics (.stats, next to the label matrix)' })
      .option('model', { type: 'string', default: 'mc', describe: 'mc or triplet (the models that fit from overlap statistics)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Where to write the fitted model (.json)' })
      .option('class-balance', { type: 'string', describe: 'Class probabilities, comma-separated in class order' })
      .option('preset', { type: 'string', describe: 'mc only: ballot (default) or snorkel' })
      .option('epochs', { type: 'number', describe: 'mc only: optimizer steps' })
      .option('seed', { type: 'number', describe: 'mc --preset snorkel: seed of the random initialization' })
      .option('json', { type: 'boolean', describe: 'Print the fit report as JSON' }) as any,
  handler: (a) => {
    if (!/\.json$/i.test(a.out)) throw new ConfigError(`--out ${a.out}: the fitted model is written as JSON; give it a .json name`);
    const cb = a['class-balance']?.split(',').map((x) => Number(x.trim()));
    if (a.preset !== undefined && a.preset !== 'ballot' && a.preset !== 'snorkel')
      throw new ConfigError(`--preset must be ballot or snorkel, got "${a.preset}"`);
    const { model, report } = fitFromStatsFile(a.stats, a.model, {
      classBalance: cb,
      preset: a.preset as 'ballot' | 'snorkel' | undefined,
      epochs: a.epochs,
      seed: a.seed,
    });
    writeJSONFile(a.out, model.toJSON());
    if (a.json) printJSON({ out: a.out, report: { ...report, lossHistory: undefined } });
    else
      process.stdout.write(
        `${model.kind} fitted from statistics of ${report.n.toLocaleString('en-US')} rows × ${report.m} LFs × ${report.k} classes in ${(report.seconds ?? 0).toFixed(2)} s → ${a.out}\n`,
      );
  },
};
