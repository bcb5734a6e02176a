import { readFileSync } from 'node:fs';

// `ballot --help` without loading yargs (importing it is ~0.1 s of a 0.3 s start): `npm run build` runs the compiled
// CLI's live yargs help once and stores its exact output beside the compiled main.js (scripts/build.mjs). The stored
// text is used only where yargs would print the very same bytes; test/cli-help.test.ts compares it with live yargs.

/** The width yargs wraps the help to: the terminal's, at most 110 (pipes and files get 110). */
export function helpWidth(): number {
  return Math.min(110, process.stdout.columns || 110);
}

/** True when yargs would print its English strings: the locale it reads from the environment is English, C or unset. */
function englishLocale(): boolean {
  const env = process.env;
  const locale = (env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || 'en_US').replace(/[.:].*/, '');
  return /^(en([_-].*)?|C|POSIX)$/.test(locale);
}

/**
 * The top-level help stored by the build, or undefined when it must come from yargs: running from the sources (no
 * build to trust), a terminal narrower than 110 columns, a non-English locale, or no stored file.
 */
export function storedTopHelp(): string | undefined {
  if (!import.meta.url.endsWith('.js') || helpWidth() !== 110 || !englishLocale()) return undefined;
  try {
    return readFileSync(new URL('./help.txt', import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}
