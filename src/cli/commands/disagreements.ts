import type { CommandModule } from 'yargs';
import { DISAGREEMENT_KINDS, type DisagreementKind } from '../../analysis/disagreements.js';
import { runDisagreements } from '../../project/disagreements-run.js';
import { formatDisagreements } from '../format/disagreements.js';
import { useColour } from '../format/table.js';
import { goldOption } from '../inputs.js';
import { readLabelModelFile } from '../model-file.js';
import { CSV_SAFE_OPTION, commaList } from '../options.js';
import { printJSON } from '../output.js';

interface DisagreementsArgs {
  L: string;
  model?: string;
  gold?: string;
  'label-column'?: string;
  data?: string;
  show?: string;
  kinds?: string;
  top: number;
  'top-per-lf': number;
  'consensus-threshold'?: number;
  out?: string;
  json?: boolean;
  'csv-safe': boolean;
  'end-model'?: string;
  folds: number;
}

export const disagreementsCommand: CommandModule<object, DisagreementsArgs> = {
  command: 'disagreements',
  describe: 'List the rows worth a human look: likely label errors, LF conflicts, and each LF’s likely mistakes',
  builder: (y) =>
    y
      .option('L', { type: 'string', demandOption: true, describe: 'Label matrix (.arrow, from ballot apply)' })
      .option('model', { type: 'string', describe: 'Fitted label model (.json) giving the probabilistic labels (default: majority vote)' })
      .option('gold', { type: 'string', describe: 'Data file with given labels, rows in label-matrix order (enables label-error)' })
      .option('label-column', { type: 'string', describe: 'Column of --gold holding the labels (class names or indices)' })
      .option('data', { type: 'string', describe: 'Data file to take --show columns from (default: --gold)' })
      .option('show', { type: 'string', describe: 'Comma-separated data columns to print next to each row (e.g. CONTENT)' })
      .option('kinds', { type: 'string', describe: `Comma-separated kinds: ${DISAGREEMENT_KINDS.join(', ')} (default: all that apply)` })
      .option('top', { type: 'number', default: 50, describe: 'Rows per kind' })
      .option('top-per-lf', { type: 'number', default: 10, describe: 'Rows per LF for lf-mistake' })
      .option('consensus-threshold', { type: 'number', describe: 'Fixed confidence for lf-mistake (default: per-class mean confidence)' })
      .option('out', { type: 'string', describe: 'Write the flagged rows to a file (.csv, .tsv, .jsonl or .arrow)' })
      .option('json', { type: 'boolean', describe: 'Print the report as JSON' })
      .option('csv-safe', CSV_SAFE_OPTION)
      .option('end-model', {
        type: 'string',
        describe:
          'Saved end model (.json, from ballot train): label errors by confident learning on its cross-fitted probabilities plus the LF votes, with attribution (needs --gold and --data)',
      })
      .option('folds', { type: 'number', default: 5, describe: 'Cross-fitting folds for --end-model' })
      .example(
        '$0 disagreements --L L.arrow --gold test.csv --label-column CLASS --show CONTENT --top 50 --out flags.csv',
        'label errors, conflicts, LF mistakes',
      ) as any,
  handler: async (a) => {
    const gold = goldOption(a);
    const show = commaList(a.show) ?? [];
    const { report, model, shown } = await runDisagreements({
      L: a.L,
      loadModel: a.model ? (L) => readLabelModelFile(a.model!, { matrix: { L, file: a.L } }) : undefined,
      modelFile: a.model,
      gold,
      data: a.data,
      show,
      kinds: commaList(a.kinds) as DisagreementKind[] | undefined,
      top: a.top,
      topPerLF: a['top-per-lf'],
      consensusThreshold: a['consensus-threshold'],
      endModel: a['end-model'],
      folds: a.folds,
      out: a.out,
      csvSafe: a['csv-safe'],
    });
    const source = model ? `model ${a.model} (${model})` : 'majority vote (pass --model for a fitted label model)';
    if (a.json) {
      const flags = shown ? report.flags.map((f) => ({ ...f, data: shown(f.row) })) : report.flags;
      printJSON({ file: a.L, probabilities: model ?? 'mv', ...report, flags });
    } else process.stdout.write(formatDisagreements(report, source, show, shown, useColour()));
  },
};
