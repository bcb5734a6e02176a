// `ballot --help` comes from text the build stored (dist/src/cli/help.txt) so it does not import yargs; it must be
// byte for byte what yargs prints live, and every other help must still come from yargs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build-helper.js';

const BIN = join(ROOT, 'bin', 'ballot.mjs');
// Any import of yargs fails the process: proves the stored path is taken (and, for other helps, that yargs is).
const NO_YARGS = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, n) { if (s === "yargs") throw new Error("yargs was imported"); return n(s, c); }'));`,
)}`;

function ballot(args: string[], env: Record<string, string>, nodeArgs: string[] = []): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '', NO_COLOR: '1', ...env },
  });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}
const SOURCE = { BALLOT_FROM_SOURCE: '1' };
const DIST = { BALLOT_FROM_SOURCE: '' };
let stored: string;

beforeAll(() => {
  ensureBuilt();
  stored = readFileSync(join(ROOT, 'dist', 'src', 'cli', 'help.txt'), 'utf8');
});

describe('ballot --help from the stored text', () => {
  it('is what yargs prints live from the sources, and the compiled CLI prints it without importing yargs', () => {
    const live = ballot(['--help'], { ...SOURCE, LANG: 'en_US.UTF-8' });
    expect(live.code).toBe(0);
    expect(live.out).toMatch(/^ballot <command> \[options\]\n[\s\S]*Commands:[\s\S]*ballot fit[\s\S]*Exit codes: 0 ok/);
    expect(stored).toBe(live.out);
    for (const flag of ['--help', '-h']) {
      const fast = ballot([flag], { ...DIST, LANG: 'en_US.UTF-8' }, ['--import', NO_YARGS]);
      expect(fast.err).toBe('');
      expect(fast.out).toBe(live.out);
    }
    expect(ballot(['--version'], DIST, ['--import', NO_YARGS]).out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('per-command help and a non-English locale still go through yargs', () => {
    const fit = ballot(['fit', '--help'], DIST, ['--import', NO_YARGS]);
    expect(fit.code).not.toBe(0);
    expect(fit.err).toMatch(/yargs was imported/);
    expect(ballot(['fit', '--help'], DIST).out).toMatch(/^ballot fit\n[\s\S]*--L/);
    const de = ballot(['--help'], { ...DIST, LANG: 'de_DE.UTF-8' });
    expect(de.out).toMatch(/Kommandos:/);
    expect(de.out).toBe(ballot(['--help'], { ...SOURCE, LANG: 'de_DE.UTF-8' }).out);
  });
});
