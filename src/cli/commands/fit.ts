import type { CommandModule } from 'yargs';
import { goldFromRows, readAlignedRows } from '../../data/aligned-rows.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import type { LabelMatrix } from '../../matrix/label-matrix.js';
import { AutoLabelModel } from '../../label-model/auto.js';
import { parseMetric } from '../../label-model/metrics.js';
import { createLabelModel, LABEL_MODEL_KINDS, parseLabelModelKind, type LabelModelKind } from '../../label-model/registry.js';
import type { FitReport, LabelModel, ModelSelection } from '../../label-model/types.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { formatTable } from '../format/table.js';
import { printJSON, writeJSONFile } from '../output.js';

interface FitArgs {
  model: string;
  L: string;
  out: string;
  dev?: string;
  'dev-L'?: string;
  'label-column'?: string;
  metric: string;
  'class-balance'?: string;
  preset?: string;
  epochs?: number;
  seed?: number;
  json?: boolean;
}

export const fitCommand: CommandModule<object, FitArgs> = {
  command: 'fit',
  describe: 'Fit a label model on a label matrix (no gold labels needed) and save it as JSON',
  builder: (y) =>
    y
      .option('model', { type: 'string', default: 'mc', describe: `Label model: ${LABEL_MODEL_KINDS.join(', ')} (auto picks the best on --dev)` })
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Where to write the fitted model (.json)' })
      .option('dev', { type: 'string', describe: 'File with gold labels: its rows line up with --L (empty cells = unlabelled), or with --dev-L' })
      .option('dev-L', { type: 'string', describe: 'Label matrix of the --dev rows when they are a separate dev set' })
      .option('label-column', { type: 'string', describe: 'Column of --dev holding the gold labels (class names or indices)' })
      .option('metric', { type: 'string', default: 'accuracy', describe: 'Dev metric: accuracy, f1 (binary, class 1 positive) or f1_macro' })
      .option('class-balance', { type: 'string', describe: 'Class probabilities, comma-separated in class order (mc, ds, triplet, wmv)' })
      .option('preset', { type: 'string', describe: 'mc only: ballot (default) or snorkel (Snorkel LabelModel defaults)' })
      .option('epochs', { type: 'number', describe: 'mc only: optimizer steps' })
      .option('seed', { type: 'number', describe: 'mc --preset snorkel: seed of the random initialization' })
      .option('json', { type: 'boolean', describe: 'Print the fit report as JSON' })
      .example('$0 fit --model mc --L L.arrow --out model.json', 'fit the matrix-completion model')
      .example('$0 fit --model auto --L L.arrow --dev dev.csv --dev-L devL.arrow --label-column label --out model.json', 'score every model on dev labels and keep the best') as any,
  handler: (a) => {
    const kind = parseLabelModelKind(a.model);
    const metric = parseMetric(a.metric);
    if (!/\.json$/i.test(a.out)) throw new ConfigError(`--out ${a.out}: the fitted model is written as JSON; give it a .json name`);
    const L = loadLabelMatrix(a.L);
    if (L.n === 0) throw new DataError(a.L, 'the label matrix has no rows: nothing to fit');
    const dev = readDev(a, L);
    if (kind === 'auto' && !dev) throw new ConfigError('--model auto needs --dev FILE and --label-column COL: it picks the model with the best dev score');
    const options = modelOptions(kind, a, L.k);
    let selection: ModelSelection | undefined;
    let model: LabelModel;
    let report: FitReport;
    if (dev) {
      // Score every candidate on dev (auto's selection); keep the requested model, or the best one for auto.
      const auto = new AutoLabelModel();
      const autoReport = auto.fit(L, { dev, metric, options: candidateOptions(a, L.k) });
      selection = autoReport.selection;
      if (kind === 'auto') {
        model = auto;
        report = autoReport;
      } else {
        model = createLabelModel(kind);
        report = model.fit(L, kind === 'wmv' ? { ...options, dev } : options);
      }
    } else {
      model = createLabelModel(kind);
      report = model.fit(L, options);
    }
    writeJSONFile(a.out, model.toJSON());
    const accuracies = model.accuracies();
    if (a.json) {
      printJSON({ out: a.out, report: { ...report, lossHistory: undefined }, selection, accuracies, classBalance: model.classBalance() });
      return;
    }
    process.stdout.write(formatFit(a.out, L, report, model, selection));
  },
};

/** Dev gold labels and the matching label matrix, when --dev is given. */
function readDev(a: FitArgs, L: LabelMatrix): { L: LabelMatrix; gold: Int32Array } | undefined {
  if (!a.dev) {
    if (a['label-column'] || a['dev-L']) throw new ConfigError('--label-column and --dev-L need --dev: the file holding the gold labels');
    return undefined;
  }
  if (!a['label-column']) throw new ConfigError('--dev needs --label-column: the column holding the gold labels');
  const devL = a['dev-L'] ? loadLabelMatrix(a['dev-L']) : L;
  if (devL !== L) assertSameLFs(a.L, L, a['dev-L']!, devL);
  const gold = goldFromRows(devL, readAlignedRows(devL, a.dev, 'dev'), a['label-column']);
  if (!gold.some((g) => g >= 0)) throw new ConfigError(`${a.dev}: column "${a['label-column']}" has no gold labels`);
  return { L: devL, gold };
}

