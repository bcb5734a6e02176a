import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows } from '../src/index.js';

// The README walkthrough end to end through the real binary (node bin/ballot.mjs), in a temp dir, on the Shakira
// comments of examples/spam/data with the example LFs: apply → fit → analyze → disagreements → predict → sample.
const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'ballot.mjs');
const LFS = join(REPO, 'examples', 'spam', 'lfs.ts');
const RECIPE = join(REPO, 'examples', 'spam', 'recipe.json');
const dir = mkdtempSync(join(tmpdir(), 'ballot-e2e-'));
mkdirSync(join(dir, 'data'));
copyFileSync(join(REPO, 'examples', 'spam', 'data', 'Youtube05-Shakira.csv'), join(dir, 'data', 'comments.csv'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ballot(...args: string[]): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

function ok(...args: string[]): string {
  const r = ballot(...args);
  expect(r.err, `ballot ${args.join(' ')}`).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

const gold = ['--gold', 'data/comments.csv', '--label-column', 'CLASS'];

describe('the README walkthrough on the spam example', () => {
  it('apply → fit → analyze → disagreements → predict → sample', () => {
    // apply: 370 comments × the 12 example LFs; a second run comes from the per-LF cache, byte for byte.
    let out = ok('apply', '--data', 'data/comments.csv', '--lfs', LFS, '--out', 'out/L.arrow', '--workers', '1');
    expect(out).toMatch(/^370 rows × 12 LFs → .*out\/L\.arrow in [\d.]+ s \(in one thread\)\napplied all 12 LFs \(new\)\n/);
    const L1 = readFileSync(join(dir, 'out', 'L.arrow'));
    out = ok('apply', '--data', 'data/comments.csv', '--lfs', LFS, '--out', 'out/L.arrow', '--workers', '1');
    expect(out).toMatch(/\(all from the cache\)\napplied 0, cached 12\n/);
    expect(readFileSync(join(dir, 'out', 'L.arrow')).equals(L1)).toBe(true);

    // fit: no labels needed; the model file records its LFs and classes.
    out = ok('fit', '--model', 'mc', '--L', 'out/L.arrow', '--out', 'out/model.json');
    expect(out).toMatch(/^mc fitted on 370 rows × 12 LFs × 2 classes in [\d.]+ s → out\/model\.json\n/);
    const model = JSON.parse(readFileSync(join(dir, 'out', 'model.json'), 'utf8'));
    expect(model).toMatchObject({ model: 'mc', labels: ['HAM', 'SPAM'] });
    expect(model.lfNames).toHaveLength(12);

    // analyze: Snorkel's lf_summary columns with gold and learned accuracies, also written as CSV.
    out = ok('analyze', '--L', 'out/L.arrow', '--model', 'out/model.json', ...gold, '--out', 'out/summary.csv');
    expect(out).toMatch(/^out\/L\.arrow: 370 rows × 12 LFs × 2 classes \(HAM, SPAM\)\n/);
    expect(out).toMatch(/\nlf +polarity +coverage +overlaps +conflicts +correct +incorrect +emp_acc +learned_acc +errors\n/);
    const summary = readRows(join(dir, 'out', 'summary.csv')).rows;
    expect(summary.map((r) => r.lf)).toEqual(model.lfNames);
    const subscribe = summary.find((r) => r.lf === 'keyword_subscribe')!;
    expect(subscribe.polarity).toBe('SPAM');
    expect(Number(subscribe.empirical_accuracy)).toBe(1); // 40 of 40 "subscribe" comments are spam

    // disagreements: ranked label-error flags with a reason, as CSV.
    out = ok('disagreements', '--L', 'out/L.arrow', '--model', 'out/model.json', ...gold, '--top', '5', '--out', 'out/flags.csv');
    expect(out).toMatch(/likely label errors \(the model confidently contradicts the given label\): \d+ found, showing [1-5]\n/);
    const flags = readRows(join(dir, 'out', 'flags.csv'));
    expect(flags.columns.slice(0, 4)).toEqual(['kind', 'rank', 'row', 'score']);
    const labelErrors = flags.rows.filter((r) => r.kind === 'label-error');
    expect(labelErrors.length).toBeGreaterThan(0);
    expect(labelErrors.every((r) => r.given !== r.predicted && /^given (HAM|SPAM), but the model says/.test(String(r.reason)))).toBe(true);

    // predict: one row per comment, probabilities summing to 1; the labels agree with CLASS on most comments.
    out = ok('predict', '--model', 'out/model.json', '--L', 'out/L.arrow', '--out', 'out/probs.csv', '--tie-policy', 'random', '--seed', '1');
    expect(out).toMatch(/^mc: 370 rows → out\/probs\.csv in [\d.]+ s\n/);
    const probs = readRows(join(dir, 'out', 'probs.csv'));
    expect(probs.columns).toEqual(['row', 'label', 'label_index', 'p_HAM', 'p_SPAM']);
    expect(probs.rows).toHaveLength(370);
    const comments = readRows(join(dir, 'data', 'comments.csv')).rows;
    let right = 0;
    probs.rows.forEach((r, i) => {
      expect(Math.abs(Number(r.p_HAM) + Number(r.p_SPAM) - 1)).toBeLessThan(1e-9);
      if (Number(r.label_index) === Number(comments[i].CLASS)) right++;
    });
    expect(right / 370).toBeGreaterThan(0.85); // measured 0.89 (the demo reports 91.6% for mc on its 250 test rows)

    // sample: the example recipe (its parts use the end model) at a smaller budget; the same seed writes the same bytes.
    ok(
      'train',
      '--data',
      'data/comments.csv',
      '--L',
      'out/L.arrow',
      '--model',
      'out/model.json',
      '--text-column',
      'CONTENT',
      '--out',
      'out/end.json',
    );
    // disagreements --end-model: the gold file read once serves as the data (featurized, --show columns); a separate
    // --data file with the same rows gives the same flags and shown columns.
    const judge = ['disagreements', '--L', 'out/L.arrow', '--model', 'out/model.json', ...gold, '--end-model', 'out/end.json'];
    const byGold = JSON.parse(ok(...judge, '--show', 'CONTENT', '--kinds', 'label-error', '--top', '5', '--json'));
    copyFileSync(join(dir, 'data', 'comments.csv'), join(dir, 'data', 'copy.csv'));
    const byData = JSON.parse(ok(...judge, '--data', 'data/copy.csv', '--show', 'CONTENT', '--kinds', 'label-error', '--top', '5', '--json'));
    expect(byGold.flags.length).toBeGreaterThan(0);
    expect(byGold.flags.every((f: { data: { CONTENT: string } }) => typeof f.data.CONTENT === 'string')).toBe(true);
    expect(byData.flags).toEqual(byGold.flags);

    const sample = [
      'sample',
      '--recipe',
      RECIPE,
      '--L',
      'out/L.arrow',
      '--model',
      'out/model.json',
      '--data',
      'data/comments.csv',
      '--end-model',
      'out/end.json',
      '--budget',
      '100',
    ];
    out = ok(...sample, '--out', 'out/next.csv');
    expect(out).toMatch(/^selected 100 of budget 100 \(seed 7\) from 370 rows; dedupe on CONTENT/);
    expect(out).toMatch(/→ out\/next\.csv \(mc, [\d.]+ s\)\n$/);
    const next = readRows(join(dir, 'out', 'next.csv'));
    expect(next.rows).toHaveLength(100);
    expect(next.columns).toEqual([
      'COMMENT_ID',
      'AUTHOR',
      'DATE',
      'CONTENT',
      'CLASS',
      '_row',
      '_part',
      '_label',
      '_prob_HAM',
      '_prob_SPAM',
      '_votes',
    ]);
    expect(new Set(next.rows.map((r) => r._row)).size).toBe(100);
    ok(...sample, '--out', 'out/again.csv');
    expect(readFileSync(join(dir, 'out', 'again.csv')).equals(readFileSync(join(dir, 'out', 'next.csv')))).toBe(true);

    // report: the page with the end model's view (its class balance and flags) beside the label model's.
    out = ok(
      'report',
      '--L',
      'out/L.arrow',
      '--model',
      'out/model.json',
      '--end-model',
      'out/end.json',
      '--data',
      'data/comments.csv',
      '--text-column',
      'CONTENT',
      ...gold,
      '--sample',
      'out/next.csv',
      '--json',
      '--out',
      'out/report.html',
    );
    const page = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(JSON.parse(out).rows).toBe(370);
    expect(page).toContain('"endModel":true');

    // score: the end model on the same gold labels (in-sample here: it was trained on these rows' weak labels).
    const scored = JSON.parse(ok('score', '--end-model', 'out/end.json', '--data', 'data/comments.csv', ...gold, '--json'));
    expect(scored.model).toBe('end model');
    expect(scored.accuracy).toBeGreaterThan(0.85);
  });
});
