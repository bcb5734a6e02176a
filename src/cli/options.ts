import type { Options } from 'yargs';

/** A comma-separated flag value as a list (`--labels HAM,SPAM`, `--show a,b`): trimmed, empty items dropped. */
export function commaList(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `--csv-safe` for commands whose CSV/TSV output people open in spreadsheets (on by default). */
export const CSV_SAFE_OPTION: Options = {
  type: 'boolean',
  default: true,
  describe:
    'CSV/TSV --out: prefix cells starting with = + - @ with an apostrophe so spreadsheets show them as text (--no-csv-safe writes them verbatim)',
};
