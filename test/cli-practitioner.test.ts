// The practitioner's CLI (issue 11): score, export, input options, Parquet, --version, stdin/stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreSummary, saveLabelMatrix, readRowBatches, writeRows, LabelMatrix, createRng } from '../src/index.js';
import { readParquetRows, METRICS, scorePredictions } from '../src/internal.js';
import { runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ballot-practitioner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (f: string) => join(dir, f);

//   x   y   z      gold   majority vote (ties abstain)
const votes = [
  [1, 1, -1], //    YES    YES
  [1, 1, 0], //     NO     YES
  [0, -1, -1], //   NO     NO
  [0, 0, 1], //     YES    NO
  [-1, -1, -1], //  YES    abstain (no votes)
  [1, -1, 0], //    NO     abstain (tie)
];
const L = LabelMatrix.fromRows(votes, ['NO', 'YES'], ['x', 'y', 'z']);
saveLabelMatrix(p('L.arrow'), L);
const gold = ['YES', 'NO', 'NO', 'YES', 'YES', 'NO'];
writeRows(
  p('gold.csv'),
  gold.map((label, i) => ({ id: `c${i}`, label, text: `row ${i}` })),
);

describe('ballot score', () => {
  it('prints accuracy, F1, per-class precision/recall, coverage and the confusion matrix (hand-computed)', async () => {
    const r = await runCli('score', '--model', 'mv', '--L', p('L.arrow'), '--gold', p('gold.csv'), '--label-column', 'label', '--json');
    expect(r.err).toBe('');
    const s = JSON.parse(r.out);
    expect(s.scored).toBe(6);
    expect(s.accuracy).toBeCloseTo(2 / 6, 12);
    expect(s.coverage).toBeCloseTo(4 / 6, 12);
    expect(s.accuracyCovered).toBeCloseTo(2 / 4, 12);
    // gold NO: r1 → YES, r2 → NO, r5 → abstain; gold YES: r3 → NO, r0 → YES, r4 → abstain.
    expect(s.confusion).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(s.perClass.map((c: { precision: number; recall: number; f1: number }) => [c.precision, c.recall, c.f1])).toEqual([
      [0.5, 1 / 3, 0.4],
      [0.5, 1 / 3, 0.4],
    ]);
    expect([s.f1, s.f1Macro]).toEqual([0.4, 0.4]);
    const text = await runCli('score', '--model', 'mv', '--L', p('L.arrow'), '--gold', p('gold.csv'), '--label-column', 'label', '--metric', 'f1');
    expect(text.out).toMatch(/^f1 40\.0%; coverage 66\.7% \(accuracy where covered 50\.0%\)$/m);
    expect(text.out).toMatch(/gold \\ predicted\s+NO\s+YES\s+abstain/);
    expect(text.out).not.toMatch(/\x1b\[/); // not a TTY: no colour
  });

  it('agrees with scorePredictions (the metric label models are chosen by) on random predictions', () => {
    const rng = createRng(7);
    for (const k of [2, 3, 5]) {
      const n = 500;
      const g = Int32Array.from({ length: n }, () => (rng.next() < 0.1 ? -1 : Math.floor(rng.next() * k)));
      const pr = Int32Array.from({ length: n }, () => (rng.next() < 0.15 ? -1 : Math.floor(rng.next() * k)));
      const s = scoreSummary(
        g,
        pr,
        Array.from({ length: k }, (_, c) => `c${c}`),
      );
      expect(s.accuracy).toBeCloseTo(scorePredictions(g, pr, k, 'accuracy'), 12);
      expect(s.f1Macro).toBeCloseTo(scorePredictions(g, pr, k, 'f1_macro'), 12);
      if (k === 2) expect(s.f1).toBeCloseTo(scorePredictions(g, pr, k, 'f1'), 12);
      expect(Object.keys(s.metrics)).toEqual([...METRICS]);
    }
  });

  it('bad input: one line naming the file or option, exit 1', async () => {
    const bad = await runCli('score', '--model', 'mv', '--L', p('L.arrow'), '--gold', p('gold.csv'), '--label-column', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/gold\.csv/);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const metric = await runCli('score', '--model', 'mv', '--L', p('L.arrow'), '--gold', p('gold.csv'), '--label-column', 'label', '--metric', 'auc');
    expect(metric.err).toMatch(/unknown metric "auc"/);
    const usage = await runCli('score', '--L', p('L.arrow'));
    expect(usage.code).toBe(2);
  });
});

describe('scoreAgainstGold (for predict --gold)', () => {
  it('is the score summary on the gold file, and needs both options', async () => {
    const { scoreAgainstGold } = await import('../src/cli/inputs.js');
    const preds = Int32Array.from([1, 1, 0, 0, -1, -1]);
    expect(await scoreAgainstGold(L, preds, {})).toBeUndefined();
    expect(await scoreAgainstGold(L, preds, { gold: p('gold.csv'), 'label-column': 'label' })).toEqual(
      scoreSummary(Int32Array.from([1, 0, 0, 1, 1, 0]), preds, ['NO', 'YES']),
    );
    await expect(scoreAgainstGold(L, preds, { gold: p('gold.csv') })).rejects.toThrow(/--gold needs --label-column/);
  });
});

describe('input options on commands that read rows', () => {
  it('--quote none reads a TSV with stray quotes; without it the quote is an error naming the file', async () => {
    writeFileSync(p('gold.tsv'), `id\tlabel\ttext\n${gold.map((g, i) => `c${i}\t${g}\tsays "hi${i % 2 ? '"' : ''}`).join('\n')}\n`);
    const strict = await runCli('score', '--model', 'mv', '--L', p('L.arrow'), '--gold', p('gold.tsv'), '--label-column', 'label');
    expect(strict.code).toBe(1);
    expect(strict.err).toMatch(/gold\.tsv/);
    const r = await runCli(
      'score',
      '--model',
      'mv',
      '--L',
      p('L.arrow'),
      '--gold',
      p('gold.tsv'),
      '--label-column',
      'label',
      '--quote',
      'none',
      '--json',
    );
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).accuracy).toBeCloseTo(2 / 6, 12);
  });

  it('--no-header with --columns, and --delimiter', async () => {
    writeFileSync(p('nohead.txt'), gold.map((g, i) => `c${i};${g}`).join('\n'));
    const r = await runCli(
      'score',
      '--model',
      'mv',
      '--L',
      p('L.arrow'),
      '--gold',
      p('nohead.txt'),
      '--format',
      'csv',
      '--delimiter',
      ';',
      '--no-header',
      '--columns',
      'id,label',
      '--label-column',
      'label',
      '--json',
    );
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).scored).toBe(6);
    // Without names, columns are column1…N: a named column that does not exist is an error naming the file.
    const miss = await runCli(
      'score',
      '--model',
      'mv',
      '--L',
      p('L.arrow'),
      '--gold',
      p('nohead.txt'),
      '--format',
      'csv',
      '--delimiter',
      ';',
      '--no-header',
      '--label-column',
      'label',
    );
    expect(miss.code).toBe(1);
    expect(miss.err).toMatch(/nohead\.txt/);
    expect(miss.err).toMatch(/label/);
    const auto = await runCli(
      'score',
      '--model',
      'mv',
      '--L',
      p('L.arrow'),
      '--gold',
      p('nohead.txt'),
      '--format',
      'csv',
      '--delimiter',
      ';',
      '--no-header',
      '--label-column',
      'column2',
      '--json',
    );
    expect(JSON.parse(auto.out).scored).toBe(6);
  });

  it('rejects an unknown format, a two-character delimiter, and a column count that does not match', async () => {
    const base = ['score', '--model', 'mv', '--L', p('L.arrow'), '--gold', p('gold.csv'), '--label-column', 'label'];
    const fmt = await runCli(...base, '--format', 'xlsx');
    expect([fmt.code, fmt.err.trim()]).toEqual([1, 'ballot: --format must be one of csv, tsv, jsonl, arrow, parquet, got "xlsx"']);
    const delim = await runCli(...base, '--delimiter', '::');
    expect(delim.err.trim()).toBe('ballot: --delimiter must be one character, got "::"');
    const cols = await runCli(...base, '--columns', 'a,b');
    expect(cols.code).toBe(1);
    expect(cols.err).toMatch(/gold\.csv.*2 column names given, but the header has 3 columns/);
  });

  it('reads a row file from stdin (-)', () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'ballot.mjs');
    const r = spawnSync(process.execPath, [bin, 'score', '--model', 'mv', '--L', p('L.arrow'), '--gold', '-', '--label-column', 'label', '--json'], {
      input: readFileSync(p('gold.csv')),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).scored).toBe(6);
  });
});

