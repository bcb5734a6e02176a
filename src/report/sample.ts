import type { Row } from '../data/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { PROVENANCE } from '../sampling/output.js';
import { ConfigError } from '../util/errors.js';

/**
 * Checks that sample rows were drawn from this label matrix (their provenance columns say so) and counts them by part
 * and label. A sample from another matrix is refused: its `_prob_*` classes differ, a `_row` is outside the matrix, or
 * its `_votes` count differs from the matrix's row. `names` fills the error message (e.g. the two files).
 */
export function sampleComposition(
  L: LabelMatrix,
  rows: readonly Row[],
  names: { sample?: string; matrix?: string } = {},
): { rows: number; parts: { part: string; label: string; count: number }[] } {
  const sample = names.sample ?? 'the sample';
  const matrix = names.matrix ?? 'the label matrix';
  const fail = (what: string) => new ConfigError(`${sample} was not drawn from ${matrix}: ${what}`);
  if (rows.length === 0) return { rows: 0, parts: [] };
  const cols = new Set(Object.keys(rows[0]));
  for (const c of [PROVENANCE.row, PROVENANCE.part, PROVENANCE.label]) {
    if (!cols.has(c)) throw fail(`it has no ${c} column (write it with ballot sample, which adds _row, _part, _label, _prob_<class>)`);
  }
  const probCols = [...cols].filter((c) => c.startsWith(PROVENANCE.probPrefix)).map((c) => c.slice(PROVENANCE.probPrefix.length));
  if (probCols.length && (probCols.length !== L.k || probCols.some((c) => !L.labels.includes(c)))) {
    throw fail(`its classes are ${probCols.join(', ')} but the matrix has ${L.labels.join(', ')}`);
  }
  const hasVotes = cols.has(PROVENANCE.votes);
  const voteCount = (i: number) => {
    let c = 0;
    for (let j = 0; j < L.m; j++) c += 1 + (L.votes[i * L.m + j] >> 31);
    return c;
  };
  const counts = new Map<string, number>();
  const seen = new Set<number>();
  rows.forEach((r, s) => {
    const i = Number(r[PROVENANCE.row]);
    if (!Number.isInteger(i) || i < 0 || i >= L.n)
      throw fail(`sample row ${s} has ${PROVENANCE.row} ${String(r[PROVENANCE.row])}, but the matrix has rows 0..${L.n - 1}`);
    if (seen.has(i)) throw fail(`${PROVENANCE.row} ${i} appears twice`);
    seen.add(i);
    if (hasVotes && r[PROVENANCE.votes] !== null && r[PROVENANCE.votes] !== '' && Number(r[PROVENANCE.votes]) !== voteCount(i)) {
      throw fail(`sample row ${s} (${PROVENANCE.row} ${i}) has ${String(r[PROVENANCE.votes])} votes but the matrix's row ${i} has ${voteCount(i)}`);
    }
    const label = r[PROVENANCE.label];
    const name = label === null || label === undefined || label === '' ? '(tie)' : String(label);
    if (name !== '(tie)' && !L.labels.includes(name))
      throw fail(`sample row ${s} has ${PROVENANCE.label} "${name}", not a class of the matrix (${L.labels.join(', ')})`);
    const key = `${String(r[PROVENANCE.part])}\u0000${name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const parts = [...counts].map(([key, count]) => {
    const [part, label] = key.split('\u0000');
    return { part, label, count };
  });
  return { rows: rows.length, parts };
}