/** The dev matrix must come from the same LFs and classes as the training matrix, or its scores mean nothing. */
function assertSameLFs(file: string, L: LabelMatrix, devFile: string, devL: LabelMatrix): void {
  if (devL.labels.join('\u0000') !== L.labels.join('\u0000')) {
    throw new ConfigError(`--dev-L ${devFile} has classes ${devL.labels.join(', ')} but --L ${file} has ${L.labels.join(', ')}: apply the same LFs to both`);
  }
  const train = new Set(L.lfNames);
  if (devL.m !== L.m || devL.lfNames.some((name) => !train.has(name))) {
    throw new ConfigError(`--dev-L ${devFile} has LFs ${devL.lfNames.join(', ')} but --L ${file} has ${L.lfNames.join(', ')}: apply the same LFs to both`);
  }
}

function parseClassBalance(s: string | undefined, k: number): number[] | undefined {
  if (s === undefined) return undefined;
  const p = s.split(',').map((x) => Number(x.trim()));
  if (p.length !== k || p.some((x) => !(x > 0))) throw new ConfigError(`--class-balance needs ${k} positive numbers, got "${s}"`);
  return p;
}

function modelOptions(kind: LabelModelKind, a: FitArgs, k: number, check = true): Record<string, unknown> {
  const classBalance = parseClassBalance(a['class-balance'], k);
  if (check && (a.preset !== undefined || a.epochs !== undefined || a.seed !== undefined) && kind !== 'mc' && kind !== 'auto') {
    throw new ConfigError('--preset, --epochs and --seed apply to --model mc only');
  }
  if (kind === 'mc') {
    if (a.preset !== undefined && a.preset !== 'ballot' && a.preset !== 'snorkel') throw new ConfigError(`--preset must be ballot or snorkel, got "${a.preset}"`);
    return { classBalance, preset: a.preset, epochs: a.epochs, seed: a.seed };
  }
  if (kind === 'mv' || kind === 'auto') return {};
  return { classBalance };
}

function candidateOptions(a: FitArgs, k: number): Record<string, Record<string, unknown>> {
  const kinds = ['wmv', 'ds', 'triplet', 'mc'] as const;
  const out: Record<string, Record<string, unknown>> = Object.fromEntries(kinds.map((kind) => [kind, modelOptions(kind, a, k, false)]));
  // mc+balance estimates the class balance itself; a given --class-balance makes it the same as mc.
  out['mc+balance'] = { ...out.mc, classBalance: undefined };
  return out;
}

function formatFit(out: string, L: LabelMatrix, r: FitReport, model: LabelModel, selection?: ModelSelection): string {
  const lines: string[] = [];
  const chosen = model instanceof AutoLabelModel ? `auto → ${selection?.chosen ?? model.chosen().kind}` : model.kind;
  lines.push(`${chosen} fitted on ${r.n.toLocaleString('en-US')} rows × ${r.m} LFs × ${r.k} classes in ${(r.seconds ?? 0).toFixed(2)} s → ${out}`);
  const conv = r.iterations ? `; ${r.iterations} iterations, ${r.converged ? 'converged' : 'not converged'}` : '';
  lines.push(`rows without votes (get the class balance): ${r.uncoveredRows.toLocaleString('en-US')}${conv}`);
  const p = model.classBalance();
  lines.push(`class balance: ${L.labels.map((name, y) => `${name} ${p[y].toFixed(3)}`).join(', ')}`);
  for (const note of r.notes ?? []) lines.push(`note: ${note}`);
  if (selection) {
    lines.push('');
    lines.push(`dev ${selection.metric} on ${selection.devRows.toLocaleString('en-US')} labelled rows:`);
    const tuned = selection.scores.some((s) => s.threshold !== undefined);
    const header = tuned ? ['model', selection.metric, `F1 threshold P(${L.labels[1]})`, ''] : ['model', selection.metric, ''];
    lines.push(formatTable(header, selection.scores.map((s) => [
      s.model, Number.isNaN(s.score) ? `failed: ${s.error}` : s.score,
      ...(tuned ? [s.threshold === undefined ? '' : s.threshold.toPrecision(4)] : []),
      s.model === selection.chosen ? 'best' : '',
    ])));
    if (tuned) lines.push('a threshold is listed where one tuned on dev beat the most probable class; its score is cross-fitted');
    if (selection.threshold !== undefined && model instanceof AutoLabelModel) lines.push(`predict labels ${L.labels[1]} iff P(${L.labels[1]}) > ${selection.threshold!.toPrecision(4)} (binary F1 threshold tuned on dev)`);
  }
  const acc = model.accuracies();
  if (acc) {
    lines.push('');
    lines.push(formatTable(['lf', 'learned accuracy'], L.lfNames.map((name, j) => [name, acc[j]])));
  }
  return `${lines.join('\n')}\n`;
}
