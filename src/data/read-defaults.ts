import type { DataFormat } from './types.js';

/** How a row file is read; every field optional (the format's defaults apply). */
export interface ReadOptions {
  /** Overrides the format implied by the extension. */
  format?: DataFormat;
  /** CSV/TSV field separator (one character). Default ',' for csv, '\t' for tsv. */
  delimiter?: string;
  /** CSV/TSV quote character, or false for none. Default '"'. */
  quote?: string | false;
  /** JSON Lines: integers beyond ±(2^53−1) and out-of-range numbers are an error (default) or kept as strings. */
  unsafeNumbers?: 'error' | 'string';
  /** CSV/TSV: false when the first line is data, not a header (columns are `columns`, else column1…columnN). */
  header?: boolean;
  /** CSV/TSV column names: name the columns of a file without a header, or replace the header's names. */
  columns?: readonly string[];
}

let defaults: ReadOptions = {};

/**
 * Read options for every row file this process reads when a call does not pass its own (the CLI's `--format`,
 * `--delimiter`, `--quote`, `--no-header`, `--columns` apply to all the row files one command reads). Kept apart
 * from read.ts so setting them does not load the readers (apache-arrow) before a command needs them.
 */
export function setDefaultReadOptions(options: ReadOptions): void {
  defaults = { ...options };
}

/** The current defaults (see setDefaultReadOptions). */
export function defaultReadOptions(): Readonly<ReadOptions> {
  return defaults;
}
