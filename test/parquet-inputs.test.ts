// Every command that reads whole row files (--gold, --data, --dev, --sample, --reference-data) reads Parquet through
// the asynchronous reader: each kind of command gives the same result on a Parquet copy of its CSV input, and a
// Parquet file cut short is one line naming the file, with nothing written.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows, readRowsAsync, writeRows } from '../src/internal.js';
import { runCli } from './cli-helpers.js';

const REPO = join(import.meta.dirname, '..');
const LFS = join(REPO, 'examples', 'spam', 'lfs.ts');
let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

async function ok(...args: string[]): Promise<string> {
  const r = await runCli(...args);
  expect(r.err, args.join(' ')).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

/** Runs a command on the CSV and on the Parquet copies (`{X}`, `{S}` in args); outputs match, paths and timings aside. */
async function same(...args: string[]): Promise<string> {
  const fill = (ext: string, out: string) => (a: string) =>
    a
      .replaceAll('{X}', p(`comments.${ext}`))
      .replaceAll('{S}', p(`next.${ext}`))
      .replaceAll('{OUT}', p(out));
  const csv = await ok(...args.map(fill('csv', 'out-csv')));
  const pq = await ok(...args.map(fill('parquet', 'out-pq')));
  const asCsv = (s: string) =>
    s
      .replaceAll(p('comments.parquet'), p('comments.csv'))
      .replaceAll(p('next.parquet'), p('next.csv'))
      .replaceAll(p('out-pq'), p('out-csv'))
      .replace(/"seconds": [\d.e-]+/g, '"seconds": 0')
      .replace(/"bytes": \d+/g, '"bytes": 0'); // the report page names its input files
  expect(asCsv(pq), args[0]).toBe(asCsv(csv));
  return csv;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ballot-parquet-in-'));
  mkdirSync(p('out-csv'));
  mkdirSync(p('out-pq'));
  copyFileSync(join(REPO, 'examples', 'spam', 'data', 'Youtube05-Shakira.csv'), p('comments.csv'));
  writeFileSync(
    p('recipe.json'),
    JSON.stringify({ budget: 60, seed: 3, parts: [{ random: 0.5 }, { uncertainty: 0.5 }], dedupe: { threshold: 0.9 } }),
  );
  writeRows(p('comments.parquet'), readRows(p('comments.csv')).rows);
  await ok('apply', '--data', p('comments.csv'), '--lfs', LFS, '--out', p('L.arrow'), '--workers', '1', '--no-cache');
  await ok('fit', '--model', 'mc', '--L', p('L.arrow'), '--out', p('model.json'), '--seed', '1');
  await ok('train', '--data', p('comments.csv'), '--L', p('L.arrow'), '--model', p('model.json'), '--text-column', 'CONTENT', '--out', p('end.json'));
  await ok(
    'sample',
    '--recipe',
    p('recipe.json'),
    '--L',
    p('L.arrow'),
    '--model',
    p('model.json'),
    '--data',
    p('comments.csv'),
    '--out',
    p('next.csv'),
  );
  writeRows(p('next.parquet'), readRows(p('next.csv')).rows);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Parquet row files in every command that reads rows', () => {
  it('readRowsAsync reads Parquet as readRows reads the CSV; readRows names the asynchronous reader', async () => {
    const [csv, pq] = [readRows(p('comments.csv')), await readRowsAsync(p('comments.parquet'))];
    expect(pq.rows).toEqual(csv.rows);
    expect(pq.columns).toEqual(csv.columns);
    expect(() => readRows(p('comments.parquet'))).toThrow(/comments\.parquet.*readRowsAsync/);
  });

  it('analysis: analyze --gold, disagreements --gold --data --show', async () => {
    const gold = ['--gold', '{X}', '--label-column', 'CLASS'];
    expect(JSON.parse(await same('analyze', '--L', p('L.arrow'), ...gold, '--json')).lfs[0]).toHaveProperty('empiricalAccuracy');
    await same('disagreements', '--L', p('L.arrow'), '--model', p('model.json'), ...gold, '--data', '{X}', '--show', 'CONTENT', '--json');
  });

  it('scoring: score (label model and end model), predict --gold, predict --end-model --data', async () => {
    const gold = ['--gold', '{X}', '--label-column', 'CLASS'];
    expect(JSON.parse(await same('score', '--model', p('model.json'), '--L', p('L.arrow'), ...gold, '--json')).scored).toBe(370);
    await same('score', '--end-model', p('end.json'), '--data', '{X}', ...gold, '--json');
    await same('predict', '--model', p('model.json'), '--L', p('L.arrow'), ...gold, '--out', '{OUT}/probs.csv', '--json');
    await same('predict', '--end-model', p('end.json'), '--data', '{X}', '--out', '{OUT}/end-probs.csv', '--json');
    expect(readFileSync(p('out-pq', 'end-probs.csv'), 'utf8')).toBe(readFileSync(p('out-csv', 'end-probs.csv'), 'utf8'));
  });

  it('training: fit --dev, train --data --gold', async () => {
    await same(
      'fit',
      '--model',
      'auto',
      '--L',
      p('L.arrow'),
      '--dev',
      '{X}',
      '--label-column',
      'CLASS',
      '--out',
      '{OUT}/auto.json',
      '--seed',
      '1',
      '--json',
    );
    const args = ['--L', p('L.arrow'), '--model', p('model.json'), '--text-column', 'CONTENT', '--gold', '{X}', '--label-column', 'CLASS'];
    await same('train', '--data', '{X}', ...args, '--out', '{OUT}/end.json', '--json');
    // The same model, but for how long training took.
    const model = (f: string) => ({
      ...JSON.parse(readFileSync(f, 'utf8')),
      training: { ...JSON.parse(readFileSync(f, 'utf8')).training, seconds: 0 },
    });
    expect(model(p('out-pq', 'end.json'))).toEqual(model(p('out-csv', 'end.json')));
  });

  it('sampling, slices, drift and the report: --data, --reference-data, --gold, --sample', async () => {
    const recipe = p('recipe.json');
    await same(
      'sample',
      '--recipe',
      recipe,
      '--L',
      p('L.arrow'),
      '--model',
      p('model.json'),
      '--data',
      '{X}',
      '--text-column',
      'CONTENT',
      '--out',
      '{OUT}/next.csv',
      '--json',
    );
    expect(readFileSync(p('out-pq', 'next.csv'), 'utf8')).toBe(readFileSync(p('out-csv', 'next.csv'), 'utf8'));
    await same('slices', '--L', p('L.arrow'), '--data', '{X}', '--by', 'length:CONTENT', '--gold', '{X}', '--label-column', 'CLASS', '--json');
    await same('drift', '--L', p('L.arrow'), '--L', p('L.arrow'), '--data', p('comments.csv'), '--data', '{X}', '--text-column', 'CONTENT', '--json');
    const report = await same(
      'report',
      '--L',
      p('L.arrow'),
      '--data',
      '{X}',
      '--text-column',
      'CONTENT',
      '--sample',
      '{S}',
      '--out',
      '{OUT}/r.html',
      '--json',
    );
    expect(JSON.parse(report)).toHaveProperty('out');
    // The drift sampler reads the old training set's rows (--reference-data).
    writeFileSync(p('drift.json'), JSON.stringify({ budget: 30, seed: 1, parts: [{ drift: 1, textColumn: 'CONTENT' }] }));
    const ref = ['--reference-L', p('L.arrow'), '--reference-data', '{X}'];
    await same('sample', '--recipe', p('drift.json'), '--L', p('L.arrow'), '--data', p('comments.csv'), ...ref, '--out', '{OUT}/drift.csv', '--json');
  });

  it('a Parquet file cut short: one line naming the file, nothing written', async () => {
    copyFileSync(p('comments.parquet'), p('cut.parquet'));
    truncateSync(p('cut.parquet'), statSync(p('cut.parquet')).size - 10);
    const cases: [string[], string | undefined][] = [
      [['analyze', '--L', p('L.arrow'), '--gold', p('cut.parquet'), '--label-column', 'CLASS', '--out', p('cut-summary.csv')], p('cut-summary.csv')],
      [['score', '--model', p('model.json'), '--L', p('L.arrow'), '--gold', p('cut.parquet'), '--label-column', 'CLASS'], undefined],
      [['predict', '--end-model', p('end.json'), '--data', p('cut.parquet'), '--out', p('cut-probs.csv')], p('cut-probs.csv')],
      [
        [
          'train',
          '--data',
          p('cut.parquet'),
          '--L',
          p('L.arrow'),
          '--model',
          p('model.json'),
          '--text-column',
          'CONTENT',
          '--out',
          p('cut-end.json'),
        ],
        p('cut-end.json'),
      ],
      [['fit', '--L', p('L.arrow'), '--dev', p('cut.parquet'), '--label-column', 'CLASS', '--out', p('cut-model.json')], p('cut-model.json')],
      [['sample', '--recipe', p('recipe.json'), '--L', p('L.arrow'), '--data', p('cut.parquet'), '--out', p('cut-next.csv')], p('cut-next.csv')],
    ];
    for (const [args, out] of cases) {
      const r = await runCli(...args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err).toMatch(/^ballot: [^\n]*cut\.parquet[^\n]*not a complete Parquet file[^\n]*\n$/);
      if (out) expect(existsSync(out), out).toBe(false);
    }
  });
});
