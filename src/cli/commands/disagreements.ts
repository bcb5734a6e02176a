import type { CommandModule } from 'yargs';
import { DISAGREEMENT_KINDS, disagreements, type DisagreementKind, type DisagreementReport } from '../../analysis/disagreements.js';
import { readAlignedRows } from '../../analysis/inputs.js';
import { disagreementRecords } from '../../analysis/records.js';
import { assertModelMatches } from '../../analysis/validate.js';
import type { Dataset, Row } from '../../data/types.js';
import { writeRows } from '../../data/write.js';
import { MajorityVote } from '../../label-model/majority-vote.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { colourText, formatTable, printJSON, useColour, type Colour } from '../output.js';
import { loadAnalysisInputs } from './analyze.js';
import { assertEndModelClasses, readEndModelFile } from '../../end-model/file.js';
import { crossFitProba } from '../../end-model/end-model.js';

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
      .option('end-model', { type: 'string', describe: 'Saved end model (.json, from ballot train): label errors by confident learning on its cross-fitted probabilities plus the LF votes, with attribution (needs --gold and --data)' })
      .option('folds', { type: 'number', default: 5, describe: 'Cross-fitting folds for --end-model' })
      .example('$0 disagreements --L L.arrow --gold test.csv --label-column CLASS --show CONTENT --top 50 --out flags.csv', 'label errors, conflicts, LF mistakes') as any,
  handler: (a) => {
    const { L, model, gold } = loadAnalysisInputs(a);
    if (model) assertModelMatches(L, model);
    const probs = model ? model.predictProba(L) : new MajorityVote().predictProba(L);
    const kinds = a.kinds?.split(',').map((s) => s.trim()).filter(Boolean) as DisagreementKind[] | undefined;
    if (kinds?.includes('label-error') && !gold) throw new ConfigError('--kinds label-error needs given labels: pass --gold <file> --label-column <column>');
    let endProbs: Float64Array | undefined;
    if (a['end-model']) {
      if (!gold) throw new ConfigError('--end-model judges given labels: pass --gold <file> --label-column <column>');
      const dataFile = a.data ?? a.gold!;
      const endModel = readEndModelFile(a['end-model']);
      assertEndModelClasses(endModel, a['end-model'], L.labels, a.L);
      const rows = readAlignedRows(L, dataFile, 'data');
      const X = endModel.featurizer.transform(rows.rows, rows.file);
      const { l2, maxIter, tol } = endModel.training;
      endProbs = crossFitProba(X, endModel.featurizer, { kind: 'hard', gold }, endModel.labels, { l2, maxIter, tol, folds: a.folds, seed: 0 });
    }
    const report = disagreements(L, probs, {
      endProbs,
      gold,
      kinds,
      top: a.top,
      topPerLF: a['top-per-lf'],
      consensusThreshold: a['consensus-threshold'],
    });

    const show = a.show?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const dataFile = a.data ?? a.gold;
    if (show.length && !dataFile) throw new ConfigError('--show needs --data (or --gold): the file holding those columns');
    const data = show.length ? readAlignedRows(L, dataFile!, 'data') : null;
    if (data) checkColumns(data, show);
    const extra = data ? (row: number): Row => Object.fromEntries(show.map((c) => [c, data.rows[row][c] ?? null])) : undefined;

    if (a.out) writeRows(a.out, disagreementRecords(report, extra));
    const source = model ? `model ${a.model} (${model.kind})` : 'majority vote (pass --model for a fitted label model)';
    if (a.json) {
      const flags = extra ? report.flags.map((f) => ({ ...f, data: extra(f.row) })) : report.flags;
      printJSON({ file: a.L, probabilities: model ? model.kind : 'mv', ...report, flags });
    }
    else process.stdout.write(formatDisagreements(report, source, show, extra, useColour()));
  },
};

function checkColumns(data: Dataset, show: readonly string[]): void {
  const missing = show.filter((c) => !data.columns.includes(c));
  if (missing.length) throw new DataError(data.file, `no column ${missing.map((c) => `"${c}"`).join(', ')}; columns are ${data.columns.join(', ')}`);
}

const KIND_COLOUR: Record<DisagreementKind, Colour> = { 'label-error': 'red', 'lf-conflict': 'yellow', 'lf-mistake': 'magenta' };
const KIND_TITLE: Record<DisagreementKind, string> = {
  'label-error': 'likely label errors (the model confidently contradicts the given label)',
  'lf-conflict': 'LF conflicts (highest vote entropy)',
  'lf-mistake': 'LF mistakes (an LF votes against a confident consensus)',
};

/** The terminal report: one table per kind, with counts, thresholds and what could not be judged. */
export function formatDisagreements(
  r: DisagreementReport,
  source: string,
  show: readonly string[],
  extra: ((row: number) => Row) | undefined,
  colour: boolean,
): string {
  const f2 = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  const out: string[] = [`probabilistic labels: ${source}`];
  for (const note of r.notes) out.push(`note: ${note}`);
  for (const kind of DISAGREEMENT_KINDS) {
    const found = r.found[kind];
    if (found === undefined) continue;
    const flags = r.flags.filter((f) => f.kind === kind);
    const total = typeof found === 'number' ? found : Object.values(found).reduce((s, x) => s + x, 0);
    const title = `${KIND_TITLE[kind]}: ${total.toLocaleString('en-US')} found, showing ${flags.length}`;
    out.push('', colour ? colourText(title, KIND_COLOUR[kind]) : title);
    if (kind === 'label-error') out.push(`class thresholds (mean self-confidence): ${r.labels.map((name, y) => `${name} ${f2(r.thresholds.labelError![y])}`).join(', ')}`);
    if (kind === 'lf-mistake') {
      out.push(`consensus thresholds: ${r.labels.map((name, y) => `${name} ${f2(r.thresholds.consensus![y])}`).join(', ')}`);
      const perLF = Object.entries(found as Record<string, number>).filter(([, x]) => x > 0);
      out.push(`per LF: ${perLF.length ? perLF.map(([lf, x]) => `${lf} ${x}`).join(', ') : 'none'}`);
    }
    if (!flags.length) continue;
    const header = ['rank', 'row', 'score'];
    if (kind === 'lf-mistake') header.push('lf');
    if (flags.some((f) => f.given !== undefined)) header.push('given');
    if (flags.some((f) => f.attribution)) header.push('who');
    header.push('predicted', 'reason', ...show);
    const rows = flags.map((f) => {
      const row: (string | number)[] = [f.rank, f.row, f.score];
      if (kind === 'lf-mistake') row.push(f.lf!);
      if (header.includes('given')) row.push(f.given ?? '-');
      if (header.includes('who')) row.push(f.attribution === 'lf' ? `lf: ${f.blame?.join(', ')}` : (f.attribution ?? '-'));
      row.push(f.predicted ?? 'tie', f.reason);
      const cells = extra?.(f.row) ?? {};
      for (const c of show) row.push(String(cells[c] ?? ''));
      return row;
    });
    out.push(formatTable(header, rows, { maxCellWidth: 90 }));
  }
  return `${out.join('\n')}\n`;
}
