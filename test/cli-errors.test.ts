import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// Bad input through the CLI, in-process: every failure is one line on stderr naming the file (and row, LF, column
// where they matter), a non-zero exit, and no stack trace.
const REPO = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

const LFS = `import { ABSTAIN, defineLabels, keywordLF, labelingFunction } from 'ballot';
export const labels = defineLabels(['HAM', 'SPAM'] as const);
export const callToAction = keywordLF({ name: 'call_to_action', keywords: ['click', 'free'], label: 'SPAM', field: 'text' });
export const shortPersonal = labelingFunction({
  name: 'short_personal',
  vote: (m: { text: string }) => (m.text.split(' ').length <= 4 && /you/i.test(m.text) ? 'HAM' : ABSTAIN),
});
`;
const OTHER_LFS = `import { defineLabels, keywordLF } from 'ballot';
export const labels = defineLabels(['HAM', 'SPAM'] as const);
export const a = keywordLF({ name: 'kw_free', keywords: ['free'], label: 'SPAM', field: 'text' });
export const b = keywordLF({ name: 'kw_you', keywords: ['you'], label: 'HAM', field: 'text' });
`;
const THROWS = `import { ABSTAIN, labelingFunction } from 'ballot';
export const boom = labelingFunction({ name: 'boom', vote: (m: { text: string }) => { if (m.text.includes('free')) throw new Error('kaboom'); return ABSTAIN; } });
`;
const DATA = ['id,text,label', '1,are you there,HAM', '2,click for a free prize,SPAM', '3,see you soon,HAM', '4,free money,SPAM', '5,ok,HAM'].join(
  '\n',
);

const run = runCli;

/** Runs a command that must fail: exit code, and stderr exactly one line starting with "ballot: ". */
async function fails(code: number, ...args: string[]): Promise<string> {
  const r = await run(...args);
  expect(r.code, `${args.join(' ')} → ${r.err}`).toBe(code);
  expect(r.err).toMatch(/^ballot: [^\n]+\n$/);
  expect(r.err).not.toMatch(/\bat .+:\d+:\d+\)?$/m); // no stack frames
  return r.err.slice('ballot: '.length, -1);
}

