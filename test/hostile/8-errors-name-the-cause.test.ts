import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLabelMatrix, LabelMatrix } from '../../src/index.js';
import { fails, makeProject, REPO, runCli, type Project } from './project.js';

// Class 8: every failure names its cause (the path and what was being written), a closed stdout ends quietly, and
// "nothing to report" still replaces the previous output.
let P: Project;
const BIN = join(REPO, 'bin', 'ballot.mjs');
beforeAll(async () => {
  P = await makeProject('errors', { fitted: true });
  // 20k rows where two LFs always disagree: a --json report of several MB.
  const n = 20_000;
  const votes = new Int8Array(n * 2);
  for (let i = 0; i < n; i++) [votes[2 * i], votes[2 * i + 1]] = [0, 1];
  saveLabelMatrix(P.p('conflict.arrow'), new LabelMatrix({ n, m: 2, votes, lfNames: ['a', 'b'], labels: ['HAM', 'SPAM'] }));
}, 60_000);
afterAll(() => P.cleanup());

describe('class 8: errors name the cause', () => {
  it('a cache folder that cannot be created names it and says what to do', async () => {
    const msg = await fails(
      1,
      'apply',
      '--lfs',
      P.p('lfs', 'spam.ts'),
      '--workers',
      '1',
      '--data',
      P.p('data.csv'),
      '--out',
      P.p('out', 'c.arrow'),
      '--cache-dir',
      P.p('data.csv', 'cache'),
    );
    expect(msg).toContain(P.p('data.csv'));
    expect(msg).toMatch(/is a file, not a directory/);
  });

  it('an output under a file names the blocking file', async () => {
    const msg = await fails(1, 'sample', '--recipe', P.p('recipe.json'), '--L', P.p('out', 'L.arrow'), '--out', P.p('recipe.json', 'x.csv'));
    expect(msg).toMatch(/recipe\.json.*is a file, not a directory/);
  });

  it('disagreements --out with nothing flagged writes a header-only file over the previous one', async () => {
    const one = new LabelMatrix({ n: 3, m: 1, votes: Int8Array.from([0, 1, -1]), lfNames: ['solo'], labels: ['HAM', 'SPAM'] });
    saveLabelMatrix(P.p('solo.arrow'), one);
    writeFileSync(P.p('flags.csv'), 'stale,rows\n1,2\n');
    const r = await runCli('disagreements', '--L', P.p('solo.arrow'), '--kinds', 'lf-conflict', '--out', P.p('flags.csv'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(P.p('flags.csv'), 'utf8')).toBe('kind,rank,row,score,lf,predicted,p_HAM,p_SPAM,votes,reason\n');
  });

  it('a closed stdout (| head -c 100) exits 0 with nothing on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'disagreements', '--L', P.p('conflict.arrow'), '--json', '--top', '20000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  }, 30_000);

  it('an LF file whose top-level await never settles fails with a message (not exit 13 in silence)', () => {
    writeFileSync(
      P.p('lfs', 'hang.ts'),
      "import { keywordLF } from 'ballot';\nawait new Promise(() => {});\nexport const a = keywordLF({ name: 'a', keywords: ['x'], label: 'SPAM', field: 'text' });\n",
    );
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'apply',
        '--lfs',
        P.p('lfs', 'hang.ts'),
        '--labels',
        'HAM,SPAM',
        '--workers',
        '1',
        '--data',
        P.p('data.csv'),
        '--out',
        P.p('out', 'h.arrow'),
      ],
      { encoding: 'utf8', timeout: 30_000, cwd: P.dir },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ballot: could not load LF file .*hang\.ts: its top-level await never settles/);
  }, 30_000);
});
