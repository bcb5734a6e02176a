import type { CommandModule } from 'yargs';
import { commaList } from '../options.js';
import { defaultReadOptions } from '../../data/read-defaults.js';
import { applyFile } from '../../project/apply-file.js';
import { DISTRIBUTED_DEPS, withOptionalDeps } from '../optional-deps.js';
import { printJSON } from '../output.js';
import { formatApplyReport, formatDistributedApply } from '../format/apply.js';
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
  queue?: string;
  store?: string;
  'shard-rows'?: number;
  attempts: number;
  matrix: boolean;
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
      .option('on-error', {
        choices: ['error', 'abstain'] as const,
        default: 'error' as const,
        describe: 'When an LF throws: stop, or record an abstain and count it',
      })
      .option('workers', { type: 'number', describe: 'Worker threads (default: all cores; 1 = this thread)' })
      .option('batch-size', { type: 'number', default: 8192, describe: 'Rows per batch read and sent to a worker' })
      .option('cache', { type: 'boolean', default: true, describe: 'Reuse cached columns of unchanged LFs (--no-cache to re-apply all)' })
      .option('cache-dir', { type: 'string', describe: 'Cache directory (default .ballot-cache next to --out)' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .option('queue', { type: 'string', describe: 'Distributed: Redis URL (redis://host:6379/0); shards go to `ballot worker` processes' })
      .option('store', {
        type: 'string',
        describe: 'Distributed: shard store directory shared with the workers (default .ballot-shards next to --out)',
      })
      .option('shard-rows', { type: 'number', describe: 'Distributed: rows per shard (default 65536)' })
      .option('attempts', { type: 'number', default: 3, describe: 'Distributed: attempts per shard before the run fails' })
      .option('matrix', {
        type: 'boolean',
        default: true,
        describe: 'Distributed: also concatenate the label matrix (--no-matrix: merged statistics only, for fit-stats and predict --queue)',
      })
      .option('lf-timeout', {
        type: 'number',
        describe:
          'Seconds one LF call may run before apply stops naming the LF and row (default 10 on workers; 0 = no limit). Set with --workers 1, it applies on one worker',
      }) as any,
  handler: async (a) => {
    if (a.queue !== undefined) return applyQueued(a);
    if (!a.matrix) throw new ConfigError('--no-matrix applies to a distributed run (--queue): a single-process apply always writes the matrix');
    if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1))
      throw new ConfigError(`--workers must be a positive integer, got ${a.workers}`);
    const report = await applyFile({
      data: a.data,
      lfs: a.lfs,
      out: a.out,
      labels: commaList(a.labels),
      onError: a['on-error'],
      workers: a.workers,
      batchSize: a['batch-size'],
      cache: a.cache,
      cacheDir: a['cache-dir'],
      read: defaultReadOptions(),
      lfTimeout: a['lf-timeout'],
    });
    if (a.json) printJSON(report);
    else process.stdout.write(formatApplyReport(report));
  },
};

/** `apply --queue`: the distributed run (src/distributed), progress on stderr. */
async function applyQueued(a: ApplyArgs): Promise<void> {
  if (a.workers !== undefined) throw new ConfigError('--workers is for a single-process apply; with --queue, start `ballot worker` processes');
  const tty = process.stderr.isTTY && !process.env.CI;
  const { applyDistributed } = await withOptionalDeps('apply --queue', DISTRIBUTED_DEPS, () => import('../../project/distributed/coordinator.js'));
  const r = await applyDistributed({
    data: a.data,
    lfs: a.lfs,
    out: a.out,
    queue: a.queue!,
    store: a.store,
    shardRows: a['shard-rows'],
    attempts: a.attempts,
    matrix: a.matrix,
    labels: commaList(a.labels),
    onError: a['on-error'],
    batchSize: a['batch-size'],
    onProgress: (p) =>
      process.stderr.write(`${tty ? '\r' : ''}shards ${p.done}/${p.total} done${p.reused ? ` (${p.reused} from the store)` : ''}${tty ? '' : '\n'}`),
  });
  if (tty) process.stderr.write('\n');
  if (a.json) printJSON(r);
  else process.stdout.write(formatDistributedApply(r));
}
