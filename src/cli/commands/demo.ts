import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { runSpamDemo } from '../../project/demo.js';
import { formatDemo } from '../format/demo.js';
import { printJSON } from '../output.js';

interface DemoArgs {
  out: string;
  seed: number;
  quick?: boolean;
  json?: boolean;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Run the YouTube spam demo end to end on real data (apply, summarize, fit, score, flag, sample)',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'ballot-demo', describe: 'Folder for the outputs' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed for tie-breaks, model fitting and sampling' })
      .option('quick', { type: 'boolean', describe: 'Quick form: fewer label models (used by CI)' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' }) as any,
  handler: async (a) => {
    const t0 = performance.now();
    const report = await runSpamDemo({ outDir: resolve(a.out), seed: a.seed, quick: a.quick });
    if (a.json) printJSON(report);
    else process.stdout.write(formatDemo(report, (performance.now() - t0) / 1000));
  },
};
