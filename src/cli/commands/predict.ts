import { readLabelModelFile } from '../model-file.js';
import type { CommandModule } from 'yargs';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import { writeRows } from '../../data/write.js';
import { AutoLabelModel } from '../../label-model/auto.js';
import { probsToPreds, TIE_POLICIES } from '../../label-model/predict.js';
import type { TiePolicy } from '../../label-model/types.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { readRows } from '../../data/read.js';
import { readEndModelFile } from '../../end-model/file.js';
import { formatTable, printJSON } from '../output.js';

interface PredictArgs {
  model?: string;
  L?: string;
  'end-model'?: string;
  data?: string;
  out: string;
  'tie-policy': string;
  seed: number;
  json?: boolean;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict',
  describe: 'Write probabilistic labels (one probability per class) and hard labels for a label matrix',
  builder: (y) =>
    y
      .option('model', { type: 'string', describe: 'Fitted label model (.json, from ballot fit); needs --L' })
      .option('L', { type: 'string', describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('end-model', { type: 'string', describe: 'Instead of --model/--L: an end model (.json, from ballot train) applied to the rows of --data' })
      .option('data', { type: 'string', describe: 'Rows to label with --end-model (any columns; needs the ones it was trained on)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output: .csv, .tsv, .jsonl or .arrow with columns row, label, label_index, p_<class>…' })
      .option('tie-policy', { type: 'string', default: 'abstain', describe: 'Classes tied for the top probability: abstain (label empty, index -1), random (seeded) or snorkel (Snorkel\'s deterministic pick, sha1 of the row index). An auto model fitted for binary F1 uses its dev-tuned threshold instead' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the random tie-break' })
      .option('json', { type: 'boolean', describe: 'Print the summary as JSON' })
      .example('$0 predict --model model.json --L L.arrow --out probs.csv', 'probabilistic labels as CSV')
      .example('$0 predict --end-model end.json --data rows.csv --out preds.csv', 'the end model\'s labels for any rows') as any,
  handler: (a) => {
    const tiePolicy = a['tie-policy'] as TiePolicy;
    if (!TIE_POLICIES.includes(tiePolicy)) throw new ConfigError(`--tie-policy must be ${TIE_POLICIES.join(', ')}; got "${a['tie-policy']}"`);
    if (!Number.isFinite(a.seed)) throw new ConfigError(`--seed must be a number, got ${a.seed}`);
    if (a['end-model'] !== undefined) {
      predictEndModel(a, tiePolicy);
      return;
    }
    if (a.data !== undefined) throw new ConfigError('--data goes with --end-model; a label model predicts from --L');
    if (a.model === undefined || a.L === undefined) throw new ConfigError('give --model and --L (label model), or --end-model and --data (end model)');
    const t0 = performance.now();
    const L = loadLabelMatrix(a.L);
    const model = readLabelModelFile(a.model, { matrix: { L, file: a.L } });
    const probs = model.predictProba(L);
    const { k, n } = L;
    // An auto model chosen for binary F1 labels by its dev-tuned threshold, not by the most probable class.
    const preds = model instanceof AutoLabelModel ? model.decide(probs, k, tiePolicy, a.seed) : probsToPreds(probs, k, tiePolicy, a.seed);
    const probColumns = L.labels.map((name) => `p_${name}`);
    const columns = ['row', 'label', 'label_index', ...probColumns];
    const rows = new Array(n);
    for (let i = 0; i < n; i++) {
      const r: Record<string, unknown> = { row: i, label: preds[i] >= 0 ? L.labels[preds[i]] : '', label_index: preds[i] };
      for (let y = 0; y < k; y++) r[probColumns[y]] = probs[i * k + y];
      rows[i] = r;
    }
    // Pinned so p_* stay Float64 in Arrow even when every probability is 0 or 1 (majority vote).
    const types = Object.fromEntries(probColumns.map((c) => [c, 'float64' as const]));
    writeRows(a.out, rows, { columns, types: { row: 'int32', label: 'utf8', label_index: 'int32', ...types } });
    const counts = new Array(k + 1).fill(0);
    for (let i = 0; i < n; i++) counts[preds[i] + 1]++;
    const summary = {
      out: a.out, model: model.kind, rows: n,
      perClass: Object.fromEntries(L.labels.map((name, y) => [name, counts[y + 1]])),
      abstained: counts[0],
      seconds: (performance.now() - t0) / 1000,
    };
    if (a.json) {
      printJSON(summary);
      return;
    }
    const lines = [`${model.kind}: ${n.toLocaleString('en-US')} rows → ${a.out} in ${summary.seconds.toFixed(2)} s`];
    lines.push(formatTable(['label', 'rows'], [...L.labels.map((name, y): [string, number] => [name, counts[y + 1]]), ['(tie, abstained)', counts[0]]]));
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};


/** `--end-model`: the end model's probabilities and labels for the rows of --data (same output columns). */
function predictEndModel(a: PredictArgs, tiePolicy: TiePolicy): void {
  if (a.model !== undefined || a.L !== undefined) throw new ConfigError('--end-model predicts from --data; drop --model and --L');
  if (a.data === undefined) throw new ConfigError('--end-model needs --data: the rows to label');
  const t0 = performance.now();
  const model = readEndModelFile(a['end-model']!);
  const ds = readRows(a.data);
  if (ds.rows.length === 0) throw new DataError(a.data, 'has no rows to label');
  const probs = model.predictProba(ds.rows, a.data);
  const k = model.labels.length;
  const n = ds.rows.length;
  const preds = probsToPreds(probs, k, tiePolicy, a.seed);
  const probColumns = model.labels.map((name) => `p_${name}`);
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = { row: i, label: preds[i] >= 0 ? model.labels[preds[i]] : '', label_index: preds[i] };
    for (let y = 0; y < k; y++) r[probColumns[y]] = probs[i * k + y];
    rows[i] = r;
  }
  const types = Object.fromEntries(probColumns.map((c) => [c, 'float64' as const]));
  writeRows(a.out, rows, { columns: ['row', 'label', 'label_index', ...probColumns], types: { row: 'int32', label: 'utf8', label_index: 'int32', ...types } });
  const counts = new Array(k + 1).fill(0);
  for (let i = 0; i < n; i++) counts[preds[i] + 1]++;
  const seconds = (performance.now() - t0) / 1000;
  if (a.json) {
    printJSON({ out: a.out, model: 'end-model', rows: n, perClass: Object.fromEntries(model.labels.map((name, y) => [name, counts[y + 1]])), abstained: counts[0], seconds });
    return;
  }
  const lines = [`end model: ${n.toLocaleString('en-US')} rows of ${a.data} → ${a.out} in ${seconds.toFixed(2)} s`];
  lines.push(formatTable(['label', 'rows'], [...model.labels.map((name, y): [string, number] => [name, counts[y + 1]]), ['(tie, abstained)', counts[0]]]));
  process.stdout.write(`${lines.join('\n')}\n`);
}
