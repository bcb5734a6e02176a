import type { CommandModule } from 'yargs';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import { writeRows } from '../../data/write.js';
import { TIE_POLICIES } from '../../label-model/predict.js';
import { predictionRecords } from '../../label-model/records.js';
import type { TiePolicy } from '../../label-model/types.js';
import { ConfigError } from '../../util/errors.js';
import { formatPredict } from '../format/predict.js';
import { readLabelModelFile } from '../model-file.js';
import { printJSON } from '../output.js';
import { DISTRIBUTED_DEPS, withOptionalDeps } from '../optional-deps.js';

interface PredictArgs {
  model: string;
  L: string;
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
      .option('model', { type: 'string', demandOption: true, describe: 'Fitted label model (.json, from ballot fit)' })
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow from ballot apply, or a WRENCH .json split)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output: .csv, .tsv, .jsonl or .arrow with columns row, label, label_index, p_<class>…' })
      .option('tie-policy', { type: 'string', default: 'abstain', describe: 'Classes tied for the top probability: abstain (label empty, index -1), random (seeded) or snorkel (Snorkel\'s deterministic pick, sha1 of the row index). An auto model fitted for binary F1 uses its dev-tuned threshold on rows with votes instead' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the random tie-break' })
      .option('json', { type: 'boolean', describe: 'Print the summary as JSON' })
      .option('queue', { type: 'string', describe: 'Distributed: Redis URL; predict each shard of a distributed apply (reads <L>.stats, not the matrix) on `ballot worker`s' })
      .example('$0 predict --model model.json --L L.arrow --out probs.csv', 'probabilistic labels as CSV') as any,
  handler: async (a) => {
    const tiePolicy = a['tie-policy'] as TiePolicy;
    if (!TIE_POLICIES.includes(tiePolicy)) throw new ConfigError(`--tie-policy must be ${TIE_POLICIES.join(', ')}; got "${a['tie-policy']}"`);
    if (!Number.isFinite(a.seed)) throw new ConfigError(`--seed must be a number, got ${a.seed}`);
    if (a.queue !== undefined) {
      const { predictDistributed } = await withOptionalDeps('predict --queue', DISTRIBUTED_DEPS, () => import('../../project/distributed/predict.js'));
      const r = await predictDistributed({ L: a.L, model: a.model, out: a.out, queue: a.queue, tiePolicy, seed: a.seed });
      if (a.json) printJSON(r);
      else process.stdout.write(`${r.model}: ${r.rows.toLocaleString('en-US')} rows → ${r.out} in ${r.seconds.toFixed(2)} s (${r.shards} shards, ${r.reusedShards} from the store)\n`);
      return;
    }
    const t0 = performance.now();
    const L = loadLabelMatrix(a.L);
    const model = readLabelModelFile(a.model, { matrix: { L, file: a.L } });
    const rec = predictionRecords(model, L, tiePolicy, a.seed);
    writeRows(a.out, rec.rows, { columns: rec.columns, types: rec.types });
    const summary = { out: a.out, model: model.kind, rows: L.n, perClass: rec.perClass, abstained: rec.abstained, seconds: (performance.now() - t0) / 1000 };
    if (a.json) printJSON(summary);
    else process.stdout.write(formatPredict(summary));
  },
};
