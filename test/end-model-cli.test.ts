import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLabelMatrix, readRows, writeRows, loadWrenchSplit, readEndModelFile, LabelMatrix } from '../src/index.js';
import { runCli } from './cli-helpers.js';
import { haveSharedData, SHARED_DATA } from './shared-data.js';

// ballot train / predict --end-model on real rows (WRENCH youtube: its texts and weak labels), and every bad input
// as one line naming the file and column, with nothing written.
const DATA = SHARED_DATA;
const haveData = haveSharedData('end-model-cli', 'wrench_youtube/train.json');

let dir: string;
const p = (f: string) => join(dir, f);

async function fails(...args: string[]): Promise<string> {
  const r = await runCli(...args);
  expect(r.code, `${args.join(' ')} → ${r.err}`).toBe(1);
  expect(r.err).toMatch(/^ballot: [^\n]+\n$/);
  return r.err.slice('ballot: '.length, -1);
}

function slice(L: LabelMatrix, n: number, labels = L.labels): LabelMatrix {
  return new LabelMatrix({ n, m: L.m, votes: L.votes.slice(0, n * L.m), lfNames: L.lfNames, labels });
}

describe.skipIf(!haveData)('ballot train and predict --end-model', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ballot-end-model-cli-'));
    const train = loadWrenchSplit(join(DATA, 'wrench_youtube'), 'train');
    const test = loadWrenchSplit(join(DATA, 'wrench_youtube'), 'test');
    const n = 600;
    writeRows(
      p('rows.csv'),
      train.texts.slice(0, n).map((CONTENT, i) => ({ CONTENT, num: String(i), empty: '' })),
    );
    writeRows(
      p('dev.csv'),
      test.texts.map((CONTENT, i) => ({ CONTENT, y: test.labels[test.gold[i]] })),
    );
    writeRows(p('other.csv'), [{ text: 'no CONTENT column here' }]);
    saveLabelMatrix(p('L.arrow'), slice(train.L, n));
    saveLabelMatrix(p('L-other.arrow'), slice(train.L, n, ['ham', 'spam']));
    saveLabelMatrix(p('L-none.arrow'), new LabelMatrix({ n, m: 2, votes: new Int8Array(2 * n).fill(-1), lfNames: ['a', 'b'], labels: train.labels }));
    expect((await runCli('fit', '--model', 'mc', '--L', p('L.arrow'), '--out', p('model.json'))).code).toBe(0);
    expect((await runCli('fit', '--model', 'mc', '--L', p('L-other.arrow'), '--out', p('model-other.json'))).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => ['train', '--data', p('rows.csv'), '--L', p('L.arrow'), '--model', p('model.json')];

  it('trains on the covered rows, reports cross-fitted agreement and dev calibration; predict labels new rows', async () => {
    const r = await runCli(...base(), '--text-column', 'CONTENT', '--out', p('end.json'), '--cv', '3', '--gold', p('dev.csv'), '--label-column', 'y');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/end model trained on \d+ of 600 rows \(those with ≥ 1 LF vote; \d+ uncovered rows left out\)/);
    expect(r.out).toMatch(/3-fold out-of-sample agreement with the label model: \d+\.\d%/);
    const acc = Number(/dev \(.*dev\.csv, 250 labelled rows\): accuracy (\d+\.\d)%/.exec(r.out)?.[1]);
    expect(acc).toBeGreaterThan(85);
    const model = readEndModelFile(p('end.json'));
    expect(model.labels).toEqual(['HAM', 'SPAM']);
    const pr = await runCli('predict', '--end-model', p('end.json'), '--data', p('dev.csv'), '--out', p('preds.csv'));
    expect(pr.err).toBe('');
    const preds = readRows(p('preds.csv'));
    expect(preds.columns).toEqual(['row', 'label', 'label_index', 'p_HAM', 'p_SPAM']);
    expect(preds.rows).toHaveLength(250);
    const dev = readRows(p('dev.csv')).rows;
    const hits = preds.rows.filter((row, i) => row.label === dev[i].y).length;
    expect(hits / 250).toBeCloseTo(acc / 100, 2);
  });

  it('bad input: one line naming the file and column; nothing written', async () => {
    const out = p('bad.json');
    expect(await fails(...base(), '--text-column', 'NOPE', '--out', out)).toMatch(
      /rows\.csv: no text column "NOPE"; columns are CONTENT, num, empty$/,
    );
    expect(await fails(...base(), '--text-column', 'empty', '--out', out)).toMatch(/rows\.csv: text column "empty" is empty in every row$/);
    expect(await fails(...base(), '--text-column', 'num', '--out', out)).toMatch(/rows\.csv: text column "num" holds only numbers, not text/);
    expect(
      await fails('train', '--data', p('rows.csv'), '--L', p('L.arrow'), '--model', p('model-other.json'), '--text-column', 'CONTENT', '--out', out),
    ).toMatch(/model-other\.json has classes \[ham, spam\] but .*L\.arrow has \[HAM, SPAM\]/);
    expect(
      await fails('train', '--data', p('rows.csv'), '--L', p('L-none.arrow'), '--model', 'mv', '--text-column', 'CONTENT', '--out', out),
    ).toMatch(/L-none\.arrow: no row has a vote from any LF/);
    expect(await fails(...base(), '--text-column', 'CONTENT', '--out', out, '--gold', p('dev.csv'), '--label-column', 'label')).toMatch(
      /dev\.csv: no gold label column "label"/,
    );
    expect(existsSync(out)).toBe(false);
    // a model trained on other columns than the data has
    const r = await runCli(...base(), '--text-column', 'CONTENT', '--out', p('end2.json'));
    expect(r.code).toBe(0);
    expect(await fails('predict', '--end-model', p('end2.json'), '--data', p('other.csv'), '--out', p('bad.csv'))).toMatch(
      /other\.csv: no column "CONTENT": the end model was trained on columns text "CONTENT"; columns here are text$/,
    );
    writeFileSync(p('broken.json'), JSON.stringify({ ...JSON.parse(readFileSync(p('end2.json'), 'utf8')), version: 7 }));
    expect(await fails('predict', '--end-model', p('broken.json'), '--data', p('dev.csv'), '--out', p('bad.csv'))).toMatch(
      /broken\.json: not a ballot end model: version 7/,
    );
    expect(existsSync(p('bad.csv'))).toBe(false);
  });
});
