import type { LabelMatrix } from '../../matrix/label-matrix.js';
import type { LabelModel } from '../types.js';

/** At most this many rows with votes are compared (evenly spaced). */
const SAMPLE_ROWS = 20_000;
/** Share of the rows with votes on which the two fits may disagree before the snorkel-preset fit is flagged. */
export const PRESET_DISAGREEMENT = 0.1;

/**
 * Share of the rows with votes on which two models' most probable classes differ (an evenly spaced sample). The
 * snorkel preset is checked against the ballot preset fitted on the same overlap statistics and class balance: the
 * same second moments, solved to convergence. Snorkel's 100 SGD epochs stop far from any optimum on sets with many
 * overlapping LFs, and where the two disagree the early stop decides the labels (WRENCH trec: 13% of the rows, 56.2
 * against MV 61.1, and 47.0 after 500 epochs; youtube 2%, sms 1%).
 */
export function disagreementShare(L: LabelMatrix, a: LabelModel, b: LabelModel): number {
  const { n, k } = L;
  const counts = L.voteCounts();
  let covered = 0;
  for (let i = 0; i < n; i++) if (counts[i] > 0) covered++;
  if (covered === 0) return 0;
  const stride = Math.max(1, Math.ceil(covered / SAMPLE_ROWS));
  const rows: number[] = [];
  for (let i = 0, c = 0; i < n; i++) if (counts[i] > 0 && c++ % stride === 0) rows.push(i);
  const sample = L.selectRows(rows);
  const pa = a.predictProba(sample);
  const pb = b.predictProba(sample);
  let differ = 0;
  for (let r = 0; r < rows.length; r++) if (argmax(pa, r * k, k) !== argmax(pb, r * k, k)) differ++;
  return differ / rows.length;
}

function argmax(x: Float64Array, from: number, k: number): number {
  let best = 0;
  for (let y = 1; y < k; y++) if (x[from + y] > x[from + best]) best = y;
  return best;
}
