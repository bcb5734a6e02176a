import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/format/table.js';
import { safeForTerminal } from '../../src/cli/format/terminal.js';
import { neutraliseFormula, readRows, scaffoldProject } from '../../src/internal.js';
import { fails, makeProject, runCli, type Project } from './project.js';

// Class 7: outputs are safe for the tools people open them in (spreadsheets, terminals) and init never writes
// outside its folder or invalid JSON.
let P: Project;
const EVIL = ['=HYPERLINK("http://x","click")', "+cmd|'/c calc'!A0", '@SUM(A1:A9)', '-2+3', '\x1b]0;pwned\x07title', 'clear\x1b[2J\x1b[H', 'plain'];
beforeAll(async () => {
  P = await makeProject('unsafe', { fitted: true });
  const lines = readFileSync(P.p('data.csv'), 'utf8').trimEnd().split('\n');
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  writeFileSync(P.p('evil.csv'), `${lines.map((l, i) => (i === 0 ? `${l},note` : `${l},${q(EVIL[i % EVIL.length])}`)).join('\n')}\n`);
}, 60_000);
afterAll(() => P.cleanup());

const sample = (...a: string[]) => ['sample', '--recipe', P.p('recipe.json'), '--L', P.p('out', 'L.arrow'), '--data', P.p('evil.csv'), ...a];

describe('class 7: CSV injection', () => {
  for (const [cell, want] of [
    ['=1+1', "'=1+1"],
    ['+cmd|x', "'+cmd|x"],
    ['-x', "'-x"],
    ['@A', "'@A"],
    ['\tx', "'\tx"],
    ['-3', '-3'],
    ['+1.5e3', '+1.5e3'],
    ['a=b', 'a=b'],
  ]) {
    it(`neutraliseFormula(${JSON.stringify(cell)}) = ${JSON.stringify(want)}`, () => expect(neutraliseFormula(cell)).toBe(want));
  }

  it('sample CSV output neutralises formulas by default, --no-csv-safe writes them verbatim', async () => {
    // budget 20 = every row, so every evil cell is in the file.
    writeFileSync(P.p('all.json'), JSON.stringify({ budget: 20, seed: 1, parts: [{ random: 1 }] }));
    expect(
      (await runCli('sample', '--recipe', P.p('all.json'), '--L', P.p('out', 'L.arrow'), '--data', P.p('evil.csv'), '--out', P.p('safe.csv'))).err,
    ).toBe('');
    const notes = readRows(P.p('safe.csv')).rows.map((r) => String(r.note));
    expect(notes.some((n) => /^[=+@]/.test(n))).toBe(false);
    expect(notes).toContain('\'=HYPERLINK("http://x","click")');
    expect(notes).toContain('-2+3'.replace(/^/, "'"));
    expect(
      (
        await runCli(
          'sample',
          '--recipe',
          P.p('all.json'),
          '--L',
          P.p('out', 'L.arrow'),
          '--data',
          P.p('evil.csv'),
          '--out',
          P.p('raw.csv'),
          '--no-csv-safe',
        )
      ).err,
    ).toBe('');
    expect(readRows(P.p('raw.csv')).rows.map((r) => r.note)).toContain('=HYPERLINK("http://x","click")');
  });

  it('disagreements CSV (flags.csv) neutralises formulas in --show columns', async () => {
    const r = await runCli('disagreements', '--L', P.p('out', 'L.arrow'), '--data', P.p('evil.csv'), '--show', 'note', '--out', P.p('flags.csv'));
    expect(r.err).toBe('');
    const notes = readRows(P.p('flags.csv')).rows.map((x) => String(x.note));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.some((n) => /^[=+@-]/.test(n))).toBe(false);
  });

  it('Arrow and JSON Lines outputs keep the data exactly (not spreadsheet formats)', async () => {
    expect((await runCli(...sample('--out', P.p('s.jsonl')))).err).toBe('');
    for (const row of readRows(P.p('s.jsonl')).rows) expect(EVIL).toContain(row.note);
  });
});

describe('class 7: terminal control characters', () => {
  it('safeForTerminal shows ESC, BEL, CR, C1 and bidi overrides as visible escapes', () => {
    expect(safeForTerminal('a\x1b[2Jb\x07\r\x9b\u202e')).toBe('a\\x1b[2Jb\\x07\\x0d\\x9b\\x{202e}');
  });

  it('formatTable strips control characters from cells and header', () => {
    const t = formatTable(['h\x1b'], [['\x1b]0;pwned\x07']]);
    expect(t).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('disagreements --show prints no raw escape sequence from the data', async () => {
    const r = await runCli('disagreements', '--L', P.p('out', 'L.arrow'), '--data', P.p('evil.csv'), '--show', 'note', '--top', '20');
    expect(r.err).toBe('');
    expect(r.out).toContain('\\x1b');
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('an error message quoting the data prints no raw escape', async () => {
    writeFileSync(P.p('esc.csv'), 'id,text\n1,"a\x1b[2J",extra\n');
    const msg = await fails(1, ...sample('--out', P.p('x.csv')).map((a) => (a === P.p('evil.csv') ? P.p('esc.csv') : a)));
    expect(msg).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});

describe('class 7: init', () => {
  it('init --force refuses to write through a dangling symlink outside the project', () => {
    const dir = P.p('init-link');
    mkdirSync(dir);
    const outside = P.p('outside-target.json');
    symlinkSync(outside, join(dir, 'package.json'));
    expect(() => scaffoldProject(dir, { force: true })).toThrow(/symbolic link/);
    expect(existsSync(outside)).toBe(false);
  });

  it('init --force refuses a symlinked folder on the way', () => {
    const dir = P.p('init-linkdir');
    mkdirSync(dir);
    mkdirSync(P.p('elsewhere'));
    symlinkSync(P.p('elsewhere'), join(dir, 'lfs'));
    expect(() => scaffoldProject(dir, { force: true })).toThrow(/symbolic link/);
    expect(existsSync(P.p('elsewhere', 'example.ts'))).toBe(false);
  });

  it('init --name with quotes and backslashes writes valid package.json', async () => {
    const dir = P.p('init-name');
    const r = await runCli('init', dir, '--name', 'my "best", project \\ x');
    expect(r.err).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe('my "best", project \\ x');
  });
});
