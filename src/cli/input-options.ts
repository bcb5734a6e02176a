import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Options } from 'yargs';
import { setDefaultReadOptions, type ReadOptions } from '../data/read-defaults.js';
import type { DataFormat } from '../data/types.js';
import { ConfigError } from '../util/errors.js';

/** How every command reads its row files (--data, --gold): global, so each command that reads rows accepts them. */
export const INPUT_OPTIONS: Record<string, Options> = {
  format: { type: 'string', global: true, describe: 'Format of the row files read (csv, tsv, jsonl, arrow, parquet); default from the extension' },
  delimiter: { type: 'string', global: true, describe: 'CSV/TSV field separator, one character (\\t for tab)' },
  quote: { type: 'string', global: true, describe: 'CSV/TSV quote character, or "none" for quotes as plain text' },
  header: { type: 'boolean', global: true, describe: 'The first CSV/TSV line is a header (--no-header: it is data)' },
  columns: { type: 'string', global: true, describe: 'CSV/TSV column names, comma-separated (name a file without a header, or rename)' },
};

const FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'jsonl', 'arrow', 'parquet'];
/** Options naming a row file that may be `-` (stdin). */
const ROW_FILE_OPTIONS = ['data', 'gold'] as const;
let stdinDir: string | undefined;

/** Checks the input flags, sets them as the process's read defaults, and reads a `-` row file from stdin. */
export function applyInputOptions(a: Record<string, unknown>): void {
  const format = a.format as string | undefined;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  }
  let delimiter = a.delimiter as string | undefined;
  if (delimiter === '\\t' || delimiter === 'tab') delimiter = '\t';
  if (delimiter !== undefined && [...delimiter].length !== 1)
    throw new ConfigError(`--delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  const quoteArg = a.quote as string | undefined;
  const quote = quoteArg === undefined ? undefined : quoteArg === 'none' || quoteArg === '' ? false : quoteArg;
  if (typeof quote === 'string' && [...quote].length !== 1)
    throw new ConfigError(`--quote must be one character or "none", got ${JSON.stringify(quote)}`);
  const columns = typeof a.columns === 'string' ? a.columns.split(',').map((c) => c.trim()) : undefined;
  if (columns?.some((c) => c === '')) throw new ConfigError(`--columns has an empty name: ${JSON.stringify(a.columns)}`);
  const read: ReadOptions = {
    ...(format ? { format: format as DataFormat } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(quote !== undefined ? { quote } : {}),
    ...(a.header === false ? { header: false } : {}),
    ...(columns ? { columns } : {}),
  };
  setDefaultReadOptions(read);
  const fromStdin = ROW_FILE_OPTIONS.filter((k) => a[k] === '-');
  if (fromStdin.length > 1)
    throw new ConfigError(`only one file can come from stdin, but ${fromStdin.map((k) => `--${k}`).join(' and ')} are both -`);
  for (const key of ROW_FILE_OPTIONS) {
    if (a[key] !== '-') continue;
    // Commands read a row file more than once (a column check, then the rows): keep stdin in a private temp file.
    stdinDir ??= mkdtempSync(join(tmpdir(), 'ballot-stdin-'));
    const file = join(stdinDir, `stdin.${format === 'tsv' ? 'tsv' : (format ?? 'csv')}`);
    writeFileSync(file, readFileSync(0));
    a[key] = file;
  }
}

/** Removes the stdin copy (called when the command ends). */
export function cleanUpStdin(): void {
  if (stdinDir) rmSync(stdinDir, { recursive: true, force: true });
  stdinDir = undefined;
  setDefaultReadOptions({});
}