describe('Parquet', () => {
  it('rows written as Parquet read back in batches with their types', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: i, text: `comment ${i}`, score: i / 4, flag: i % 3 === 0 }));
    writeRows(p('rows.parquet'), rows);
    const back = [];
    for await (const b of readRowBatches(p('rows.parquet'), { batchSize: 10 })) {
      expect(b.columns).toEqual(['id', 'text', 'score', 'flag']);
      back.push(...b.rows);
    }
    expect(back).toEqual(rows);
  });

  it('a Parquet file cut short is one error naming the file', async () => {
    writeRows(p('cut.parquet'), [{ a: 1 }, { a: 2 }]);
    truncateSync(p('cut.parquet'), statSync(p('cut.parquet')).size - 3);
    await expect(readParquetRows(p('cut.parquet'))).rejects.toThrow(/cut\.parquet.*not a complete Parquet file/);
  });
});

describe('ballot export', () => {
  it('.npy: NumPy format v1.0, int8, shape (n, m), the votes in row order', async () => {
    const r = await runCli('export', '--L', p('L.arrow'), '--out', p('L.npy'));
    expect(r.out).toMatch(/6 rows × 3 LFs/);
    const b = readFileSync(p('L.npy'));
    expect([...b.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = b.readUInt16LE(8);
    expect((10 + hlen) % 64).toBe(0);
    const header = b.toString('latin1', 10, 10 + hlen);
    expect(header).toMatch(/^\{'descr': '\|i1', 'fortran_order': False, 'shape': \(6, 3\), \} *\n$/);
    expect([...new Int8Array(b.buffer, b.byteOffset + 10 + hlen, 18)]).toEqual(votes.flat());
  });

  it('.csv (class names) to a file or stdout, .parquet (indices) that reads back', async () => {
    const out = await runCli('export', '--L', p('L.arrow'), '--out', '-');
    expect(out.out).toBe('x,y,z\nYES,YES,\nYES,YES,NO\nNO,,\nNO,NO,YES\n,,\nYES,,NO\n');
    await runCli('export', '--L', p('L.arrow'), '--out', p('L.parquet'));
    const back = await readParquetRows(p('L.parquet'));
    expect(back.columns).toEqual(['x', 'y', 'z']);
    expect(back.rows.map((r) => [r.x, r.y, r.z])).toEqual(votes);
  });

  it('an unknown extension is one error naming the file; nothing written', async () => {
    const r = await runCli('export', '--L', p('L.arrow'), '--out', p('L.xlsx'));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/L\.xlsx.*cannot export a label matrix as "xlsx"; use \.csv, \.npy, \.parquet/);
    expect(existsSync(p('L.xlsx'))).toBe(false);
  });
});

describe('--out - (stdout)', () => {
  it("a table goes to stdout as CSV, the command's report to stderr", async () => {
    const r = await runCli('analyze', '--L', p('L.arrow'), '--out', '-');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('lf,polarity,coverage,overlaps,conflicts,errors');
    expect(r.out.trim().split('\n')).toHaveLength(4);
    expect(r.err).toMatch(/coverage/);
  });
});

describe('--version and exit codes', () => {
  it('--version prints the package version; an unknown command exits 2', async () => {
    const v = await runCli('--version');
    expect(v.out.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version);
    const u = await runCli('frobnicate');
    expect(u.code).toBe(2);
  });
});
