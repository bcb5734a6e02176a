import type { Argv, CommandModule } from 'yargs';
import { defaultReadOptions } from '../../data/read-defaults.js';
import { runWatch } from '../../project/watch-run.js';
import { ConfigError } from '../../util/errors.js';
import { formatRun } from '../format/watch.js';
import { commaList } from '../options.js';

interface WatchArgs {
  data: string;
  lfs: string[];
  labels?: string;
  out: string;
  'gold-column'?: string;
  model: string;
  'on-error': 'error' | 'abstain';
  workers?: number;
  'batch-size': number;
  debounce: number;
  json?: boolean;
  'lf-timeout'?: number;
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch',
  describe: 'Apply the LFs, then re-apply changed LFs on every save and print what changed in the LF summary',
  builder: (y) =>
    y
      .option('data', { type: 'string', demandOption: true, describe: 'Data file: .csv, .tsv, .jsonl or .arrow' })
      .option('lfs', { type: 'string', array: true, default: ['lfs/**/*.ts'], describe: 'LF files or glob patterns' })
      .option('labels', { type: 'string', describe: 'Class names, comma-separated (when the LF files export no `labels`)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Label matrix output (.arrow), rewritten on every run' })
      .option('gold-column', {
        type: 'string',
        describe: "Column of the data with gold labels for some rows: adds accuracy, and the label model's dev score",
      })
      .option('model', {
        type: 'string',
        default: 'mc',
        describe: 'With --gold-column: label model fitted on every run and scored on the gold rows (mv, wmv, ds, mc, triplet; none to skip)',
      })
      .option('on-error', { choices: ['error', 'abstain'] as const, default: 'abstain' as const, describe: 'When an LF throws' })
      .option('workers', { type: 'number', describe: 'Worker threads per run (default: all cores)' })
      .option('batch-size', { type: 'number', default: 8192, describe: 'Rows per batch' })
      .option('lf-timeout', {
        type: 'number',
        describe:
          'Seconds one LF call may run before the run stops naming the LF and row (default 10; 0 = no limit); watch reports it and keeps watching',
      })
      .option('debounce', { type: 'number', default: 200, describe: 'Milliseconds to wait after a save before re-applying' })
      .option('json', {
        type: 'boolean',
        describe: 'Print each run as one line of JSON (summary, changes, label-model score)',
      }) as unknown as Argv<WatchArgs>,
  handler: async (a) => {
    if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1))
      throw new ConfigError(`--workers must be a positive integer, got ${a.workers}`);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let first = true;
    try {
      await runWatch({
        data: a.data,
        lfs: a.lfs,
        out: a.out,
        labels: commaList(a.labels),
        goldColumn: a['gold-column'],
        labelModel: a.model,
        read: defaultReadOptions(),
        onError: a['on-error'],
        workers: a.workers,
        batchSize: a['batch-size'],
        debounceMs: a.debounce,
        lfTimeout: a['lf-timeout'],
        signal: ac.signal,
        onRun: (run) => {
          if (a.json) {
            process.stdout.write(`${JSON.stringify(run.ok ? run : { ok: false, error: run.error.message, trigger: run.trigger })}\n`);
            return;
          }
          process.stdout.write(`${formatRun(run, first).join('\n')}\n`);
          if (run.ok && first) {
            process.stdout.write(`watching ${run.result.sourceFiles.length} source files and ${a.data}; Ctrl-C to stop\n`);
            first = false;
          }
        },
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
