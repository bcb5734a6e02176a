import { readFileSync, writeFileSync } from 'node:fs';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLabelModel,
  createRng,
  disagreementColumns,
  disagreementRecords,
  disagreements,
  disagreementsFromFile,
  LABEL_MODEL_KINDS,
  LabelMatrix,
  labelMatrixChunks,
  labelMatrixToIPC,
  loadLabelMatrix,
  MajorityVote,
  predictFile,
  saveLabelMatrix,
  writePredictions,
  writeRows,
  writeRowStream,
  type LabelModel,
} from '../../src/internal.js';
import { runCli } from '../cli-helpers.js';
import { makeProject, type Project } from './project.js';

// Class 4, the label matrix itself streamed: predict and disagreements read the matrix chunk by chunk (and the gold
// file in step), so memory is flat in n (bench:memory). These cases pin what streaming must not change: the bytes of
// the predictions, the flags and their ranking, against the in-memory path on data generated from a known model.
let P: Project;
beforeAll(async () => {
  P = await makeProject('stream-matrix');
}, 60_000);
afterAll(() => P.cleanup());

/** n rows from a known model: y uniform over k classes, LF j votes with coverage c_j and accuracy a_j. */
function generate(n: number, m: number, k: number, seed: number): { L: LabelMatrix; y: Int32Array } {
  const rng = createRng(seed);
  const y = new Int32Array(n);
  const votes = new Int8Array(n * m);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(k);
    for (let j = 0; j < m; j++) {
      const covered = rng.next() < 0.25 + 0.1 * j;
      const right = rng.next() < 0.6 + 0.05 * j;
      votes[i * m + j] = !covered ? -1 : right ? y[i] : (y[i] + 1 + rng.int(k - 1)) % k;
    }
  }
  const labels = k === 2 ? ['HAM', 'SPAM'] : Array.from({ length: k }, (_, c) => `C${c}`);
  return { L: new LabelMatrix({ n, m, votes, lfNames: Array.from({ length: m }, (_, j) => `lf_${j}`), labels }), y };
}

/** The matrix as an Arrow file of several record batches (as apply writes it), beside the one-batch file. */
function saveInBatches(path: string, L: LabelMatrix, rows: number): void {
  const t = tableFromIPC(labelMatrixToIPC(L));
  const whole = t.batches[0];
  const batches = [];
  for (let a = 0; a < L.n; a += rows) batches.push(whole.slice(a, Math.min(L.n, a + rows)));
  writeFileSync(path, tableToIPC(new Table(batches), 'file'));
}

const binary = generate(5000, 6, 2, 11);
const multi = generate(4000, 5, 3, 12);

