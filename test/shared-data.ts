import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The real public data sets the accuracy tests read: BALLOT_DATA, else ../shared/data beside the checkout. */
export const SHARED_DATA = process.env.BALLOT_DATA ?? join(import.meta.dirname, '../../shared/data');

/**
 * Whether every path (relative to SHARED_DATA) exists. When one does not, warns once naming it and `who`, so the
 * skipped checks say why (set BALLOT_DATA to point elsewhere).
 */
export function haveSharedData(who: string, ...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(join(SHARED_DATA, p)));
  if (missing.length) console.warn(`${who}: ${join(SHARED_DATA, missing[0])} not found; skipping the real-data checks (set BALLOT_DATA)`);
  return missing.length === 0;
}
