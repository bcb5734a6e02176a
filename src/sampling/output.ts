import type { ColumnType } from '../data/arrow.js';
import { columnsOf } from '../data/write.js';
import { writeRowStream } from '../data/row-writer.js';
import type { Row } from './types.js';
import { ownValue } from '../util/own.js';
import type { SampleResult } from './run-recipe.js';
import type { BatchedSampleResult } from './candidates.js';

/** Names of the provenance columns added to every selected row. `_prob_<CLASS>` is one column per class. */
export const PROVENANCE = { row: '_row', part: '_part', label: '_label', probPrefix: '_prob_', votes: '_votes' } as const;

/**
 * The selected rows with provenance: the original columns, then `_row` (index in the input), `_part` (the part that
 * picked it), `_label` (hard label, null when classes tie), `_prob_<CLASS>` per class, and `_votes` (non-abstain
 * votes, when the label matrix is known). A provenance column already in the data is overwritten.
 * `types` pins the provenance columns' types, so an Arrow file has the same schema whatever the values: `_prob_*`
 * stay Float64 when every probability is 0 or 1 (majority vote), `_label` stays Utf8 when every row ties.
 */
export function sampleRows(
  result: SampleResult | BatchedSampleResult,
  dataColumns?: readonly string[],
): { rows: Row[]; columns: string[]; types: Record<string, ColumnType> } {
  const { indices, partOf, report } = result;
  const facts = rowFactsOf(result);
  const { labels, votesKnown } = facts;
  const k = labels.length;
  const probCols = labels.map((c) => `${PROVENANCE.probPrefix}${c}`);
  const provenance = [PROVENANCE.row, PROVENANCE.part, PROVENANCE.label, ...probCols, ...(votesKnown ? [PROVENANCE.votes] : [])];
  const base = (dataColumns ?? facts.columns()).filter((c) => !provenance.includes(c));
  const out: Row[] = new Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    const row: Row = Object.create(null); // column names are data
    const src = facts.row(i);
    if (src) for (const c of base) row[c] = ownValue(src, c);
    row[PROVENANCE.row] = i;
    row[PROVENANCE.part] = report.parts[partOf[r]].name;
    const pred = facts.pred(i);
    row[PROVENANCE.label] = pred >= 0 ? labels[pred] : null;
    for (let y = 0; y < k; y++) row[probCols[y]] = facts.prob(i, y);
    if (votesKnown) row[PROVENANCE.votes] = facts.votes(i);
    out[r] = row;
  }
  const types: Record<string, ColumnType> = { [PROVENANCE.row]: 'int32', [PROVENANCE.part]: 'utf8', [PROVENANCE.label]: 'utf8' };
  for (const c of probCols) types[c] = 'float64';
  if (votesKnown) types[PROVENANCE.votes] = 'int32';
  return { rows: out, columns: [...base, ...provenance], types };
}

/** The selected rows' values, from the pool in memory or from the rows a batched run kept. */
function rowFactsOf(result: SampleResult | BatchedSampleResult) {
  if ('ctx' in result) {
    const { k, labels, probs, preds, voteCounts: votes, rows } = result.ctx;
    return {
      labels,
      votesKnown: votes !== undefined,
      columns: () => (rows ? columnsOf(rows) : []),
      row: (i: number) => rows?.[i],
      pred: (i: number) => preds[i],
      prob: (i: number, y: number) => probs[i * k + y],
      votes: (i: number) => votes![i],
    };
  }
  const { selected, labels, votesKnown } = result;
  const get = (i: number) => selected.get(i)!;
  return {
    labels,
    votesKnown,
    columns: () => columnsOf([...selected.values()].flatMap((r) => (r.row ? [r.row] : []))),
    row: (i: number) => get(i).row,
    pred: (i: number) => get(i).pred,
    prob: (i: number, y: number) => get(i).probs[y],
    votes: (i: number) => get(i).votes,
  };
}

/** Writes the selected rows with provenance as CSV, TSV, JSONL or Arrow (by extension), atomically. */
export function writeSample(
  path: string,
  result: SampleResult | BatchedSampleResult,
  dataColumns?: readonly string[],
  options: { csvSafe?: boolean } = {},
): void {
  const { rows, columns, types } = sampleRows(result, dataColumns);
  writeRowStream(path, rows, { columns, types, csvSafe: options.csvSafe });
}
