import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTable, useColour } from '../src/cli/format/table.js';
import { saveLabelMatrix, readRows, writeRows, LabelMatrix, createLabelModel, disagreements } from '../src/index.js';
import { writeJSONFile } from '../src/cli/output.js';
import { runCli } from './cli-helpers.js';

// The CLI end to end, in-process: a hand-made label matrix and a gold CSV in a temp dir.
const dir = mkdtempSync(join(tmpdir(), 'ballot-analysis-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

//         x   y   z      given   text
const votes = [
  [1, 1, -1], //          YES     r0
  [1, 1, 0], //           NO      r1: all-but-one LF say YES, given NO
  [0, -1, -1], //         NO      r2
  [0, 0, 1], //           YES     r3: two LFs say NO, given YES
  [-1, -1, -1], //        YES     r4: no votes
  [1, -1, 0], //          NO      r5: tie
];
const L = LabelMatrix.fromRows(votes, ['NO', 'YES'], ['x', 'y', 'z']);
const Lfile = join(dir, 'L.arrow');
saveLabelMatrix(Lfile, L);
const goldFile = join(dir, 'gold.csv');
writeRows(
  goldFile,
  ['YES', 'NO', 'NO', 'YES', 'YES', 'NO'].map((label, i) => ({ id: `c${i}`, label, text: `row ${i}` })),
);

const run = runCli;

describe('ballot analyze', () => {
  it('prints the summary as JSON with gold columns', async () => {
    const r = await run('analyze', '--L', Lfile, '--gold', goldFile, '--label-column', 'label', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.matrix).toMatchObject({ n: 6, coverage: 5 / 6, overlap: 4 / 6, conflict: 3 / 6, uncoveredRows: 1 });
    expect(j.lfs.map((x: { lf: string; correct: number; incorrect: number }) => [x.lf, x.correct, x.incorrect])).toEqual([
      ['x', 2, 3],
      ['y', 1, 2],
      ['z', 3, 0],
    ]);
    expect(j.correlations.pairs[0]).toMatchObject({ a: 'x', b: 'y', shared: 3 });
  });

  it('prints an aligned, uncoloured table when stdout is not a TTY, and writes the summary file', async () => {
    const out = join(dir, 'summary.csv');
    const r = await run('analyze', '--L', Lfile, '--gold', goldFile, '--label-column', 'label', '--out', out, '--pairs', '2');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/\x1b\[/);
    expect(r.out).toMatch(/6 rows × 3 LFs × 2 classes \(NO, YES\)/);
    expect(r.out).toMatch(/^lf\s+polarity\s+coverage\s+overlaps\s+conflicts\s+correct\s+incorrect\s+emp_acc\s+errors$/m);
    expect(r.out).toMatch(/^x\s+NO,YES\s+0\.833\s+0\.667\s+0\.500\s+2\s+3\s+0\.400\s+0$/m);
    const back = readRows(out);
    expect(back.columns).toEqual(['lf', 'polarity', 'coverage', 'overlaps', 'conflicts', 'correct', 'incorrect', 'empirical_accuracy', 'errors']);
    expect(back.rows[2]).toMatchObject({ lf: 'z', polarity: 'NO,YES', correct: '3', incorrect: '0' });
  });

  it('adds learned accuracies from a saved model, and refuses a model fitted on other LFs', async () => {
    const ds = createLabelModel('ds');
    ds.fit(L);
    const modelFile = join(dir, 'ds.json');
    writeJSONFile(modelFile, ds.toJSON());
    const r = await run('analyze', '--L', Lfile, '--model', modelFile, '--json');
    expect(r.code).toBe(0);
    const learned = JSON.parse(r.out).lfs.map((x: { learnedAccuracy: number }) => x.learnedAccuracy);
    expect(learned).toEqual(Array.from(ds.accuracies()!));
    const flagged = await run('disagreements', '--L', Lfile, '--model', modelFile, '--json');
    const expected = disagreements(L, ds.predictProba(L));
    expect(JSON.parse(flagged.out).flags.map((f: { kind: string; row: number }) => `${f.kind}:${f.row}`)).toEqual(
      expected.flags.map((f) => `${f.kind}:${f.row}`),
    );

    // The same LFs in another order: both commands match the model's LFs to the matrix's by name.
    const reordered = createLabelModel('ds');
    reordered.fit(L.selectLFs(['z', 'x', 'y']));
    const reorderedFile = join(dir, 'reordered.json');
    writeJSONFile(reorderedFile, reordered.toJSON());
    const byName = await run('analyze', '--L', Lfile, '--model', reorderedFile, '--json');
    expect(byName.code).toBe(0);
    const acc = reordered.accuracies()!;
    expect(JSON.parse(byName.out).lfs.map((x: { learnedAccuracy: number }) => x.learnedAccuracy)).toEqual([acc[1], acc[2], acc[0]]);
    const flaggedByName = await run('disagreements', '--L', Lfile, '--model', reorderedFile, '--json');
    expect(flaggedByName.code).toBe(0);
    expect(JSON.parse(flaggedByName.out).flags.length).toBeGreaterThan(0);

    const other = createLabelModel('ds');
    other.fit(L.selectLFs(['z', 'y']));
    const otherFile = join(dir, 'other.json');
    writeJSONFile(otherFile, other.toJSON());
    const bad = await run('disagreements', '--L', Lfile, '--model', otherFile);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/other\.json was fitted on LFs \[.*\] but .*L\.arrow has \[.*\] \(only the matrix has x\)/);
    const missing = await run('analyze', '--L', Lfile, '--model', join(dir, 'none.json'));
    expect(missing.err).toMatch(/none\.json: no such file/);
  });

  it('fails with one clear line on a gold file of the wrong length or a missing column', async () => {
    const short = join(dir, 'short.csv');
    writeRows(short, [{ label: 'YES' }]);
    let r = await run('analyze', '--L', Lfile, '--gold', short, '--label-column', 'label');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `ballot: ${short}: has 1 rows but the label matrix has 6; the gold file must hold the rows the LFs were applied to, in the same order\n`,
    );
    r = await run('analyze', '--L', Lfile, '--gold', goldFile);
    expect(r.err).toMatch(/--gold needs --label-column/);
    r = await run('analyze', '--L', Lfile, '--gold', goldFile, '--label-column', 'nope');
    expect(r.err).toMatch(/no gold label column "nope"; columns are id, label, text/);
  });
});

