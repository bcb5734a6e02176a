import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protoPkg from 'onnx-proto';
import { onnxLabelingFunction, applyLFsAsync, applyLFs, applyFile, ABSTAIN, defineLabels, keywordLF, readRows } from '../src/index.js';
import { spamFeatures } from '../examples/onnx/features.js';
import { logisticRegressionONNX } from '../scripts/make-onnx-model.js';

const { onnx } = protoPkg;
const MODEL = fileURLToPath(new URL('../examples/onnx/spam-logreg.onnx', import.meta.url));
const EXAMPLE_LFS = fileURLToPath(new URL('../examples/onnx/lfs.ts', import.meta.url));
const SHAKIRA = fileURLToPath(new URL('../examples/spam/data/Youtube05-Shakira.csv', import.meta.url));
const labels = defineLabels(['HAM', 'SPAM'] as const);
type Comment = { CONTENT: string };

/** W (d×k, row-major) and b read back from the model file itself. */
function weightsOf(path: string): { W: Float32Array; b: Float32Array; d: number; k: number } {
  const model = onnx.ModelProto.decode(readFileSync(path));
  const get = (name: string) => {
    const t = model.graph!.initializer!.find((x) => x.name === name)!;
    const raw = t.rawData!;
    return { values: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), dims: t.dims!.map(Number) };
  };
  const W = get('W');
  return { W: W.values, b: get('b').values, d: W.dims[0], k: W.dims[1] };
}

function softmaxRow(x: Float32Array, W: Float32Array, b: Float32Array, d: number, k: number): number[] {
  const z = Array.from({ length: k }, (_, c) => b[c] + Array.from(x).reduce((s, v, f) => s + v * W[f * k + c], 0));
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballot-onnx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('onnxLabelingFunction', () => {
  it('votes as its model says, row by row', async () => {
    const rows = readRows(SHAKIRA).rows as Comment[];
    const { W, b, d, k } = weightsOf(MODEL);
    expect([d, k]).toEqual([6, 2]);
    const lf = onnxLabelingFunction({
      name: 'logreg',
      model: MODEL,
      runSize: 64,
      features: (r: Comment) => spamFeatures(r.CONTENT),
      vote: (p) => (p[1] >= 0.7 ? 'SPAM' : p[0] >= 0.7 ? 'HAM' : ABSTAIN),
    });
    const L = await applyLFsAsync(rows, [lf], labels, { batchSize: 100, progress: false });
    let checked = 0;
    const seen = new Set<number>();
    rows.forEach((r, i) => {
      const p = softmaxRow(spamFeatures(r.CONTENT), W, b, d, k);
      if (Math.abs(p[1] - 0.7) < 1e-4 || Math.abs(p[0] - 0.7) < 1e-4) return; // float32 vs float64 at the threshold
      const expected = p[1] >= 0.7 ? 1 : p[0] >= 0.7 ? 0 : -1;
      expect(L.get(i, 0), `row ${i}: p = ${p}`).toBe(expected);
      seen.add(expected);
      checked++;
    });
    expect(checked).toBeGreaterThan(360);
    expect(seen).toEqual(new Set([-1, 0, 1])); // the model votes both classes and abstains on some rows

    // And it is a useful LF on held-out data: accurate where it votes.
    let right = 0;
    let voted = 0;
    rows.forEach((r, i) => {
      const v = L.get(i, 0);
      if (v < 0) return;
      voted++;
      if (String(v) === String((r as unknown as { CLASS: string }).CLASS)) right++;
    });
    expect(right / voted).toBeGreaterThan(0.85);
  });

  it('runs a model written by the generator script exactly (softmax of X·W + b)', async () => {
    const W = Float32Array.of(1, -1, 0.5, 2, -3, 0);
    const b = Float32Array.of(0.25, -0.25);
    const path = join(dir, 'tiny.onnx');
    writeFileSync(path, logisticRegressionONNX(W, b, 3, 2));
    const xs = [Float32Array.of(0, 0, 0), Float32Array.of(1, 2, 3), Float32Array.of(-1, 0.5, 0.25)];
    const scores: number[][] = [];
    const lf = onnxLabelingFunction({
      name: 'tiny',
      model: path,
      features: (r: { i: number }) => xs[r.i],
      vote: (p) => {
        scores.push(Array.from(p));
        return ABSTAIN;
      },
    });
    await applyLFsAsync([{ i: 0 }, { i: 1 }, { i: 2 }], [lf], labels, { progress: false });
    scores.forEach((s, i) => {
      const want = softmaxRow(xs[i], W, b, 3, 2);
      expect(s[0]).toBeCloseTo(want[0], 5);
      expect(s[1]).toBeCloseTo(want[1], 5);
    });
  });

  it('reports rows whose features fail, and refuses the sync applier', async () => {
    const lf = onnxLabelingFunction({
      name: 'logreg',
      model: MODEL,
      features: (r: Comment) => {
        if (r.CONTENT === 'bad') throw new Error('no text');
        return spamFeatures(r.CONTENT);
      },
      vote: (p) => (p[1] > 0.5 ? 'SPAM' : 'HAM'),
    });
    const rows = [{ CONTENT: 'check out my channel http://x.com' }, { CONTENT: 'bad' }, { CONTENT: 'love this song' }];
    const L = await applyLFsAsync(rows, [lf, keywordLF({ name: 'kw', keywords: ['song'], label: 'HAM', field: 'CONTENT' })], labels, {
      onError: 'abstain',
      progress: false,
    });
    expect(L.toRows()).toEqual([
      [1, -1],
      [-1, -1],
      [0, 0],
    ]);
    expect(Array.from(L.errorCounts)).toEqual([1, 0]);
    await expect(applyLFsAsync(rows, [lf], labels, { progress: false })).rejects.toThrow('labeling function "logreg" failed on row 1: no text');
    expect(() => applyLFs(rows, [lf], labels)).toThrow(/votes in batches .* applyLFsAsync/);
    expect(() => onnxLabelingFunction({ name: 'x', model: join(dir, 'missing.onnx'), features: () => [], vote: () => ABSTAIN })).toThrow(
      /model file not found/,
    );
  });

  it('applies from LF files through ballot apply, on workers too, with the same result', async () => {
    const common = { data: SHAKIRA, lfs: [EXAMPLE_LFS], batchSize: 100, progress: false, cache: false };
    const serial = await applyFile({ ...common, out: join(dir, 's.arrow'), workers: 1, returnMatrix: true });
    const parallel = await applyFile({ ...common, out: join(dir, 'p.arrow'), workers: 2, applyWhileWorkersStart: false });
    expect(parallel.workers).toBe(2);
    expect(parallel.workerBatches).toBe(4);
    expect(serial.lfs.map((l) => l.name)).toEqual(['onnx_logreg']);
    expect(Buffer.compare(readFileSync(join(dir, 's.arrow')), readFileSync(join(dir, 'p.arrow')))).toBe(0);
    expect(serial.matrix!.column(0).some((v) => v === 1)).toBe(true);
  });
});
