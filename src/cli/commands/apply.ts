import type { CommandModule } from 'yargs';
import { applyFile, type ApplyFileReport } from '../../project/apply-file.js';
import { printJSON } from '../output.js';
import { formatApplyReport } from '../format/apply.js';
import { ConfigError } from '../../util/errors.js';

interface ApplyArgs {
  data: string;
  lfs: string[];
  labels?: string;
  out: string;
  'on-error': 'error' | 'abstain';
  workers?: number;
  'batch-size': number;
  cache: boolean;
  'cache-dir'?: string;
  json?: boolean;
  'lf-timeout'?: number;
}

export const applyCommand: CommandModule<object, ApplyArgs> = {
  command: 'apply',
  describe: 'Apply the LFs to a data file and write the label matrix (re-applies only LFs whose code or data changed)',
  builder: (y) =>
    y
      .option('data', { type: 'string', demandOption: true, describe: 'Data file: .csv, .tsv, .jsonl or .arrow' })
      .option('lfs', { type: 'string', array: true, default: ['lfs/**/*.ts'], describe: 'LF files or glob patterns' })
      .option('labels', { type: 'string', describe: 'Class names, comma-separated (when the LF files export no `labels`)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Label matrix output (.arrow)' })
      .option('on-error', { choices: ['error', 'abstain'] as const, default: 'error' as const, describe: 'When an LF throws: stop, or record an abstain and count it' })
      .option('workers', { type: 'number', describe: 'Worker threads (default: all cores; 1 = this thread)' })
      .option('batch-size', { type: 'number', default: 8192, describe: 'Rows per batch read and sent to a worker' })
      .option('cache', { type: 'boolean', default: true, describe: 'Reuse cached columns of unchanged LFs (--no-cache to re-apply all)' })
      .option('cache-dir', { type: 'string', describe: 'Cache directory (default .ballot-cache next to --out)' })
      .option('lf-timeout', { type: 'number', describe: 'Seconds one LF call may run before apply stops naming the LF and row (default 10 on workers; 0 = no limit). Set with --workers 1, it applies on one worker' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' }) as any,
  handler: async (a) => {
    if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1)) throw new ConfigError(`--workers must be a positive integer, got ${a.workers}`);
    const report = await applyFile({
      data: a.data,
      lfs: a.lfs,
      out: a.out,
      labels: a.labels ? a.labels.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      onError: a['on-error'],
      workers: a.workers,
      batchSize: a['batch-size'],
      cache: a.cache,
      cacheDir: a['cache-dir'],
      lfTimeout: a['lf-timeout'],
    });
    if (a.json) printJSON(report);
    else process.stdout.write(formatApplyReport(report));
  },
};
