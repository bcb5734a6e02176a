import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFile } from '../../src/index.js';
import { fails, makeProject, type Project } from './project.js';

// Class 2: an LF cannot break the run: it cannot change the rows later LFs see, cannot hang it, cannot take the
// process down by allocating without bound, and an async LF is told it must be synchronous.
let P: Project;
beforeAll(async () => {
  P = await makeProject('lfs');
  writeFileSync(P.p('evil.csv'), `id,text\n1,hello\n2,${'a'.repeat(40)}!\n3,bye\n`);
}, 60_000);
afterAll(() => P.cleanup());

const HEAD = "import { ABSTAIN, labelingFunction, preprocessor } from 'ballot';\nexport const labels = ['HAM', 'SPAM'];\n";
const lf = (name: string, body: string, extra = '') =>
  `${HEAD}${extra}export const ${name} = labelingFunction({ name: '${name}', ${body} });\nexport const after = labelingFunction({ name: 'after', vote: (r: any) => (r.text === 'x' ? 'SPAM' : ABSTAIN) });\n`;

/** Writes an LF file and applies it to evil.csv; returns the one-line error. */
async function applyFails(file: string, source: string, ...flags: string[]): Promise<string> {
  writeFileSync(P.p('lfs', file), source);
  return fails(1, 'apply', '--lfs', P.p('lfs', file), '--data', P.p('evil.csv'), '--out', P.p('out', `${file}.arrow`), '--no-cache', ...flags);
}

const CASES: [string, string, string[], RegExp][] = [
  [
    'an LF assigning to its row',
    lf('mutates', "vote: (r: any) => { r.text = 'x'; return ABSTAIN; }"),
    ['--workers', '1'],
    /"mutates" failed on row 0 .*changed its input row/,
  ],
  [
    'an LF deleting a column',
    lf('deletes', 'vote: (r: any) => { delete r.text; return ABSTAIN; }'),
    ['--workers', '1'],
    /"deletes" failed on row 0 .*changed its input row/,
  ],
  [
    'an LF adding a column, under --on-error abstain',
    lf('adds', 'vote: (r: any) => { r.extra = 1; return ABSTAIN; }'),
    ['--workers', '1', '--on-error', 'abstain'],
    /"adds" failed on row 0 .*changed its input row/,
  ],
  [
    'an LF mutating a preprocessor output',
    lf(
      'mutpre',
      "pre: [lower], vote: (r: any) => { r.t = 'x'; return ABSTAIN; }",
      "const lower = preprocessor('lower', (r: any) => ({ t: String(r.text).toLowerCase() }));\n",
    ),
    ['--workers', '1'],
    /"mutpre" failed on row 0 .*changed its input row/,
  ],
  ['an async LF', lf('asyncLF', "vote: async (r: any) => 'SPAM'"), ['--workers', '1'], /"asyncLF" failed on row 0 .*must be synchronous/],
  [
    'an async preprocessor',
    lf('asyncPre', 'pre: [slow], vote: (r: any) => ABSTAIN', "const slow = preprocessor('slow', async (r: any) => r);\n"),
    ['--workers', '1', '--on-error', 'abstain'],
    /"asyncPre" failed on row 0 .*preprocessor "slow" returned a Promise.*synchronous/,
  ],
  [
    'a catastrophic regex',
    lf('evil_regex', "vote: (r: any) => (/^(a+)+$/.test(r.text) ? 'SPAM' : ABSTAIN)"),
    ['--workers', '1', '--lf-timeout', '1'],
    /"evil_regex" failed on row 1 .*still running after 1000 ms/,
  ],
  [
    'an endless loop',
    lf('spin', "vote: (r: any) => { while (r.text === 'bye') {} return ABSTAIN; }"),
    ['--workers', '2', '--lf-timeout', '0.5'],
    /"spin" failed on row 2 .*still running after 500 ms/,
  ],
];

describe('class 2: LFs cannot break the run', () => {
  for (const [name, source, flags, want] of CASES) {
    it(name, async () => {
      const file = `${name.replace(/\W+/g, '_')}.ts`;
      expect(await applyFails(file, source, ...flags)).toMatch(want);
    }, 30_000);
  }

  it('an LF allocating without bound reports the LF (worker heap limit), not a V8 abort', async () => {
    writeFileSync(
      P.p('lfs', 'hog.ts'),
      lf('hog', "vote: (r: any) => { const a: number[][] = []; if (r.text === 'bye') for (;;) a.push(new Array(1e5).fill(1)); return ABSTAIN; }"),
    );
    await expect(
      applyFile({
        data: P.p('evil.csv'),
        lfs: [P.p('lfs', 'hog.ts')],
        out: P.p('out', 'hog.arrow'),
        cache: false,
        workers: 1,
        lfTimeout: 60,
        lfMemoryMb: 64,
        progress: false,
      }),
    ).rejects.toThrow(/"hog" failed on row 2 .*ran out of memory/);
  }, 60_000);

  it('a well-behaved run under a time budget still applies every row', async () => {
    writeFileSync(P.p('lfs', 'fine.ts'), lf('fine', "vote: (r: any) => (String(r.text).includes('a') ? 'SPAM' : ABSTAIN)"));
    const r = await applyFile({
      data: P.p('evil.csv'),
      lfs: [P.p('lfs', 'fine.ts')],
      out: P.p('out', 'fine.arrow'),
      cache: false,
      workers: 1,
      lfTimeout: 30,
      progress: false,
      returnMatrix: true,
    });
    expect(r.rows).toBe(3);
    expect(Array.from(r.matrix!.votes)).toEqual([-1, -1, 1, -1, -1, -1]);
  }, 30_000);
});
