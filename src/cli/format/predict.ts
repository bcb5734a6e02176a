import type { DistributedPredictReport } from '../../project/distributed/predict.js';
import { formatTable } from './table.js';

/** What `ballot predict` reports. */
export interface PredictSummary {
  out: string;
  model: string;
  rows: number;
  perClass: Record<string, number>;
  abstained: number;
  seconds: number;
}

/** The text `ballot predict` prints: where the labels went and how many rows per class. */
export function formatPredict(s: PredictSummary): string {
  const lines = [`${s.model}: ${s.rows.toLocaleString('en-US')} rows → ${s.out} in ${s.seconds.toFixed(2)} s`];
  lines.push(formatTable(['label', 'rows'], [...Object.entries(s.perClass), ['(tie, abstained)', s.abstained]]));
  return `${lines.join('\n')}\n`;
}

/** The line `ballot predict --queue` prints: rows, output and shards. */
export function formatDistributedPredict(r: DistributedPredictReport): string {
  return `${r.model}: ${r.rows.toLocaleString('en-US')} rows → ${r.out} in ${r.seconds.toFixed(2)} s (${r.shards} shards, ${r.reusedShards} from the store)\n`;
}
