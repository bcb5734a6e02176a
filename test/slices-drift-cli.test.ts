import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLabelMatrix, writeRows } from '../src/index.js';
import { runCli } from './cli-helpers.js';
import { world } from './drift-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ballot-slices-cli-'));
const f = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const a = world({ n: 800, seed: 1 }),
    b = world({ n: 800, seed: 2, drop: ['free'] }),
    c = world({ n: 800, seed: 3 });
  for (const [name, w] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    saveLabelMatrix(f(`${name}.arrow`), w.L);
    writeRows(
      f(`${name}.csv`),
      w.rows.map((r, i) => ({ ...r, label: w.y[i] })),
    );
  }
  writeFileSync(f('package.json'), '{"type":"module"}');
  writeFileSync(
    f('slices.ts'),
    `import { sliceFunction } from ${JSON.stringify(join(import.meta.dirname, '../src/index.js'))};
export const has_song = sliceFunction({ name: 'has_song', test: (r: { text: string }) => r.text.includes('song') });
export const broken = sliceFunction({ name: 'broken', test: (r: { nope: { x: number } }) => r.nope.x > 1 });
`,
  );
});

describe('ballot slices', () => {
  it('prints one row per slice with intervals, and JSON', async () => {
    const r = await runCli(
      'slices',
      '--L',
      f('a.arrow'),
      '--data',
      f('a.csv'),
      '--by',
      'source',
      '--by',
      'length:text',
      '--gold',
      f('a.csv'),
      '--label-column',
      'label',
      '--json',
    );
    expect(r.err).toBe('');
    const rep = JSON.parse(r.out);
    expect(rep.slices.map((s: { name: string }) => s.name).slice(0, 3)).toEqual(['source=web', 'source=mobile', 'source=api']);
    expect(rep.overall.labelModel.method).toBe('wilson');
    const t = await runCli('slices', '--L', f('a.arrow'), '--data', f('a.csv'), '--by', 'source', '--gold', f('a.csv'), '--label-column', 'label');
    expect(t.out).toMatch(/^slice\s+rows\s+coverage/);
    expect(t.out).toMatch(/source=web\s+\d+/);
  });
  it('a slice function that throws: one line naming it and the row; --on-error abstain counts it', async () => {
    const r = await runCli('slices', '--L', f('a.arrow'), '--data', f('a.csv'), '--slices', f('slices.ts'), '--no-cache');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ballot: .*a\.csv \(row 0\): slice function "broken" failed on row 0: .*\n$/);
    const ok = await runCli('slices', '--L', f('a.arrow'), '--data', f('a.csv'), '--slices', f('slices.ts'), '--on-error', 'abstain', '--json');
    expect(JSON.parse(ok.out).notes).toContain('slice function "broken" threw on 800 rows (counted out of the slice)');
  });
  it('a --by column that is missing: one line', async () => {
    const r = await runCli('slices', '--L', f('a.arrow'), '--data', f('a.csv'), '--by', 'country');
    expect(r.err).toMatch(/^ballot: .*a\.csv: cannot slice by "country": no such column; columns are text, source, score, label\n$/);
  });
});

describe('ballot lfs list', () => {
  it('lists slice functions apart from LFs', async () => {
    writeFileSync(
      f('mixed.ts'),
      `import { keywordLF, sliceFunction } from ${JSON.stringify(join(import.meta.dirname, '../src/index.js'))};
export const labels = ['HAM', 'SPAM'];
export const kw = keywordLF({ name: 'kw', keywords: ['free'], label: 'SPAM', field: 'text' });
/** Texts about songs. */
export const about_song = sliceFunction({ name: 'about_song', test: (r: { text: string }) => r.text.includes('song') });
`,
    );
    const r = await runCli('lfs', 'list', '--lfs', f('mixed.ts'), '--json');
    const out = JSON.parse(r.out);
    expect(out.lfs.map((x: { name: string }) => x.name)).toEqual(['kw']);
    expect(out.slices).toMatchObject([{ name: 'about_song', doc: 'Texts about songs.', line: 5 }]);
    const t = await runCli('lfs', 'list', '--lfs', f('mixed.ts'));
    expect(t.out).toMatch(/slice function\s+where\s+doc\n[- ]+\nabout_song\s+\S*mixed\.ts:5\s+Texts about songs\.\n\n1 slice function\n/);
  });
});

describe('ballot drift', () => {
  it('exit 3 when --fail-on holds, 0 when not; JSON carries the gate', async () => {
    const moved = await runCli(
      'drift',
      '--L',
      f('a.arrow'),
      '--L',
      f('b.arrow'),
      '--data',
      f('a.csv'),
      '--data',
      f('b.csv'),
      '--text-column',
      'text',
      '--fail-on',
      'psi>0.2',
    );
    expect(moved.code).toBe(3);
    expect(moved.out).toMatch(/^major drift: /);
    expect(moved.out).toMatch(/fail-on psi>0\.2: lf:kw_free/);
    const same = await runCli(
      'drift',
      '--L',
      f('a.arrow'),
      '--L',
      f('c.arrow'),
      '--data',
      f('a.csv'),
      '--data',
      f('c.csv'),
      '--text-column',
      'text',
      '--fail-on',
      'psi>0.2',
      '--json',
    );
    expect(same.code).toBe(0);
    const rep = JSON.parse(same.out);
    expect(rep.verdict.status).toBe('none');
    expect(rep.gate.failed).toEqual([]);
  });
  it('one --L is a usage error in one line', async () => {
    const r = await runCli('drift', '--L', f('a.arrow'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--L takes two label matrices/);
  });
});
