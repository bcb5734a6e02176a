import type { CommandModule } from 'yargs';
import { formatWorkerEvent } from '../format/worker.js';
import { DISTRIBUTED_DEPS, withOptionalDeps } from '../optional-deps.js';
import { ConfigError } from '../../util/errors.js';

interface WorkerArgs {
  queue: string;
  concurrency: number;
  store?: string;
  project?: string;
  'lock-ms': number;
  'stalled-ms'?: number;
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Serve shard jobs of distributed runs (ballot apply --queue) from a Redis queue until stopped',
  builder: (y) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'Redis URL: redis://[user:pass@]host:6379/0' })
      .option('concurrency', { type: 'number', default: 1, describe: 'Shards processed at once by this process' })
      .option('store', { type: 'string', describe: "The shard store directory as mounted here (default: the coordinator's path)" })
      .option('project', { type: 'string', describe: "The project (LF files) on this machine (default: the coordinator's path)" })
      .option('lock-ms', { type: 'number', default: 30000, describe: 'A worker silent this long is presumed dead and its shard retried elsewhere' })
      .option('stalled-ms', { type: 'number', describe: 'How often to look for stalled shards (default lock-ms / 2)' })
      .example('$0 worker --queue redis://10.0.0.5:6379/0 --concurrency 2', 'serve shards on this machine') as any,
  handler: async (a) => {
    if (!Number.isInteger(a.concurrency) || a.concurrency < 1)
      throw new ConfigError(`--concurrency must be a positive integer, got ${a.concurrency}`);
    const { startWorker } = await withOptionalDeps('ballot worker', DISTRIBUTED_DEPS, () => import('../../project/distributed/worker.js'));
    const w = await startWorker({
      queue: a.queue,
      concurrency: a.concurrency,
      store: a.store,
      project: a.project,
      lockDurationMs: a['lock-ms'],
      stalledIntervalMs: a['stalled-ms'],
      onEvent: (e) => process.stdout.write(formatWorkerEvent(e)),
    });
    process.stdout.write(`worker ${process.pid} serving ${a.queue.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}\n`);
    const stop = () => void w.close();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await w.closed;
  },
};
