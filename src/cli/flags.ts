// Library errors name options in backticks (`batchSize`); the CLI names flags. This table is the one place that maps
// an option to the flag that sets it, applied to every message the CLI prints.

const FLAG_OF_OPTION: ReadonlyMap<string, string> = new Map([
  ['batchSize', '--batch-size'],
  ['cacheDir', '--cache-dir'],
  ['classBalance', '--class-balance'],
  ['dev', '--dev FILE --label-column COL'],
  ['force', '--force'],
  ['labels', '--labels'],
  ['lfs', '--lfs'],
  ['model', '--model'],
  ['onError', '--on-error'],
  ['out', '--out'],
  ['workers', '--workers'],
]);

/** The flag that sets a library option, or undefined when the CLI has none. */
export function flagOf(option: string): string | undefined {
  return FLAG_OF_OPTION.get(option);
}

/** A library message as the CLI prints it: each backticked option with a flag becomes that flag. */
export function withFlags(message: string): string {
  return message.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (all, option: string) => flagOf(option) ?? all);
}
