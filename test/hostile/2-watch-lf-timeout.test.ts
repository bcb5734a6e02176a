import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';
import { LFS, makeProject, REPO, type Project } from './project.js';

// Class 2 in `ballot watch`: a hanging LF (an endless loop on one row) fails that run with an error naming the LF and
// the row, within the time budget, and watch keeps watching: the next save (the fix) runs and succeeds. The budget is
// on by default in watch (a hung run would block every later run); `lfTimeout: 0` turns it off.
let P: Project;
beforeAll(async () => {
  P = await makeProject('watch-timeout');
}, 60_000);
afterAll(() => P.cleanup());

// Row 3 of data.csv is "free money 3": the loop never ends there.
const HANGING = `${LFS}export const stuck = labelingFunction({
  name: 'stuck',
  vote: (m: { text: string }) => {
    if (m.text.startsWith('free money')) for (;;) {}
    return ABSTAIN;
  },
});
`;

describe('class 2: the LF time budget in watch', () => {
  it('ballot watch --lf-timeout: a hung run is reported naming the LF and row, watch keeps watching, the fix then applies', async () => {
    writeFileSync(P.p('lfs', 'spam.ts'), HANGING);
    const child = spawn(
      process.execPath,
      [
        join(REPO, 'bin', 'ballot.mjs'),
        'watch',
        '--data',
        'data.csv',
        '--lfs',
        'lfs/spam.ts',
        '--out',
        'out/L.arrow',
        '--workers',
        '1',
        '--lf-timeout',
        '1',
        '--json',
      ],
      { cwd: P.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const lines: string[] = [];
    let wake = () => {};
    child.stdout.on('data', (d) => {
      out += d;
      for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
        lines.push(out.slice(0, i));
        out = out.slice(i + 1);
      }
      wake();
    });
    const line = (count: number) =>
      new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no run ${count} reported in 30 s; stderr: ${err}`)), 30_000);
        wake = () => {
          if (lines.length >= count) {
            clearTimeout(t);
            resolve(lines[count - 1]);
          }
        };
        wake();
      });
    try {
      const hung = JSON.parse(await line(1));
      expect(hung.ok).toBe(false);
      expect(hung.error).toMatch(/labeling function "stuck" failed on row 3\b.*still running after 1000 ms/);
      // Watch is still watching: the fix, saved, runs in the same session.
      writeFileSync(P.p('lfs', 'spam.ts'), HANGING.replace('for (;;) {}', 'return ABSTAIN;'));
      const fixed = JSON.parse(await line(2));
      expect(fixed.ok, JSON.stringify(fixed)).toBe(true);
      expect(fixed.result.report.rows).toBe(20);
      expect(fixed.result.summary.map((r: { lf: string }) => r.lf).sort()).toEqual(['call_to_action', 'short_personal', 'stuck']);
      const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGINT'); // and stops on Ctrl-C as usual
      expect(await code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      writeFileSync(P.p('lfs', 'spam.ts'), LFS);
    }
  }, 40_000);

  it('a bad budget is refused before watching, naming the flag', async () => {
    expect(readFileSync(P.p('lfs', 'spam.ts'), 'utf8')).toBe(LFS);
    const r = await runCli('watch', '--data', P.p('data.csv'), '--lfs', P.p('lfs', 'spam.ts'), '--out', P.p('out', 'L.arrow'), '--lf-timeout', '-1');
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/--lf-timeout must be a number of seconds ≥ 0, got -1/);
  });
});
