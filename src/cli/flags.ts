import { ConfigError } from '../util/errors.js';

/**
 * Library options and the flags that set them. Library errors name options (`ConfigError.option`); the CLI names
 * the flag when it prints, through this one table.
 */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  classBalance: '--class-balance',
  preset: '--preset',
  epochs: '--epochs',
  seed: '--seed',
  dev: '--dev',
  metric: '--metric',
  model: '--model',
  tiePolicy: '--tie-policy',
};

/** Runs a library call; a ConfigError about an option a flag sets is re-thrown naming that flag. */
export function withFlagNames<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof ConfigError && e.option && OPTION_FLAGS[e.option] && !e.message.includes(OPTION_FLAGS[e.option])) {
      throw new ConfigError(`${OPTION_FLAGS[e.option]}: ${e.message}`, { cause: e, option: e.option });
    }
    throw e;
  }
}
