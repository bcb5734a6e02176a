import type { CommandModule } from 'yargs';
import { CSV_SAFE_OPTION } from '../options.js';
import {
  DISAGREEMENT_KINDS,
  disagreements,
  type DisagreementKind,
  type DisagreementOptions,
  type DisagreementReport,
} from '../../analysis/disagreements.js';
import { disagreementsFromFile } from '../../analysis/disagreements-stream.js';
import { emptyLabelMatrix, readLabelMatrixHeader } from '../../data/label-matrix-stream.js';
import type { LabelModel } from '../../label-model/types.js';
import { readLabelModelFile } from '../model-file.js';
import { goldFromRows, pickAlignedRows, pickRows, readAlignedRows } from '../../data/aligned-rows.js';
import { loadLabelMatrix } from '../../data/label-matrix-io.js';
import { disagreementColumns, disagreementRecords } from '../../analysis/records.js';
import { assertModelMatches } from '../../analysis/validate.js';
import type { Dataset, Row } from '../../data/types.js';
import { writeRowStream } from '../../data/row-writer.js';
import { MajorityVote } from '../../label-model/majority-vote.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { formatDisagreements } from '../format/disagreements.js';
import { useColour } from '../format/table.js';
import { printJSON } from '../output.js';
import { goldOption } from '../inputs.js';
import { assertEndModelClasses, readEndModelFile } from '../../end-model/file.js';
import { crossFitProba } from '../../end-model/end-model.js';
import { decide } from '../../label-model/decide.js';

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
    const kinds = a.kinds
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) as DisagreementKind[] | undefined;
    const show =
      a.show
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    const options = { kinds, top: a.top, topPerLF: a['top-per-lf'], consensusThreshold: a['consensus-threshold'] };
    // The end model cross-fits on every row at once: that variant holds the matrix and the data in memory. The
    // label-model variant streams the matrix and the gold file (two passes; memory flat in n).
    const { report, model, n, rows } = a['end-model'] ? await withEndModel(a, kinds, options) : await streamed(a, kinds, options);

    const dataFile = a.data ?? a.gold;
    if (show.length && !dataFile) throw new ConfigError('--show needs --data (or --gold): the file holding those columns');
    const flagged = new Set(report.flags.map((f) => f.row));
    // The end-model variant has the rows in memory already; the streamed one picks the flagged rows in a second pass.
    const data = show.length ? (rows ? pickRows(rows, flagged) : await pickAlignedRows(dataFile!, flagged, n, 'data')) : null;
    if (data) checkColumns(data, show);
    const extra = data ? (row: number): Row => Object.fromEntries(show.map((c) => [c, data.rows.get(row)?.[c] ?? null])) : undefined;

    // Explicit columns: with nothing flagged the file is a header only (the previous run's file must not survive).
    if (a.out) writeRowStream(a.out, disagreementRecords(report, extra), { columns: disagreementColumns(report, show), csvSafe: a['csv-safe'] });
    const source = model ? `model ${a.model} (${model.kind})` : 'majority vote (pass --model for a fitted label model)';
    if (a.json) {
      const flags = extra ? report.flags.map((f) => ({ ...f, data: extra(f.row) })) : report.flags;
      printJSON({ file: a.L, probabilities: model ? model.kind : 'mv', ...report, flags });
    } else process.stdout.write(formatDisagreements(report, source, show, extra, useColour()));
  },
};

type JudgeOptions = Pick<DisagreementOptions, 'kinds' | 'top' | 'topPerLF' | 'consensusThreshold'>;
interface Judged {
  report: DisagreementReport;
  model?: LabelModel;
  /** Rows of the matrix. */
  n: number;
  /** The data file's rows, when the variant read them whole. */
  rows?: Dataset;
}

/** The label-model variant: matrix and gold streamed in step (disagreementsFromFile). */
async function streamed(a: DisagreementsArgs, kinds: DisagreementKind[] | undefined, options: JudgeOptions): Promise<Judged> {
  const gold = goldOption(a);
  const header = await readLabelMatrixHeader(a.L);
  const model = a.model ? readLabelModelFile(a.model, { matrix: { L: emptyLabelMatrix(header), file: a.L } }) : undefined;
  if (kinds?.includes('label-error') && !gold)
    throw new ConfigError('--kinds label-error needs given labels: pass --gold <file> --label-column <column>');
  const { report, rows } = await disagreementsFromFile(a.L, { ...options, model, gold });
  return { report, model, n: rows };
}

/** The end-model variant (label errors by confident learning on cross-fitted end-model probabilities): in memory. */
async function withEndModel(a: DisagreementsArgs, kinds: DisagreementKind[] | undefined, options: JudgeOptions): Promise<Judged> {
  const goldArg = goldOption(a);
  const L = loadLabelMatrix(a.L);
  const model = a.model ? readLabelModelFile(a.model, { matrix: { L, file: a.L } }) : undefined;
  const dataFile = a.data ?? a.gold;
  // The gold file is read once: it is also the data file (featurized, and --show columns) unless --data is given.
  const goldRows = goldArg ? await readAlignedRows(L, goldArg.file, 'gold') : undefined;
  const gold = goldArg ? goldFromRows(L, goldRows!, goldArg.column) : undefined;
  if (model) assertModelMatches(L, model);
  const labelModel = model ?? new MajorityVote();
  // One decision rule: the model's own (auto's F1 cut), as `ballot predict` and `ballot sample` label rows.
  const { probs, preds } = decide(labelModel, L, { what: a.model ?? 'majority vote' });
  if (kinds?.includes('label-error') && !gold)
    throw new ConfigError('--kinds label-error needs given labels: pass --gold <file> --label-column <column>');
  if (!gold) throw new ConfigError('--end-model judges given labels: pass --gold <file> --label-column <column>');
  const endModel = readEndModelFile(a['end-model']!);
  assertEndModelClasses(endModel, a['end-model']!, L.labels, a.L);
  const rows = dataFile === goldArg!.file ? goldRows! : await readAlignedRows(L, dataFile!, 'data');
  const X = endModel.featurizer.transform(rows.rows, rows.file);
  const { l2, maxIter, tol } = endModel.training;
  const endProbs = crossFitProba(X, endModel.featurizer, { kind: 'hard', gold }, endModel.labels, { l2, maxIter, tol, folds: a.folds, seed: 0 });
  return { report: disagreements(L, probs, { ...options, preds, endProbs, gold }), model, n: L.n, rows };
}

function checkColumns(data: { file: string; columns: readonly string[] }, show: readonly string[]): void {
  const missing = show.filter((c) => !data.columns.includes(c));
  if (missing.length) throw new DataError(data.file, `no column ${missing.map((c) => `"${c}"`).join(', ')}; columns are ${data.columns.join(', ')}`);
}
