import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows, RowWriter, writeRowStream, writeRows, MajorityVote, LabelMatrix, writePredictions } from '../../src/internal.js';
import { makeProject, type Project } from './project.js';

// Class 4: outputs are streamed in batches (memory flat in n; the peak-RSS table is bench:memory). These cases pin
// what streaming must not change: the bytes, the atomic replace, and nothing left behind on error.
let P: Project;
beforeAll(async () => {
  P = await makeProject('stream');
}, 60_000);
afterAll(() => P.cleanup());

const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, text: i % 7 ? `t,${i}` : `"q"\n${i}`, p: i / 1000, flag: i % 3 === 0, none: null }));
const columns = ['id', 'text', 'p', 'flag', 'none'];

describe('class 4: streaming outputs', () => {
  for (const ext of ['csv', 'tsv', 'jsonl']) {
    it(`${ext}: batches of 7 rows give the same bytes as writeRows`, () => {
      writeRows(P.p(`whole.${ext}`), rows, { columns });
      writeRowStream(P.p(`stream.${ext}`), rows, { columns, batchRows: 7 });
      expect(readFileSync(P.p(`stream.${ext}`))).toEqual(readFileSync(P.p(`whole.${ext}`)));
    });
  }

  it('arrow: batches of 64 rows read back to the same rows', () => {
    writeRowStream(P.p('stream.arrow'), rows, { columns, batchRows: 64 });
    const back = readRows(P.p('stream.arrow'));
    expect(back.rows.map((r) => ({ ...r }))).toEqual(rows.map((r) => ({ ...r, flag: r.flag })));
  });

  it('zero rows: a header-only CSV and an empty but valid Arrow file', () => {
    writeRowStream(P.p('empty.csv'), [], { columns: ['a', 'b'] });
    expect(readFileSync(P.p('empty.csv'), 'utf8')).toBe('a,b\n');
    writeRowStream(P.p('empty.arrow'), [], { columns: ['a'], types: { a: 'float64' } });
    expect(readRows(P.p('empty.arrow'))).toMatchObject({ columns: ['a'], rows: [] });
  });

  it('a bad value mid-stream leaves the previous file and no temp file, naming the row', () => {
    writeFileSync(P.p('keep.csv'), 'old\n');
    const bad = [...rows.slice(0, 100), { id: 'x' }];
    expect(() => writeRowStream(P.p('keep.csv'), bad, { columns: ['id'], types: { id: 'int32' }, batchRows: 16 })).toThrow(
      /keep\.csv \(row 100\).*int32/,
    );
    expect(readFileSync(P.p('keep.csv'), 'utf8')).toBe('old\n');
    expect(readdirSync(P.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the target appears only at close (atomic rename)', () => {
    const w = new RowWriter(P.p('late.jsonl'), { columns: ['a'], batchRows: 2 });
    for (let i = 0; i < 10; i++) w.write({ a: i });
    expect(existsSync(P.p('late.jsonl'))).toBe(false);
    w.close();
    expect(readFileSync(P.p('late.jsonl'), 'utf8').split('\n')).toHaveLength(11);
  });

  it('writePredictions streams the same CSV as building every row', () => {
    const n = 500;
    const votes = Int8Array.from({ length: n * 2 }, (_, i) => (((i * 7919) % 5) - 1 > 1 ? -1 : ((i * 7919) % 5) - 1));
    const L = new LabelMatrix({ n, m: 2, votes, lfNames: ['a', 'b'], labels: ['HAM', 'SPAM'] });
    const mv = new MajorityVote();
    const s = writePredictions(P.p('pred.csv'), mv, L, { batchRows: 33 });
    const probs = mv.predictProba(L);
    const back = readRows(P.p('pred.csv')).rows;
    expect(back).toHaveLength(n);
    expect(s.rows).toBe(n);
    for (let i = 0; i < n; i += 37) expect(Number(back[i].p_SPAM)).toBe(probs[2 * i + 1]);
    expect(s.perClass.HAM + s.perClass.SPAM + s.abstained).toBe(n);
  });
});