const apply = (...args: string[]) => ['apply', '--lfs', p('lfs', 'spam.ts'), '--workers', '1', ...args];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ballot-cli-errors-'));
  writeFileSync(p('package.json'), '{ "type": "module" }\n');
  mkdirSync(p('node_modules'));
  symlinkSync(REPO, p('node_modules', 'ballot'), 'dir');
  mkdirSync(p('lfs'));
  writeFileSync(p('lfs', 'spam.ts'), LFS);
  writeFileSync(p('lfs', 'other.ts'), OTHER_LFS);
  writeFileSync(p('lfs', 'throws.ts'), THROWS);
  writeFileSync(p('data.csv'), `${DATA}\n`);
  writeFileSync(p('recipe.json'), JSON.stringify({ budget: 2, seed: 1, parts: [{ random: 1 }] }));
  const ok = await run(...apply('--data', p('data.csv'), '--out', p('out', 'L.arrow')));
  expect(ok.err).toBe('');
  expect((await run('fit', '--model', 'mc', '--L', p('out', 'L.arrow'), '--out', p('out', 'model.json'))).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ballot apply on bad input', () => {
  it('malformed CSV, JSONL and Arrow name the file and line', async () => {
    writeFileSync(p('quote.csv'), 'id,text\n1,ok\n2,"never closed\n');
    expect(await fails(1, ...apply('--data', p('quote.csv'), '--out', p('out', 'x.arrow')))).toMatch(
      /quote\.csv \(line 3\): unterminated quoted field 2 \("text"\)/,
    );
    writeFileSync(p('fields.csv'), 'id,text\n1,ok\n2,a,b\n');
    expect(await fails(1, ...apply('--data', p('fields.csv'), '--out', p('out', 'x.arrow')))).toMatch(
      /fields\.csv \(line 3\): expected 2 fields \(as in the header\), got 3/,
    );
    writeFileSync(p('bad.jsonl'), '{"text":"a"}\n{"text":}\n');
    expect(await fails(1, ...apply('--data', p('bad.jsonl'), '--out', p('out', 'x.arrow')))).toMatch(/bad\.jsonl \(line 2\): invalid JSON/);
    writeFileSync(p('bad.arrow'), 'not arrow at all');
    expect(await fails(1, ...apply('--data', p('bad.arrow'), '--out', p('out', 'x.arrow')))).toMatch(/bad\.arrow: /);
  });

  it('a column an LF reads that the data lacks names the file, the column and the LF', async () => {
    writeFileSync(p('nocol.csv'), 'id,CONTENT\n1,free stuff\n');
    expect(await fails(1, ...apply('--data', p('nocol.csv'), '--out', p('out', 'x.arrow')))).toBe(
      `${p('nocol.csv')} has no column "text" (read by "call_to_action"); its columns are: id, CONTENT`,
    );
  });

  it('JSON Lines rows may omit a key: a column first seen late in the file is still found', async () => {
    const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify(i < 1400 ? { id: i } : { id: i, text: i % 2 ? 'free stuff' : 'are you ok' }));
    writeFileSync(p('late.jsonl'), `${lines.join('\n')}\n`);
    const args = ['apply', '--lfs', p('lfs', 'other.ts'), '--workers', '1', '--data', p('late.jsonl'), '--out', p('out', 'late.arrow')];
    const r = await run(...args);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^1,500 rows × 2 LFs/);
    writeFileSync(p('never.jsonl'), `${lines.slice(0, 1400).join('\n')}\n`);
    expect(await fails(1, ...args.slice(0, -4), '--data', p('never.jsonl'), '--out', p('out', 'never.arrow'))).toBe(
      `${p('never.jsonl')} has no column "text" (read by "kw_free", "kw_you"); its columns are: id`,
    );
  });

  it('ballot watch stops at once on what no LF edit can fix', async () => {
    expect(
      await fails(1, 'watch', '--lfs', p('lfs', 'spam.ts'), '--data', p('data.csv'), '--out', p('out', 'w.arrow'), '--gold-column', 'CLASS'),
    ).toBe(`${p('data.csv')}: no gold label column "CLASS"; columns are id, text, label`);
    expect(await fails(1, 'watch', '--lfs', p('lfs', 'spam.ts'), '--data', p('nope.csv'), '--out', p('out', 'w.arrow'))).toBe(
      `data file not found: ${p('nope.csv')}`,
    );
  });

  it('an LF that throws is named with the row and the data file; --on-error abstain counts it instead', async () => {
    const args = ['apply', '--lfs', p('lfs', 'throws.ts'), '--labels', 'HAM,SPAM', '--workers', '1', '--data', p('data.csv')];
    expect(await fails(1, ...args, '--out', p('out', 'e.arrow'))).toBe(`labeling function "boom" failed on row 1 of ${p('data.csv')}: kaboom`);
    const tolerant = await run(...args, '--out', p('out', 'e.arrow'), '--on-error', 'abstain');
    expect(tolerant.code).toBe(0);
    expect(tolerant.out).toMatch(/boom: threw on 2 rows \(recorded as abstain\)/);
  });

  it('an empty data file, or one with a header only, is an error', async () => {
    writeFileSync(p('empty.csv'), '');
    expect(await fails(1, ...apply('--data', p('empty.csv'), '--out', p('out', 'x.arrow')))).toMatch(/empty\.csv: the file is empty/);
    writeFileSync(p('header.csv'), 'id,text,label\n');
    expect(await fails(1, ...apply('--data', p('header.csv'), '--out', p('out', 'x.arrow')))).toBe(
      `${p('header.csv')}: no data rows: nothing to apply the LFs to`,
    );
  });

  it('outputs: a non-Arrow name, a directory, a path under a file; nothing is left behind', async () => {
    expect(await fails(1, ...apply('--data', p('data.csv'), '--out', p('out', 'L.csv')))).toMatch(
      /--out .*L\.csv: the label matrix is an Arrow IPC file; give it a \.arrow name/,
    );
    mkdirSync(p('out', 'dir.arrow'), { recursive: true });
    expect(await fails(1, ...apply('--data', p('data.csv'), '--out', p('out', 'dir.arrow')))).toBe(
      `${p('out', 'dir.arrow')}: cannot write: it is a directory`,
    );
    expect(await fails(1, ...apply('--data', p('data.csv'), '--out', p('data.csv', 'L.arrow')))).toBe(
      `${p('data.csv', 'L.arrow')}: cannot write: ${p('data.csv')} is a file, not a directory`,
    );
    expect(await fails(1, 'predict', '--model', p('out', 'model.json'), '--L', p('out', 'L.arrow'), '--out', p('out', 'dir.arrow'))).toBe(
      `${p('out', 'dir.arrow')}: cannot write: it is a directory`,
    );
    expect(readdirSync(p('out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('missing files and unknown or repeated flags', async () => {
    expect(await fails(1, ...apply('--data', p('nope.csv'), '--out', p('out', 'x.arrow')))).toBe(`data file not found: ${p('nope.csv')}`);
    expect(await fails(1, 'apply', '--lfs', p('lfs', 'nope.ts'), '--data', p('data.csv'), '--out', p('out', 'x.arrow'))).toBe(
      `LF file not found: ${p('lfs', 'nope.ts')}`,
    );
    expect(await fails(2, ...apply('--data', p('data.csv'), '--out', p('out', 'x.arrow'), '--bogus'))).toBe('Unknown argument: bogus');
    expect(await fails(2, ...apply('--data', p('data.csv'), '--out', p('out', 'a.arrow'), '--out', p('out', 'b.arrow')))).toBe(
      `--out is given 2 times (${p('out', 'a.arrow')}, ${p('out', 'b.arrow')}); give it once`,
    );
    expect(await fails(1, 'fit', '--L', p('nope.arrow'), '--out', p('out', 'm.json'))).toBe(`${p('nope.arrow')}: no such file`);
    expect(await fails(2, 'disagreements', '--L', p('out', 'L.arrow'), '--top', 'ten')).toBe('--top must be a number, got "ten"');
    expect(await fails(2, 'predict', '--model', p('out', 'model.json'), '--L', p('out', 'L.arrow'), '--out', p('out', 'p.csv'), '--seed=x')).toBe(
      '--seed must be a number, got "x"',
    );
  });
});

describe('fit, predict, analyze and sample on mismatched inputs', () => {
  let Lother: string;
  let L0: string;
  beforeAll(async () => {
    Lother = p('out', 'other.arrow');
    expect((await run('apply', '--lfs', p('lfs', 'other.ts'), '--workers', '1', '--data', p('data.csv'), '--out', Lother)).code).toBe(0);
    L0 = p('out', 'L0.arrow');
    // A zero-row label matrix, as another tool might write one.
    const { saveLabelMatrix } = await import('../src/data/label-matrix-io.js');
    const { LabelMatrix } = await import('../src/matrix/label-matrix.js');
    saveLabelMatrix(L0, LabelMatrix.fromRows([], ['HAM', 'SPAM'], ['call_to_action', 'short_personal']));
  });

  it('a model fitted on other LFs names both files and says to refit', async () => {
    const model = p('out', 'model.json');
    // One wording for "model does not fit this matrix" (checkModelFits, D7); the CLI adds the file names and the refit command.
    const expected = `${model} was fitted on LFs [call_to_action, short_personal] but ${Lother} has [kw_free, kw_you] (only the model has call_to_action, short_personal; only the matrix has kw_free, kw_you); refit the model on this matrix (ballot fit --L ${Lother})`;
    expect(await fails(1, 'predict', '--model', model, '--L', Lother, '--out', p('out', 'p.csv'))).toBe(expected);
    expect(await fails(1, 'analyze', '--model', model, '--L', Lother)).toBe(expected);
    expect(await fails(1, 'disagreements', '--model', model, '--L', Lother, '--gold', p('data.csv'), '--label-column', 'label')).toBe(expected);
    expect(await fails(1, 'sample', '--recipe', p('recipe.json'), '--model', model, '--L', Lother, '--out', p('out', 'n.csv'))).toBe(expected);
    expect(
      await fails(
        1,
        'fit',
        '--model',
        'auto',
        '--L',
        p('out', 'L.arrow'),
        '--dev',
        p('data.csv'),
        '--dev-L',
        Lother,
        '--label-column',
        'label',
        '--out',
        p('out', 'm.json'),
      ),
    ).toBe(`--dev-L ${Lother} has LFs kw_free, kw_you but --L ${p('out', 'L.arrow')} has call_to_action, short_personal: apply the same LFs to both`);
  });

  it('gold files with the wrong row count, and a missing label column', async () => {
    writeFileSync(p('short.csv'), 'id,label\n1,HAM\n');
    expect(await fails(1, 'analyze', '--L', p('out', 'L.arrow'), '--gold', p('short.csv'), '--label-column', 'label')).toMatch(
      /short\.csv: has 1 rows but the label matrix has 5/,
    );
    expect(await fails(1, 'analyze', '--L', p('out', 'L.arrow'), '--gold', p('data.csv'), '--label-column', 'CLASS')).toMatch(
      /data\.csv: no gold label column "CLASS"; columns are id, text, label/,
    );
  });

  it('fit refuses an empty matrix and a non-JSON output name', async () => {
    expect(await fails(1, 'fit', '--L', L0, '--out', p('out', 'm.json'))).toBe(`${L0}: the label matrix has no rows: nothing to fit`);
    expect(await fails(1, 'fit', '--L', p('out', 'L.arrow'), '--out', p('out', 'model.arrow'))).toMatch(
      /the fitted model is written as JSON; give it a \.json name/,
    );
  });
});

describe('through the real binary', () => {
  it('--queue refuses what a sharded run would drop: gold labels on predict, the built-in mv and label/reference columns on sample', async () => {
    const L = p('out', 'L.arrow');
    const q = ['--queue', 'redis://127.0.0.1:1'];
    expect(await fails(1, 'predict', '--model', p('m.json'), '--L', L, '--out', p('out', 'q.csv'), '--gold', p('data.csv'), ...q)).toMatch(
      /^--gold and --label-column cannot be used with --queue: score the model with ballot score/,
    );
    const sample = ['sample', '--recipe', p('recipe.json'), '--L', L, '--out', p('out', 'q.csv'), ...q];
    expect(await fails(1, ...sample)).toMatch(/^--queue needs a fitted model file: pass --model model\.json/);
    expect(await fails(1, ...sample, '--model', p('m.json'), '--label-column', 'y')).toMatch(/^--label-column cannot be used with --queue/);
    expect(await fails(1, ...sample, '--model', p('m.json'), '--reference-data', p('data.csv'))).toMatch(
      /^--reference-data cannot be used with --queue/,
    );
  });

  it('an LF file with a syntax error is one line with its line and column', () => {
    writeFileSync(
      p('lfs', 'broken.ts'),
      "import { ABSTAIN, labelingFunction } from 'ballot';\nexport const broken = labelingFunction({ name: 'b', vote: () => { return ABSTAIN; ); });\n",
    );
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'ballot.mjs'), 'lfs', 'list', '--lfs', 'lfs/broken.ts'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    // esbuild's words from the sources (tsx), TypeScript's from the compiled package (its own hooks): same place.
    expect(r.stderr).toMatch(
      /^ballot: could not load LF file lfs\/broken.ts: syntax error at line 2, column 83: (Unexpected "\)"|Declaration or statement expected\.)\n$/,
    );
  });

  it('an LF file outside an ES module package says how to make it one', () => {
    const cjs = mkdtempSync(join(tmpdir(), 'ballot-cjs-'));
    try {
      mkdirSync(join(cjs, 'lfs'));
      writeFileSync(
        join(cjs, 'lfs', 'a.ts'),
        `import { keywordLF } from ${JSON.stringify(join(REPO, 'src', 'index.ts'))};\nexport const a = keywordLF({ name: 'a', keywords: ['x'], label: 'SPAM' });\n`,
      );
      const r = spawnSync(
        process.execPath,
        [join(REPO, 'bin', 'ballot.mjs'), 'apply', '--data', p('data.csv'), '--out', 'L.arrow', '--labels', 'HAM,SPAM'],
        { cwd: cjs, encoding: 'utf8' },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'ballot: could not load LF file lfs/a.ts: it loads as CommonJS, but LF files are ES modules: add "type": "module" to the nearest package.json, or name the file .mts\n',
      );
    } finally {
      rmSync(cjs, { recursive: true, force: true });
    }
  });
});

describe('library errors name options; the CLI names flags (D8)', () => {
  it('applyFile names the option batchSize; ballot apply prints --batch-size', async () => {
    const { applyFile } = await import('../src/index.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'ballot-d8-'));
    const run = applyFile({ data: 'examples/spam/data/Youtube05-Shakira.csv', lfs: 'examples/spam/lfs.ts', out: join(dir, 'x.arrow'), batchSize: 0 });
    await expect(run).rejects.toThrow(/^`batchSize` must be a positive integer, got 0$/);
    await expect(run).rejects.toMatchObject({ option: 'batchSize' });
    const { withFlags } = await import('../src/cli/flags.js');
    expect(withFlags('`batchSize` must be a positive integer, got 0')).toBe('--batch-size must be a positive integer, got 0');
    expect(withFlags('export `labels = defineLabels([...])`')).toBe('export `labels = defineLabels([...])`');
  });
});