describe('ballot disagreements', () => {
  it('writes flagged rows with the requested data columns to Arrow', async () => {
    const out = join(dir, 'flags.arrow');
    const r = await run(
      'disagreements',
      '--L',
      Lfile,
      '--gold',
      goldFile,
      '--label-column',
      'label',
      '--show',
      'id,text',
      '--top',
      '5',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/likely label errors .*: 2 found, showing 2/);
    expect(r.out).toMatch(/1 of 6 rows have no LF vote and were not judged/);
    const back = readRows(out);
    expect(back.columns).toEqual(['kind', 'rank', 'row', 'score', 'lf', 'given', 'predicted', 'p_NO', 'p_YES', 'votes', 'reason', 'id', 'text']);
    const errors = back.rows.filter((x) => x.kind === 'label-error');
    // Majority vote: r1 is YES 2–1 against given NO; r3 is NO 2–1 against given YES.
    expect(errors.map((x) => [x.row, x.id, x.given, x.predicted, x.votes])).toEqual([
      [1, 'c1', 'NO', 'YES', 'x=YES; y=YES; z=NO'],
      [3, 'c3', 'YES', 'NO', 'x=NO; y=NO; z=YES'],
    ]);
    expect(back.rows.filter((x) => x.kind === 'lf-conflict').map((x) => x.row)).toEqual([5, 1, 3]);
  });

  it('prints JSON with structured flags, and rejects label-error without gold', async () => {
    const r = await run('disagreements', '--L', Lfile, '--kinds', 'lf-mistake', '--json');
    const j = JSON.parse(r.out);
    expect(j.flags.map((f: { lf: string; row: number }) => [f.lf, f.row])).toEqual([
      ['z', 1],
      ['z', 3],
    ]);
    expect(j.flags[0].votes).toEqual({ x: 'YES', y: 'YES', z: 'NO' });
    const bad = await run('disagreements', '--L', Lfile, '--kinds', 'label-error');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/needs given labels: pass --gold <file> --label-column <column>/);
  });
});

describe('terminal colour', () => {
  it('colours only a TTY without NO_COLOR, and colour does not change alignment', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(useColour({ isTTY: true })).toBe(true);
      expect(useColour({ isTTY: false })).toBe(false);
      process.env.NO_COLOR = '1';
      expect(useColour({ isTTY: true })).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
    const rows = [
      ['a', 0.5],
      ['bbb', 1],
    ];
    const plain = formatTable(['name', 'value'], rows);
    const coloured = formatTable(['name', 'value'], rows, { colour: (i, j) => (i === 0 && j === 1 ? 'red' : undefined) });
    expect(coloured).toContain('\x1b[31m0.500\x1b[39m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });
});
