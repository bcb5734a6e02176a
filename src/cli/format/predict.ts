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
