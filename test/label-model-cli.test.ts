import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { saveLabelMatrix } from '../src/data/label-matrix-io.js';
import { readRows } from '../src/data/read.js';
import { writeRows } from '../src/data/write.js';
import { loadLabelModel } from '../src/label-model/registry.js';
import { sampleGenerative } from './label-model-helpers.js';

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
    writeRows(join(dir, 'dev.csv'), Array.from(dev.y, (y, i) => ({ id: i, label: dev.L.labels[y] })));
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
    await main(['fit', '--model', 'auto', '--L', join(dir, 'L.arrow'), '--dev', join(dir, 'dev.csv'), '--dev-L', join(dir, 'devL.arrow'), '--label-column', 'label', '--out', join(dir, 'auto.json'), '--json']);
    expect(err.join('')).toBe('');
    const printed = JSON.parse(out.join(''));
    expect(printed.selection.scores.map((s: { model: string }) => s.model)).toEqual(['mv', 'wmv', 'triplet', 'ds', 'mc', 'mc+balance']);
    const saved = JSON.parse(readFileSync(join(dir, 'auto.json'), 'utf8'));
    expect(saved.model).toBe('auto');
    expect(printed.selection.chosen.split('+')[0]).toBe(saved.chosen.model);
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
