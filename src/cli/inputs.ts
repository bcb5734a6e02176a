import { goldFromRows, readAlignedRows } from '../data/aligned-rows.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import type { LabelModel } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { readLabelModelFile } from './model-file.js';

/** Inputs shared by `analyze` and `disagreements`: the label matrix, an optional fitted model, optional gold labels. */
export interface AnalysisInputs {
  L: LabelMatrix;
  model?: LabelModel;
  gold?: Int32Array;
}

export async function loadAnalysisInputs(a: { L: string; model?: string; gold?: string; 'label-column'?: string }): Promise<AnalysisInputs> {
  if (a.gold && !a['label-column']) throw new ConfigError('--gold needs --label-column: the column holding the given labels');
  if (a['label-column'] && !a.gold) throw new ConfigError('--label-column needs --gold: the file holding that column');
  const L = loadLabelMatrix(a.L);
  const model = a.model ? readLabelModelFile(a.model, { matrix: { L, file: a.L } }) : undefined;
  const gold = a.gold ? goldFromRows(L, await readAlignedRows(L, a.gold, 'gold'), a['label-column']!) : undefined;
  return { L, model, gold };
}

/** The `--gold` / `--label-column` options of a command that can also score its predictions (`predict --gold`). */
export const GOLD_SCORE_OPTIONS = {
  gold: { type: 'string', describe: 'Row file with gold labels, rows in the order of L: also print the score summary (as `ballot score`)' },
  'label-column': { type: 'string', describe: 'Column of --gold holding the labels' },
} as const;

/** `--gold` / `--label-column` checked as a pair: the gold file and its column, or undefined when neither is given. */
export function goldOption(a: { gold?: string; 'label-column'?: string }): { file: string; column: string } | undefined {
  if (!a.gold && !a['label-column']) return undefined;
  if (!a.gold) throw new ConfigError('--label-column needs --gold: the file holding that column');
  if (!a['label-column']) throw new ConfigError('--gold needs --label-column: the column holding the given labels');
  return { file: a.gold, column: a['label-column'] };
}
