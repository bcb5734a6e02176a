import type { CommandModule } from 'yargs';
import { goldFromRows, readAlignedRows } from '../../data/aligned-rows.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import type { LabelMatrix } from '../../matrix/label-matrix.js';
import type { CandidateOptions } from '../../label-model/auto.js';
import { fitLabelModel } from '../../label-model/fit-label-model.js';
import { LABEL_MODEL_KINDS, type LabelModelKind } from '../../label-model/kinds.js';
import { parseMetric } from '../../label-model/metrics.js';
import { LABEL_MODELS, parseLabelModelKind } from '../../label-model/registry.js';
import { sameLabels } from '../../matrix/checked.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { flagOf, withFlagNames } from '../flags.js';
import { formatFit } from '../format/fit.js';
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
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow from ballot apply, or a WRENCH .json split)' })
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
      .example(
        '$0 fit --model auto --L L.arrow --dev dev.csv --dev-L devL.arrow --label-column label --out model.json',
        'score every model on dev labels and keep the best',
      ) as any,
  handler: async (a) => {
    const kind = parseLabelModelKind(a.model);
    const metric = parseMetric(a.metric);
    if (!/\.json$/i.test(a.out)) throw new ConfigError(`--out ${a.out}: the fitted model is written as JSON; give it a .json name`);
    const L = loadLabelMatrix(a.L);
    if (L.n === 0) throw new DataError(a.L, 'the label matrix has no rows: nothing to fit');
    const dev = await readDev(a, L);
    if (kind === 'auto' && !dev)
      throw new ConfigError('--model auto needs --dev FILE and --label-column COL: it picks the model with the best dev score');
    const options = flagOptions(kind, a, L.k, true);
    const { model, report, selection } = withFlagNames(() =>
      fitLabelModel(kind, L, {
        dev,
        metric,
        options: options as never /* flag values checked against the kind's row above */,
        candidates: candidateOptions(a, L.k),
      }),
    );
    writeJSONFile(a.out, model.toJSON());
    if (a.json) {
      printJSON({
        out: a.out,
        report: { ...report, lossHistory: undefined },
        selection,
        accuracies: model.accuracies(),
        classBalance: model.classBalance(),
      });
      return;
    }
    process.stdout.write(formatFit(a.out, L, report, model, selection));
  },
};

/** Dev gold labels and the matching label matrix, when --dev is given. */
async function readDev(a: FitArgs, L: LabelMatrix): Promise<{ L: LabelMatrix; gold: Int32Array } | undefined> {
  if (!a.dev) {
    if (a['label-column'] || a['dev-L']) throw new ConfigError('--label-column and --dev-L need --dev: the file holding the gold labels');
    return undefined;
  }
  if (!a['label-column']) throw new ConfigError('--dev needs --label-column: the column holding the gold labels');
  const devL = a['dev-L'] ? loadLabelMatrix(a['dev-L']) : L;
  if (devL !== L) assertSameLFs(a.L, L, a['dev-L']!, devL);
  const gold = goldFromRows(devL, await readAlignedRows(devL, a.dev, 'dev'), a['label-column']);
  if (!gold.some((g) => g >= 0)) throw new ConfigError(`${a.dev}: column "${a['label-column']}" has no gold labels`);
  return { L: devL, gold };
}

/** The dev matrix must come from the same LFs and classes as the training matrix, or its scores mean nothing. */
function assertSameLFs(file: string, L: LabelMatrix, devFile: string, devL: LabelMatrix): void {
  if (!sameLabels(devL.labels, L.labels)) {
    throw new ConfigError(
      `--dev-L ${devFile} has classes ${devL.labels.join(', ')} but --L ${file} has ${L.labels.join(', ')}: apply the same LFs to both`,
    );
  }
  const train = new Set(L.lfNames);
  if (devL.m !== L.m || devL.lfNames.some((name) => !train.has(name))) {
    throw new ConfigError(
      `--dev-L ${devFile} has LFs ${devL.lfNames.join(', ')} but --L ${file} has ${L.lfNames.join(', ')}: apply the same LFs to both`,
    );
  }
}

/** Flag values by option name (only the flags given). */
function givenOptions(a: FitArgs, k: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a['class-balance'] !== undefined) {
    const p = a['class-balance'].split(',').map((x) => Number(x.trim()));
    if (p.length !== k || p.some((x) => !(x > 0))) throw new ConfigError(`--class-balance needs ${k} positive numbers, got "${a['class-balance']}"`);
    out.classBalance = p;
  }
  if (a.preset !== undefined) {
    if (a.preset !== 'ballot' && a.preset !== 'snorkel') throw new ConfigError(`--preset must be ballot or snorkel, got "${a.preset}"`);
    out.preset = a.preset;
  }
  if (a.epochs !== undefined) out.epochs = a.epochs;
  if (a.seed !== undefined) out.seed = a.seed;
  return out;
}

/** The options of one kind from the flags its table row accepts; with `strict`, a flag it does not take is an error. */
function flagOptions(kind: LabelModelKind, a: FitArgs, k: number, strict: boolean): Record<string, unknown> {
  const given = givenOptions(a, k);
  // auto passes each flag on to the candidates that take it.
  const accepted: readonly string[] =
    kind === 'auto' ? [...new Set(Object.values(LABEL_MODELS).flatMap((s) => s.cliOptions))] : LABEL_MODELS[kind].cliOptions;
  const refused = Object.keys(given).filter((opt) => !accepted.includes(opt));
  if (strict && refused.length) {
    const takers = LABEL_MODEL_KINDS.filter((x) => refused.every((opt) => (LABEL_MODELS[x].cliOptions as readonly string[]).includes(opt)));
    throw new ConfigError(
      `${refused.map((opt) => flagOf(opt) ?? opt).join(', ')} ${refused.length > 1 ? 'apply' : 'applies'} to --model ${takers.join(', ') || '(none)'} only`,
    );
  }
  return kind === 'auto' ? {} : Object.fromEntries(Object.entries(given).filter(([opt]) => accepted.includes(opt)));
}

/** Each auto candidate's options from the flags it takes; mc+balance estimates its class balance itself. */
function candidateOptions(a: FitArgs, k: number): CandidateOptions {
  const of = (kind: LabelModelKind) => flagOptions(kind, a, k, false);
  const { classBalance: _given, ...mcRest } = of('mc');
  return { wmv: of('wmv'), ds: of('ds'), triplet: of('triplet'), mc: of('mc'), 'mc+balance': mcRest };
}
