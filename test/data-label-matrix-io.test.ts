import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Int8, Int32, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Type, type Data } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { columnsToRows, rowsToColumns, labelMatrixToIPC, loadLabelMatrix, saveLabelMatrix } from '../src/internal.js';
import { LabelMatrix, createRng } from '../src/index.js';
import { dataError } from './data-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ballot-data-lm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function randomMatrix(n: number, m: number, k: number, seed: number): LabelMatrix {
  const rng = createRng(seed);
  const votes = new Int8Array(n * m);
  for (let p = 0; p < votes.length; p++) votes[p] = rng.int(k + 1) - 1;
  const labels = Array.from({ length: k }, (_, c) => `C${c}`);
  const errorCounts = Int32Array.from({ length: m }, () => rng.int(50));
  return new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf_${j}`), errorCounts });
}

function expectSame(a: LabelMatrix, b: LabelMatrix) {
  expect(b.n).toBe(a.n);
  expect(b.m).toBe(a.m);
  expect(b.lfNames).toEqual(a.lfNames);
  expect(b.labels).toEqual(a.labels);
  expect(Array.from(b.errorCounts)).toEqual(Array.from(a.errorCounts));
  expect(
    Buffer.from(b.votes.buffer, b.votes.byteOffset, b.votes.byteLength).equals(Buffer.from(a.votes.buffer, a.votes.byteOffset, a.votes.byteLength)),
  ).toBe(true);
}

/** A hand-made label-matrix file: columns as given, metadata overridden per test. */
function writeCustom(path: string, columns: { name: string; data: Data }[], meta: Record<string, string | undefined>) {
  const base: Record<string, string | undefined> = {
    'ballot.kind': 'label-matrix',
    'ballot.version': '1',
    'ballot.labels': '["HAM","SPAM"]',
    'ballot.errorCounts': JSON.stringify(columns.map(() => 0)),
    ...meta,
  };
  const metadata = new Map(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  const fields = columns.map((c) => new Field(c.name, c.data.type, c.data.nullCount > 0));
  const n = columns[0]?.data.length ?? 0;
  const schema = new Schema(fields, metadata);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, children: columns.map((c) => c.data) }));
  writeFileSync(path, tableToIPC(new Table([batch]), 'file'));
  return path;
}

const int8 = (xs: number[], nullBitmap?: Uint8Array) =>
  makeData({
    type: new Int8(),
    length: xs.length,
    data: Int8Array.from(xs),
    nullBitmap,
    nullCount: nullBitmap ? xs.length - popcount(nullBitmap, xs.length) : 0,
  });
function popcount(bits: Uint8Array, n: number) {
  let c = 0;
  for (let i = 0; i < n; i++) c += (bits[i >> 3] >> (i & 7)) & 1;
  return c;
}

describe('label matrix IO', () => {
  it('round-trips exactly (shapes that are not multiples of the transpose tile or of 8)', () => {
    for (const [n, m, k, seed] of [
      [1, 1, 2, 1],
      [1037, 13, 3, 2],
      [5000, 7, 127, 3],
      [0, 4, 2, 4],
      [9, 0, 2, 5],
      [1037, 12, 3, 6],
      [4099, 100, 5, 7],
      [3, 8, 127, 8],
    ]) {
      const L = randomMatrix(n, m, k, seed);
      const path = join(tmp, `L-${n}x${m}.arrow`);
      saveLabelMatrix(path, L);
      expectSame(L, loadLabelMatrix(path));
    }
  });

  it('stores one non-null Int8 column per LF, named by the LF, with the label space and error counts in the metadata', () => {
    const L = LabelMatrix.fromRows(
      [
        [0, -1, 1],
        [1, 1, -1],
      ],
      ['HAM', 'SPAM'],
      ['kw_free', 'kw_check', 'short'],
    );
    const t = tableFromIPC(labelMatrixToIPC(L));
    expect(t.schema.fields.map((f) => [f.name, Type[f.type.typeId], (f.type as Int8).bitWidth, f.nullable])).toEqual([
      ['kw_free', 'Int', 8, false],
      ['kw_check', 'Int', 8, false],
      ['short', 'Int', 8, false],
    ]);
    expect(Array.from(t.getChild('kw_check')!.toArray() as Int8Array)).toEqual([-1, 1]);
    expect(Object.fromEntries(t.schema.metadata)).toEqual({
      'ballot.kind': 'label-matrix',
      'ballot.version': '1',
      'ballot.labels': '["HAM","SPAM"]',
      'ballot.errorCounts': '[0,0,0]',
      'ballot.schema_sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('writes atomically: only the target file is left behind', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    saveLabelMatrix(join(dir, 'L.arrow'), randomMatrix(100, 3, 2, 9));
    saveLabelMatrix(join(dir, 'L.arrow'), randomMatrix(50, 3, 2, 10));
    expect(readdirSync(dir)).toEqual(['L.arrow']);
    expect(loadLabelMatrix(join(dir, 'L.arrow')).n).toBe(50);
  });

  it('a vote outside -1..k-1 is an error naming the column and the row', () => {
    const path = writeCustom(
      join(tmp, 'bad-vote.arrow'),
      [
        { name: 'a', data: int8([0, 1, -1]) },
        { name: 'b', data: int8([1, -1, 2]) },
      ],
      {},
    );
    const e = dataError(() => loadLabelMatrix(path));
    expect(e.row).toBe(2);
    expect(e.message).toBe(`${path} (row 2): column "b": vote 2 is outside -1..1 (labels HAM, SPAM)`);
    const neg = writeCustom(join(tmp, 'neg-vote.arrow'), [{ name: 'a', data: int8([0, -2]) }], {});
    expect(dataError(() => loadLabelMatrix(neg)).message).toMatch(/\(row 1\): column "a": vote -2 is outside/);
  });

  it('null votes and non-Int8 columns are errors', () => {
    const nulls = writeCustom(join(tmp, 'null.arrow'), [{ name: 'a', data: int8([0, 1, 1], Uint8Array.of(0b101)) }], {});
    expect(dataError(() => loadLabelMatrix(nulls)).message).toBe(`${nulls} (row 1): column "a" has a null vote; votes must be -1 (abstain) or 0..1`);
    const i32 = writeCustom(join(tmp, 'i32.arrow'), [{ name: 'a', data: makeData({ type: new Int32(), length: 2, data: Int32Array.of(0, 1) }) }], {});
    expect(dataError(() => loadLabelMatrix(i32)).message).toBe(`${i32}: column "a" has type Int32, expected Int8 votes`);
  });

  it('corrupted or foreign metadata is an error saying what is wrong', () => {
    const col = [{ name: 'a', data: int8([0, 1]) }];
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ 'ballot.kind': undefined }, /not a ballot label matrix \(schema metadata "ballot\.kind" is not "label-matrix"\)/],
      [{ 'ballot.version': '2' }, /label matrix format version "2" is not supported \(this ballot reads version 1\)/],
      [{ 'ballot.version': undefined }, /label matrix format version null is not supported/],
      [{ 'ballot.labels': '["HAM",' }, /metadata "ballot\.labels" is not valid JSON/],
      [{ 'ballot.labels': '["ONLY"]' }, /"ballot\.labels" must be a JSON array of 2\.\.127 distinct non-empty class names, got \["ONLY"\]/],
      [{ 'ballot.labels': '["A","A"]' }, /distinct non-empty class names/],
      [{ 'ballot.labels': undefined }, /schema metadata is missing "ballot\.labels"/],
      [{ 'ballot.errorCounts': '[1,2]' }, /"ballot\.errorCounts" must be a JSON array of 1 non-negative integers, got \[1,2\]/],
      [{ 'ballot.errorCounts': '[-1]' }, /"ballot\.errorCounts" must be/],
    ];
    cases.forEach(([meta, what], i) => {
      const path = writeCustom(join(tmp, `meta-${i}.arrow`), col, meta);
      const e = dataError(() => loadLabelMatrix(path));
      expect(e.message.startsWith(`${path}: `)).toBe(true);
      expect(e.message).toMatch(what);
    });
  });

  it('missing files and non-Arrow files are clear errors', () => {
    expect(dataError(() => loadLabelMatrix(join(tmp, 'nope.arrow'))).message).toMatch(/nope\.arrow: no such file/);
    const csv = join(tmp, 'L.csv');
    writeFileSync(csv, 'a,b\n1,0\n');
    expect(dataError(() => loadLabelMatrix(csv)).message).toMatch(/not an Arrow IPC file or stream/);
  });
});

describe('label matrix transposes', () => {
  // Both the word-at-a-time path (m a multiple of 4) and the byte path, including the n % 4 tail rows.
  const shapes: [number, number][] = [
    [1031, 8],
    [1031, 9],
    [4, 4],
    [3, 12],
    [515, 1],
  ];

  it('rowsToColumns and columnsToRows are exact inverses', () => {
    const rng = createRng(11);
    for (const [n, m] of shapes) {
      const votes = Int8Array.from({ length: n * m }, () => rng.int(256) - 128);
      const cols = Array.from({ length: m }, () => new Int8Array(n));
      rowsToColumns(votes, n, m, cols);
      for (let j = 0; j < m; j++) for (let i = 0; i < n; i += 97) expect(cols[j][i]).toBe(votes[i * m + j]);
      const back = new Int8Array(n * m);
      columnsToRows(cols, n, m, back, 127);
      expect(Array.from(back)).toEqual(Array.from(votes));
    }
  });

  it('columnsToRows flags any vote outside -1..k-1, wherever it is', () => {
    const rng = createRng(12);
    for (const [n, m] of shapes) {
      for (const k of [2, 3, 127]) {
        const good = Int8Array.from({ length: n * m }, () => rng.int(k + 1) - 1);
        const cols = Array.from({ length: m }, () => new Int8Array(n));
        rowsToColumns(good, n, m, cols);
        expect(columnsToRows(cols, n, m, new Int8Array(n * m), k), `n=${n} m=${m} k=${k}`).toBe(true);
        for (const badValue of [-2, -128, k, 127]) {
          if (badValue >= -1 && badValue < k) continue;
          for (const i of [0, n - 1, rng.int(n)]) {
            const j = rng.int(m);
            const saved = cols[j][i];
            cols[j][i] = badValue;
            expect(columnsToRows(cols, n, m, new Int8Array(n * m), k), `n=${n} m=${m} k=${k} bad ${badValue} at ${i},${j}`).toBe(false);
            cols[j][i] = saved;
          }
        }
      }
    }
  });
});
