import type { ReportRunSummary } from '../../project/report-run.js';

/** The line `ballot report` prints: where the page went, its size, and what it covers. */
export function formatReportSummary(s: ReportRunSummary, seconds: number): string {
  return `wrote ${s.out} (${(s.bytes / 1e6).toFixed(2)} MB) in ${seconds.toFixed(2)} s: ${s.rows.toLocaleString('en-US')} rows × ${s.lfs} LFs, ${s.flags} flags listed\n`;
}
