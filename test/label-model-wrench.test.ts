import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabelMatrix, MajorityVote, MatrixCompletionModel } from '../src/index.js';
import { listWrenchSets, loadWrenchSplit, topLevelKeys, expectedScore } from '../src/internal.js';
import { haveSharedData, SHARED_DATA } from './shared-data.js';

function wrenchDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ballot-wrench-'));
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return dir;
}

const labelJSON = { 0: 'ham', 1: 'spam' };

describe('WRENCH loader', () => {
  it('reads weak labels, gold labels, texts and class names', () => {
    const dir = wrenchDir({
      'label.json': labelJSON,
      'train.json': {
        a: { label: 1, weak_labels: [1, -1, 0], data: { text: 'buy now' } },
        b: { label: 0, weak_labels: [-1, -1, 0], data: { text: 'hi' } },
      },
    });
    const s = loadWrenchSplit(dir, 'train');
    expect(s.labels).toEqual(['ham', 'spam']);
    expect(s.ids).toEqual(['a', 'b']);
    expect(Array.from(s.gold)).toEqual([1, 0]);
    expect(s.texts).toEqual(['buy now', 'hi']);
    expect(s.L.toRows()).toEqual([
      [1, -1, 0],
      [-1, -1, 0],
    ]);
    expect(s.L.lfNames).toEqual(['lf0', 'lf1', 'lf2']);
  });

  it.each([
    [{ a: { label: 0, weak_labels: [0, 2] } }, /train\.json \(row 0\): record "a": weak label of LF 1 is 2, expected -1\.\.1/],
    [{ a: { label: 0, weak_labels: [0, 1] }, b: { label: 1, weak_labels: [0] } }, /record "b" has 1 weak labels, earlier records have 2/],
    [{ a: { label: 5, weak_labels: [0, 1] } }, /record "a": label 5 is not a class index/],
    [{ a: { label: 0 } }, /record "a": "weak_labels" must be an array/],
    ['{"a": ', /train\.json: invalid JSON/],
  ])('malformed records are errors naming the file and record (%#)', (train, message) => {
    const dir = wrenchDir({ 'label.json': labelJSON, 'train.json': train });
    expect(() => loadWrenchSplit(dir, 'train')).toThrow(message);
  });

  it('keeps file order for integer-like ids (JSON.parse would put "2" before "10")', () => {
    const text =
      '{"10": {"label": 1, "weak_labels": [1, -1], "data": {"text": "a \\"}\\" {x"}}, "2": {"label": 0, "weak_labels": [-1, 0], "data": {"n": [1, {"3": 4}]}}, "b": {"label": 0, "weak_labels": [0, 0]}}';
    expect(Object.keys(JSON.parse(text))).toEqual(['2', '10', 'b']);
    expect(topLevelKeys(text)).toEqual(['10', '2', 'b']);
    const dir = wrenchDir({ 'label.json': labelJSON, 'train.json': text });
    const s = loadWrenchSplit(dir, 'train');
    expect(s.ids).toEqual(['10', '2', 'b']);
    expect(Array.from(s.gold)).toEqual([1, 0, 0]);
    expect(s.L.toRows()).toEqual([
      [1, -1],
      [-1, 0],
      [0, 0],
    ]);
    expect(s.texts[0]).toBe('a "}" {x');
  });

  it('a WRENCH split is a label matrix wherever one is read (ballot fit -L train.json)', () => {
    const dir = wrenchDir({
      'label.json': labelJSON,
      'train.json': '{"10": {"label": 1, "weak_labels": [1, -1]}, "2": {"label": 0, "weak_labels": [-1, 0]}}',
    });
    const L = loadLabelMatrix(join(dir, 'train.json'));
    expect(L.labels).toEqual(['ham', 'spam']);
    expect(L.toRows()).toEqual([
      [1, -1],
      [-1, 0],
    ]);
    expect(() => loadLabelMatrix(join(dir, 'missing.json'))).toThrow(/missing\.json: no such file/);
  });

  it('lists one set or the sets inside a parent folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'ballot-wrench-parent-'));
    for (const name of ['b_set', 'a_set']) {
      mkdirSync(join(parent, name));
      writeFileSync(join(parent, name, 'label.json'), JSON.stringify(labelJSON));
      writeFileSync(join(parent, name, 'train.json'), '{}');
    }
    mkdirSync(join(parent, 'not_a_set'));
    expect(listWrenchSets(parent).map((p) => p.split(/[\\/]/).pop())).toEqual(['a_set', 'b_set']);
    expect(listWrenchSets(join(parent, 'a_set'))).toHaveLength(1);
  });
});

// Real data: the WRENCH sets shared with the project (skipped when they are not there).
const DATA = SHARED_DATA;
const haveData = haveSharedData('label-model-wrench', 'wrench_youtube/train.json', 'wrench_trec/train.json');

describe.skipIf(!haveData)('matrix completion on real WRENCH sets (fit on train weak labels, score test)', () => {
  it.each(['wrench_youtube', 'wrench_trec'])('%s: beats majority vote on test accuracy', (set) => {
    const train = loadWrenchSplit(join(DATA, set), 'train');
    const test = loadWrenchSplit(join(DATA, set), 'test');
    const mv = new MajorityVote();
    mv.fit(train.L);
    const mc = new MatrixCompletionModel();
    const report = mc.fit(train.L);
    expect(report.converged).toBe(true);
    const mvAcc = expectedScore(test.gold, mv.predictProba(test.L), train.L.k, 'accuracy');
    const mcAcc = expectedScore(test.gold, mc.predictProba(test.L), train.L.k, 'accuracy');
    expect(mcAcc).toBeGreaterThan(mvAcc + 0.03);
  });
});