describe('class 4: the label matrix streamed', () => {
  beforeAll(() => {
    saveLabelMatrix(P.p('L2.arrow'), binary.L);
    saveInBatches(P.p('L2-batches.arrow'), binary.L, 1024);
    saveLabelMatrix(P.p('L3.arrow'), multi.L);
    writeRows(
      P.p('gold2.csv'),
      Array.from(binary.y, (y, i) => ({ id: i, label: i % 10 === 3 ? '' : binary.L.labels[y], text: `row ${i}` })),
    );
    writeRows(
      P.p('gold3.jsonl'),
      Array.from(multi.y, (y, i) => ({ id: i, label: multi.L.labels[y] })),
    );
  });

  it('chunks concatenate to the whole matrix, from one batch or many', async () => {
    for (const file of ['L2.arrow', 'L2-batches.arrow']) {
      for (const chunkRows of [1000, 777, 65536]) {
        const votes: number[] = [];
        let next = 0;
        for await (const { offset, L } of labelMatrixChunks(P.p(file), { chunkRows })) {
          expect(offset).toBe(next);
          expect(L.n).toBeLessThanOrEqual(chunkRows);
          next += L.n;
          votes.push(...L.votes);
        }
        expect(Buffer.from(Int8Array.from(votes).buffer).equals(Buffer.from(binary.L.votes.buffer))).toBe(true);
      }
    }
  });

  it("every label model's probabilities are row-local: predicted per chunk they equal the whole matrix's", () => {
    const dev = { L: binary.L.selectRows(Int32Array.from({ length: 400 }, (_, i) => i)), gold: binary.y.subarray(0, 400) };
    for (const kind of LABEL_MODEL_KINDS) {
      const model = createLabelModel(kind) as LabelModel;
      model.fit(binary.L, (kind === 'auto' ? { dev } : {}) as Record<string, unknown>);
      const whole = model.predictProba(binary.L);
      const parts: number[] = [];
      for (let a = 0; a < binary.L.n; a += 999)
        parts.push(...model.predictProba(binary.L.selectRows(Int32Array.from({ length: Math.min(999, binary.L.n - a) }, (_, i) => a + i))));
      expect(Buffer.from(Float64Array.from(parts).buffer).equals(Buffer.from(whole.buffer)), kind).toBe(true);
    }
  });

  for (const [name, file, data, gold, tiePolicy] of [
    ['binary, one batch, ties abstain', 'L2.arrow', binary, 'gold2.csv', 'abstain'],
    ['binary, 5 batches, seeded random ties', 'L2-batches.arrow', binary, 'gold2.csv', 'random'],
    ['3 classes, snorkel ties', 'L3.arrow', multi, 'gold3.jsonl', 'snorkel'],
  ] as const) {
    it(`predict: ${name} — the same bytes as the in-memory writePredictions, csv/jsonl/arrow, any chunk size`, async () => {
      const mc = createLabelModel('mc');
      mc.fit(data.L);
      for (const model of [new MajorityVote(), mc] as LabelModel[]) {
        for (const ext of ['csv', 'jsonl', 'arrow']) {
          writePredictions(P.p(`whole.${ext}`), model, loadLabelMatrix(P.p(file)), { tiePolicy, seed: 5 });
          for (const chunkRows of [333, 65536]) {
            const s = await predictFile(P.p(file), P.p(`streamed.${ext}`), model, { tiePolicy, seed: 5, chunkRows });
            expect(s.rows).toBe(data.L.n);
            // Buffer.equals: vitest's deep equality on 300 kB buffers takes seconds.
            expect(readFileSync(P.p(`streamed.${ext}`)).equals(readFileSync(P.p(`whole.${ext}`))), `${model.kind} ${ext} ${chunkRows}`).toBe(true);
          }
        }
      }
    });

    it(`disagreements: ${name} — the same report (flags, ranks, counts, notes) as in memory`, async () => {
      const ds = createLabelModel('ds');
      ds.fit(data.L);
      const goldIdx = Int32Array.from(data.y, (y, i) => (gold === 'gold2.csv' && i % 10 === 3 ? -1 : y));
      for (const model of [undefined, ds] as (LabelModel | undefined)[]) {
        const probs = (model ?? new MajorityVote()).predictProba(data.L);
        for (const opts of [{}, { top: 7, topPerLF: 3 }, { kinds: ['lf-mistake' as const], consensusThreshold: 0.8 }, { top: 0, topPerLF: 0 }]) {
          for (const withGold of [false, true]) {
            const expected = disagreements(data.L, probs, { ...opts, ...(withGold ? { gold: goldIdx } : {}) });
            const { report, rows } = await disagreementsFromFile(P.p(file), {
              ...opts,
              model,
              chunkRows: 701,
              ...(withGold ? { gold: { file: P.p(gold), column: 'label' } } : {}),
            });
            expect(rows).toBe(data.L.n);
            expect(report).toEqual(expected);
            if (withGold) expect(report.flags.some((f) => f.kind === 'label-error')).toBe(opts.top !== 0 && !opts.kinds);
          }
        }
      }
    });
  }

  it('ballot disagreements --out --show writes the bytes of the in-memory records', async () => {
    const r = await runCli(
      'disagreements',
      '--L',
      P.p('L2-batches.arrow'),
      '--gold',
      P.p('gold2.csv'),
      '--label-column',
      'label',
      '--show',
      'text',
      '--top',
      '20',
      '--out',
      P.p('flags.csv'),
    );
    expect(r.err).toBe('');
    const gold = Int32Array.from(binary.y, (y, i) => (i % 10 === 3 ? -1 : y));
    const report = disagreements(binary.L, new MajorityVote().predictProba(binary.L), { gold, top: 20 });
    const extra = (row: number) => ({ text: `row ${row}` });
    writeRowStream(P.p('flags-memory.csv'), disagreementRecords(report, extra), { columns: disagreementColumns(report, ['text']), csvSafe: true });
    expect(readFileSync(P.p('flags.csv'), 'utf8')).toBe(readFileSync(P.p('flags-memory.csv'), 'utf8'));
    expect(r.out).toContain('row 1');
  });

  it('a gold file shorter or longer than the matrix, or a bad label far in, is one line naming the file and row', async () => {
    const rows = Array.from(binary.y, (y) => ({ label: binary.L.labels[y] }));
    writeRows(P.p('short.csv'), rows.slice(0, 4990));
    writeRows(P.p('long.csv'), [...rows, { label: 'HAM' }]);
    writeRows(
      P.p('bad.csv'),
      rows.map((r, i) => (i === 4321 ? { label: 'EGGS' } : r)),
    );
    const mv = new MajorityVote();
    mv.fit(binary.L);
    writeFileSync(P.p('mv.json'), JSON.stringify(mv.toJSON()));
    for (const [f, msg] of [
      ['short.csv', /short\.csv: has 4990 rows but .*L2\.arrow has more/],
      ['long.csv', /long\.csv: has 5001 rows but .*L2\.arrow has 5000/],
      ['bad.csv', /bad\.csv \(row 4321\): gold label "EGGS"/],
    ] as const) {
      for (const cmd of [
        ['predict', '--model', P.p('mv.json'), '--out', P.p('p.csv')],
        ['disagreements', '--out', P.p('f.csv')],
      ]) {
        writeFileSync(P.p(cmd.at(-1)!.endsWith('p.csv') ? 'p.csv' : 'f.csv'), 'previous\n');
        const r = await runCli(cmd[0], '--L', P.p('L2.arrow'), '--gold', P.p(f), '--label-column', 'label', ...cmd.slice(1));
        expect(r.code, `${cmd[0]} ${f}`).toBe(1);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(r.err).toMatch(msg);
        expect(readFileSync(cmd.at(-1)!, 'utf8')).toBe('previous\n'); // nothing written
      }
    }
  });

  it('a bad vote in a later record batch names the file, the LF and the row in the file', async () => {
    const t = tableFromIPC(readFileSync(P.p('L2-batches.arrow')));
    const bytes = new Uint8Array(readFileSync(P.p('L2-batches.arrow')));
    // Row 3000 is in the third batch: set LF lf_2's vote there to 9 in place (the column bytes are views into the file).
    const col = t.batches[2].getChildAt(2)!.data[0].values as Int8Array;
    bytes[col.byteOffset + (3000 - 2048)] = 9;
    writeFileSync(P.p('L-bad.arrow'), bytes);
    const r = await runCli('predict', '--model', P.p('mv.json'), '--L', P.p('L-bad.arrow'), '--out', P.p('p2.csv'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/L-bad\.arrow \(row 3000\): column "lf_2": vote 9 is outside -1\.\.1/);
  });
});
