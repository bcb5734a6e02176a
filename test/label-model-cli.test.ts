import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { saveLabelMatrix, readRows, writeRows, probsToPreds, loadLabelModel } from '../src/internal.js';
import { sampleByClass, sampleGenerative } from './label-model-helpers.js';

const accuracy = [0.9, 0.85, 0.8, 0.7, 0.6];
const propensity = [0.4, 0.5, 0.5, 0.6, 0.6];

describe('ballot fit / predict', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ballot-fit-'));
    const train = sampleGenerative({ n: 1500, accuracy, propensity, classBalance: [0.5, 0.5], seed: 31 });
    const dev = sampleGenerative({ n: 300, accuracy, propensity, classBalance: [0.5, 0.5], seed: 32 });
    saveLabelMatrix(join(dir, 'L.arrow'), train.L);
    saveLabelMatrix(join(dir, 'devL.arrow'), dev.L);
    writeRows(
      join(dir, 'dev.csv'),
      Array.from(dev.y, (y, i) => ({ id: i, label: dev.L.labels[y] })),
    );
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    process.exitCode = undefined;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('fits a model, then writes per-class probabilities and labels that match the library', async () => {
    await main(['fit', '--model', 'ds', '--L', join(dir, 'L.arrow'), '--out', join(dir, 'model.json')]);
    expect(err.join('')).toBe('');
    expect(out.join('')).toMatch(/ds fitted on 1,500 rows × 5 LFs × 2 classes/);
    const model = loadLabelModel(readFileSync(join(dir, 'model.json'), 'utf8'));
    await main(['predict', '--model', join(dir, 'model.json'), '--L', join(dir, 'L.arrow'), '--out', join(dir, 'probs.csv')]);
    expect(process.exitCode ?? 0).toBe(0);
    const probs = readRows(join(dir, 'probs.csv'));
    expect(probs.columns).toEqual(['row', 'label', 'label_index', 'p_c0', 'p_c1']);
    expect(probs.rows).toHaveLength(1500);
    const { L } = sampleGenerative({ n: 1500, accuracy, propensity, classBalance: [0.5, 0.5], seed: 31 });
    const expected = model.predictProba(L);
    expect(Number(probs.rows[7].p_c1)).toBe(expected[15]);
  });

  it('with --dev, reports every model’s dev score and --model auto keeps the best', async () => {
    await main([
      'fit',
      '--model',
      'auto',
      '--L',
      join(dir, 'L.arrow'),
      '--dev',
      join(dir, 'dev.csv'),
      '--dev-L',
      join(dir, 'devL.arrow'),
      '--label-column',
      'label',
      '--out',
      join(dir, 'auto.json'),
      '--json',
    ]);
    expect(err.join('')).toBe('');
    const printed = JSON.parse(out.join(''));
    expect(printed.selection.scores.map((s: { model: string }) => s.model)).toEqual(['mv', 'wmv', 'triplet', 'ds', 'mc', 'mc+balance']);
    const saved = JSON.parse(readFileSync(join(dir, 'auto.json'), 'utf8'));
    expect(saved.model).toBe('auto');
    expect(printed.selection.chosen.split('+')[0]).toBe(saved.chosen.model);
  });

  it("predict --tie-policy snorkel breaks ties with Snorkel's sha1 pick", async () => {
    await main(['fit', '--model', 'mv', '--L', join(dir, 'L.arrow'), '--out', join(dir, 'mv.json')]);
    await main(['predict', '--model', join(dir, 'mv.json'), '--L', join(dir, 'L.arrow'), '--out', join(dir, 'mv.csv'), '--tie-policy', 'snorkel']);
    expect(err.join('')).toBe('');
    const rows = readRows(join(dir, 'mv.csv')).rows;
    const { L } = sampleGenerative({ n: 1500, accuracy, propensity, classBalance: [0.5, 0.5], seed: 31 });
    const expected = probsToPreds(loadLabelModel(readFileSync(join(dir, 'mv.json'), 'utf8')).predictProba(L), 2, 'snorkel');
    expect(rows.map((r) => Number(r.label_index))).toEqual(Array.from(expected));
    expect(rows.some((r) => Number(r.p_c0) === 0.5)).toBe(true);
    await main(['predict', '--model', join(dir, 'mv.json'), '--L', join(dir, 'L.arrow'), '--out', join(dir, 'x.csv'), '--tie-policy', 'coin']);
    expect(err.join('')).toMatch(/--tie-policy must be abstain, random, snorkel; got "coin"/);
  });

  it('fit --model auto --metric f1 keeps a dev-tuned threshold that predict applies', async () => {
    // Positive evidence is weak (negative LFs also fire on most positives): the F1-best rule on rows with votes is
    // not the most probable class.
    const spec = {
      voteRate: [
        [0.1, 0.6],
        [0.1, 0.5],
        [0.7, 0.5],
        [0.6, 0.5],
        [0.5, 0.4],
      ],
      rightRate: [
        [0, 1],
        [0, 1],
        [1, 0],
        [1, 0],
        [1, 0],
      ],
      classBalance: [0.8, 0.2],
    };
    const train = sampleByClass({ n: 3000, ...spec, seed: 71 });
    const dev = sampleByClass({ n: 600, ...spec, seed: 72 });
    saveLabelMatrix(join(dir, 'L2.arrow'), train.L);
    saveLabelMatrix(join(dir, 'devL2.arrow'), dev.L);
    writeRows(
      join(dir, 'dev2.csv'),
      Array.from(dev.y, (y, i) => ({ id: i, label: dev.L.labels[y] })),
    );
    await main([
      'fit',
      '--model',
      'auto',
      '--metric',
      'f1',
      '--L',
      join(dir, 'L2.arrow'),
      '--dev',
      join(dir, 'dev2.csv'),
      '--dev-L',
      join(dir, 'devL2.arrow'),
      '--label-column',
      'label',
      '--out',
      join(dir, 'auto2.json'),
    ]);
    expect(err.join('')).toBe('');
    expect(out.join('')).toMatch(/predict labels c1 iff P\(c1\) > 0\.\d+ \(binary F1 threshold tuned on dev\)/);
    const saved = JSON.parse(readFileSync(join(dir, 'auto2.json'), 'utf8'));
    expect(saved.threshold).toBeTypeOf('number');
    await main(['predict', '--model', join(dir, 'auto2.json'), '--L', join(dir, 'L2.arrow'), '--out', join(dir, 'auto2.csv')]);
    const rows = readRows(join(dir, 'auto2.csv')).rows;
    // The cut labels rows with votes; a row without votes keeps the class balance's label (here tied: abstain, -1).
    const p = saved.chosen.classBalance as number[];
    const prior = p[1] - p[0] > 1e-5 ? 1 : p[0] - p[1] > 1e-5 ? 0 : -1;
    const uncovered = train.L.voteCounts();
    expect(rows.map((r) => Number(r.label_index))).toEqual(
      rows.map((r, i) => (uncovered[i] === 0 ? prior : Number(r.p_c1) > saved.threshold ? 1 : 0)),
    );
  });

  it('errors are one line and exit non-zero', async () => {
    await main(['fit', '--model', 'auto', '--L', join(dir, 'L.arrow'), '--out', join(dir, 'x.json')]);
    expect(process.exitCode).toBe(1);
    expect(err.join('')).toMatch(/^ballot: --model auto needs --dev/);
    err.length = 0;
    await main(['fit', '--model', 'bogus', '--L', join(dir, 'L.arrow'), '--out', join(dir, 'x.json')]);
    expect(err.join('')).toMatch(/unknown label model "bogus"/);
  });
});
