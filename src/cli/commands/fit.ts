import type { CommandModule } from 'yargs';
import type { CandidateOptions } from '../../label-model/auto.js';
import { LABEL_MODEL_KINDS, type LabelModelKind } from '../../label-model/kinds.js';
import { parseMetric } from '../../label-model/metrics.js';
import { LABEL_MODELS, parseLabelModelKind } from '../../label-model/registry.js';
import { runFit } from '../../project/fit-run.js';
import { ConfigError } from '../../util/errors.js';
import { flagOf, withFlagNamesAsync } from '../flags.js';
import { formatFit } from '../format/fit.js';
import { printJSON } from '../output.js';

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
    const { model, report, selection, L } = await withFlagNamesAsync(() =>
      runFit({
        kind,
        L: a.L,
        out: a.out,
        dev: a.dev,
        devL: a['dev-L'],
        labelColumn: a['label-column'],
        metric,
        // Flag values checked against the kind's table row and the matrix's class count.
        options: (k) => ({ options: flagOptions(kind, a, k, true), candidates: candidateOptions(a, k) }),
      }),
    );
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
