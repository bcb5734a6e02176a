import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EndModel,
  crossFitProba,
  Featurizer,
  saveLabelMatrix,
  readRows,
  writeRows,
  LabelMatrix,
  MajorityVote,
  planNextBatch,
  type Recipe,
  createRng,
} from '../src/index.js';
import { runCli } from './cli-helpers.js';

/** Short texts from two vocabularies (class 0 / 1) with shared filler words; two keyword LFs of partial coverage. */
function world(n = 300, seed = 5) {
  const rng = createRng(seed);
  const vocab = [
    ['song', 'love', 'great', 'voice', 'best', 'dance'],
    ['subscribe', 'channel', 'check', 'free', 'win', 'click'],
  ];
  const filler = ['the', 'this', 'is', 'a', 'my', 'so', 'you', 'it'];
  const truth = new Int32Array(n);
  const rows = Array.from({ length: n }, (_, i) => {
    truth[i] = rng.next() < 0.6 ? 0 : 1;
    const words = Array.from({ length: 6 + rng.int(6) }, () => (rng.next() < 0.5 ? vocab[truth[i]][rng.int(6)] : filler[rng.int(8)]));
    return { id: i, text: words.join(' ') };
  });
  const votes = rows.map((r) => [/\b(song|love)\b/.test(r.text) ? 0 : -1, /\b(subscribe|free)\b/.test(r.text) ? 1 : -1]);
  const L = LabelMatrix.fromRows(votes, ['HAM', 'SPAM'], ['kw_ham', 'kw_spam']);
  return { rows, truth, L, labelProbs: new MajorityVote().predictProba(L) };
}

const RECIPE: Recipe = {
  budget: 30,
  seed: 3,
  parts: [{ diverseUncertain: 0.5 }, { representative: 0.3 }, { random: 0.1 }, { coverageGap: 0.1, pick: 'representative' }],
};

describe('planNextBatch (rounds mode)', () => {
  const { rows, truth, L, labelProbs } = world();
  const { featurizer, X } = Featurizer.fitTransform(rows, { textColumns: ['text'] });
  const crossFit = (t: Parameters<typeof crossFitProba>[2]) => crossFitProba(X, featurizer, t, ['HAM', 'SPAM'], { folds: 2, seed: 1, maxIter: 30 });

  it('never re-selects a labeled row, round after round, and the gold rows train the model', () => {
    const gold = new Int32Array(rows.length).fill(-1);
    let labeled = 0;
    for (let round = 0; round < 4; round++) {
      const r = planNextBatch({ ...RECIPE, seed: round }, { X, labels: ['HAM', 'SPAM'], labelProbs, L, gold, crossFit });
      expect(r.indices.length).toBe(30);
      expect(r.goldRows).toBe(labeled);
      for (const i of r.indices) {
        expect(gold[i], `round ${round} re-selected row ${i}`).toBe(-1);
        gold[i] = truth[i];
      }
      labeled += r.indices.length;
    }
    expect(labeled).toBe(120);
  });

  it('a seeded plan reproduces byte for byte', () => {
    const gold = new Int32Array(rows.length).fill(-1);
    for (let i = 0; i < 40; i++) gold[i * 7] = truth[i * 7];
    const run = () => planNextBatch(RECIPE, { X, labels: ['HAM', 'SPAM'], labelProbs, L, gold, crossFit });
    const a = run();
    const b = run();
    expect(Buffer.from(a.indices.buffer).equals(Buffer.from(b.indices.buffer))).toBe(true);
    expect(Buffer.from(a.endProbs.buffer).equals(Buffer.from(b.endProbs.buffer))).toBe(true);
    for (const i of a.indices) expect(gold[i]).toBe(-1);
  });
});

describe('ballot sample --end-model / --labeled', () => {
  // In process (paths absolute): the same handler and error formatting as the binary, without a process start per case.
  const ballot = async (args: string[], cwd: string) => {
    const r = await runCli(...args.map((a) => (/\.(csv|json|arrow)$/.test(a) ? join(cwd, a) : a)));
    return { status: r.code, stderr: r.err };
  };
  const dir = mkdtempSync(join(tmpdir(), 'ballot-rounds-cli-'));
  const { rows, truth, L, labelProbs } = world(200, 8);
  saveLabelMatrix(join(dir, 'L.arrow'), L);
  writeRows(join(dir, 'rows.csv'), rows);
  const end = EndModel.train(rows, { kind: 'soft', probs: labelProbs }, ['HAM', 'SPAM'], { textColumns: ['text'], maxIter: 30 });
  writeFileSync(join(dir, 'end.json'), JSON.stringify(end.toJSON()));
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ budget: 20, seed: 1, parts: [{ diverseUncertain: 0.5 }, { representative: 0.5 }] }));
  const base = ['sample', '--recipe', 'recipe.json', '--L', 'L.arrow', '--data', 'rows.csv', '--end-model', 'end.json'];

  it('round 2 labels round 1 and never gets its rows back', async () => {
    const r1 = await ballot([...base, '--out', 'round1.csv'], dir);
    expect(r1.status, r1.stderr).toBe(0);
    const first = readRows(join(dir, 'round1.csv')).rows;
    writeRows(
      join(dir, 'done.csv'),
      first.map((r) => ({ ...r, y: truth[Number(r._row)] === 1 ? 'SPAM' : 'HAM' })),
    );
    const r2 = await ballot([...base, '--labeled', 'done.csv', '--label-column', 'y', '--out', 'round2.csv'], dir);
    expect(r2.status, r2.stderr).toBe(0);
    const seen = new Set(first.map((r) => Number(r._row)));
    const second = readRows(join(dir, 'round2.csv')).rows;
    expect(second.length).toBe(20);
    for (const r of second) expect(seen.has(Number(r._row))).toBe(false);
  });

  it('bad input is one line naming the file or option, and nothing is written', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['sample', '--recipe', 'recipe.json', '--L', 'L.arrow', '--data', 'rows.csv', '--labeled', 'done.csv', '--label-column', 'y'],
        /--labeled \(rounds mode\) needs --end-model/,
      ],
      [[...base.slice(0, -1), 'missing.json'], /missing\.json: no such file/],
      [[...base, '--labeled', 'rows.csv', '--label-column', 'y'], /rows\.csv: no "_row" column/],
      [[...base, '--labeled', 'done.csv'], /--labeled needs --label-column/],
      [['sample', '--recipe', 'recipe.json', '--L', 'L.arrow', '--data', 'rows.csv'], /diverseUncertain sampler needs the end model/],
    ];
    writeRows(join(dir, 'done.csv'), [{ _row: 1, y: 'HAM' }]);
    for (const [args, msg] of cases) {
      const r = await ballot([...args, '--out', 'bad.csv'], dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
    }
  });
});
