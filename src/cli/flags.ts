import { ConfigError } from '../util/errors.js';

// Library errors name options (`ConfigError.option`, and in messages written in backticks: `batchSize`); the CLI names
// flags. This table is the one place that maps an option to the flag that sets it.

const FLAG_OF_OPTION: ReadonlyMap<string, string> = new Map([
  ['batchSize', '--batch-size'],
  ['by', '--by'],
  ['cacheDir', '--cache-dir'],
  ['classBalance', '--class-balance'],
  ['cv', '--cv'],
  ['data', '--data'],
  ['dev', '--dev'],
  ['devL', '--dev-L'],
  ['endModel', '--end-model'],
  ['epochs', '--epochs'],
  ['force', '--force'],
  ['gold', '--gold'],
  ['kinds', '--kinds'],
  ['L', '--L'],
  ['labelColumn', '--label-column'],
  ['labeled', '--labeled'],
  ['labelModel', '--model'],
  ['labels', '--labels'],
  ['lfs', '--lfs'],
  ['lfTimeout', '--lf-timeout'],
  ['maxFlags', '--max-flags'],
  ['metric', '--metric'],
  ['model', '--model'],
  ['onError', '--on-error'],
  ['out', '--out'],
  ['preset', '--preset'],
  ['referenceData', '--reference-data'],
  ['referenceL', '--reference-L'],
  ['sample', '--sample'],
  ['seed', '--seed'],
  ['show', '--show'],
  ['slices', '--slices'],
  ['textColumn', '--text-column'],
  ['tiePolicy', '--tie-policy'],
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

/** Runs a library call; a ConfigError about an option a flag sets, whose message does not say so, is re-thrown naming the flag. */
export function withFlagNames<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw namingFlag(e);
  }
}

/** withFlagNames for an async library call. */
export async function withFlagNamesAsync<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw namingFlag(e);
  }
}

function namingFlag(e: unknown): unknown {
  const flag = e instanceof ConfigError && e.option ? flagOf(e.option) : undefined;
  if (e instanceof ConfigError && flag && !e.message.includes(flag) && !e.message.includes(`\`${e.option}\``)) {
    return new ConfigError(`${flag}: ${e.message}`, { cause: e, option: e.option });
  }
  return e;
}
