import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Field,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { detectArrowFraming, rowsToArrowTable } from '../src/data/arrow.js';
import { readRowBatches, readRows } from '../src/data/read.js';
import { writeRows } from '../src/data/write.js';
import { DataError } from '../src/util/errors.js';
import type { Row } from '../src/data/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'ballot-data-arrow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

const rows: Row[] = [
  { id: 1, score: 0.5, text: 'plain', ok: true, none: null, big: 3e9 },
  { id: null, score: 2, text: null, ok: false, none: null, big: -1 },
  { id: -7, score: null, text: 'ünïcødé 😀\nnew line, "quoted"', ok: null, none: undefined, big: 2 ** 40 },
  { id: 2147483647, score: -0, text: '', ok: true, none: null, big: 0 },
];
const expected = rows.map((r) => ({ ...r, none: null }));

describe('Arrow writer and reader', () => {
  it('round-trips numbers, strings, booleans and nulls through an Arrow IPC file', () => {
    const path = join(tmp, 'rows.arrow');
    writeRows(path, rows);
    const d = readRows(path);
    expect(d.format).toBe('arrow');
    expect(d.columns).toEqual(['id', 'score', 'text', 'ok', 'none', 'big']);
    expect(d.rows).toEqual(expected);
    expect(Object.is(d.rows[3].score, -0)).toBe(true);
  });

  it('writes real Utf8 (not Dictionary), Int32, Float64, Bool and Null columns, with nullability from the data', () => {
    const t = rowsToArrowTable(rows, ['id', 'score', 'text', 'ok', 'none', 'big'], 'f');
    const types = t.schema.fields.map((f) => [f.name, Type[f.type.typeId], f.nullable]);
    expect(types).toEqual([
      ['id', 'Int', true],
      ['score', 'Float', true],
      ['text', 'Utf8', true],
      ['ok', 'Bool', true],
      ['none', 'Null', true],
      ['big', 'Float', false],
    ]);
  });

  it('reads both the file and the stream framing, detected by magic bytes, under any Arrow extension', () => {
    const table = rowsToArrowTable(rows, ['id', 'text'], 'f');
    const fileBytes = tableToIPC(table, 'file');
    const streamBytes = tableToIPC(table, 'stream');
    expect(detectArrowFraming(fileBytes)).toBe('file');
    expect(detectArrowFraming(streamBytes)).toBe('stream');
    for (const [name, bytes] of [['a.feather', fileBytes], ['b.ipc', streamBytes], ['c.arrow', streamBytes]] as const) {
      const path = join(tmp, name);
      writeFileSync(path, bytes);
      expect(readRows(path).rows).toEqual(rows.map((r) => ({ id: r.id, text: r.text })));
    }
  });

  it('converts safe 64-bit integers to numbers and rejects unsafe ones, naming column and row', () => {
    const path = join(tmp, 'i64.arrow');
    writeFileSync(path, tableToIPC(new Table({ n: vectorFromArray([1n, -(2n ** 53n) + 1n, null], new Int64()) }), 'file'));
    expect(readRows(path).rows).toEqual([{ n: 1 }, { n: -(2 ** 53) + 1 }, { n: null }]);
    const bad = join(tmp, 'i64-bad.arrow');
    writeFileSync(bad, tableToIPC(new Table({ n: vectorFromArray([1n, 2n ** 60n], new Int64()) }), 'file'));
    const e = dataError(() => readRows(bad));
    expect(e.row).toBe(1);
    expect(e.message).toBe(`${bad} (row 1): column "n": 64-bit integer ${2n ** 60n} does not fit a JS number exactly (beyond ±2^53)`);
  });

  it('rejects column types that cannot be row values, and files that are not Arrow', () => {
    const listType = new List(new Field('item', new Int32(), true));
    const path = join(tmp, 'list.arrow');
    writeFileSync(path, tableToIPC(new Table({ xs: vectorFromArray([[1, 2], [3]], listType) }), 'file'));
    expect(dataError(() => readRows(path)).message).toMatch(/column "xs" has Arrow type List<Int32>.*cannot turn into a row value/);
    const notArrow = join(tmp, 'not.arrow');
    writeFileSync(notArrow, 'id,text\n1,a\n');
    expect(dataError(() => readRows(notArrow)).message).toBe(`${notArrow}: not an Arrow IPC file or stream (no ARROW1 magic and no stream header)`);
    const truncated = join(tmp, 'trunc.arrow');
    writeFileSync(truncated, tableToIPC(rowsToArrowTable(rows, ['id', 'text'], 'f'), 'file').subarray(0, 100));
    expect(dataError(() => readRows(truncated)).message).toMatch(/trunc\.arrow: cannot read Arrow IPC/);
  });

  it('refuses to write mixed or nested columns, naming column and row', () => {
    expect(dataError(() => rowsToArrowTable([{ a: 1 }, { a: 'x' }], ['a'], 'out.arrow')).message).toBe(
      'out.arrow (row 1): column "a" mixes numbers (row 0) and strings (row 1)',
    );
    expect(dataError(() => rowsToArrowTable([{ a: 'x' }, { a: null }, { a: [1] }], ['a'], 'out.arrow')).message).toBe(
      'out.arrow (row 2): column "a": cannot write an array to Arrow; values must be numbers, strings, booleans or null',
    );
  });

  it('batches concatenate to exactly the whole read, across record batches and nulls', async () => {
    const many: Row[] = Array.from({ length: 1003 }, (_, i) => ({
      i,
      s: i % 11 === 0 ? null : `row ${i} ${'é'.repeat(i % 4)}`,
      b: i % 3 === 0 ? null : i % 2 === 0,
      x: i % 5 === 0 ? null : i / 8,
    }));
    const table = rowsToArrowTable(many, ['i', 's', 'b', 'x'], 'f', { batchRows: 97 });
    expect(table.batches.length).toBe(11);
    for (const framing of ['file', 'stream'] as const) {
      const path = join(tmp, `many-${framing}.arrow`);
      writeFileSync(path, tableToIPC(table, framing));
      const whole = readRows(path);
      expect(whole.rows).toEqual(many);
      for (const batchSize of [1, 50, 97, 500, 5000]) {
        const got: Row[] = [];
        for await (const b of readRowBatches(path, { batchSize })) {
          expect(b.offset).toBe(got.length);
          expect(b.rows.length).toBeLessThanOrEqual(batchSize);
          expect(b.columns).toEqual(['i', 's', 'b', 'x']);
          got.push(...b.rows);
        }
        expect(got, `${framing}, batchSize ${batchSize}`).toEqual(whole.rows);
      }
    }
  });

  it('reads Arrow written by other tools with sliced, offset data (Int32 column built by hand)', () => {
    const ints = new Int32Array([5, 6, 7, 8, 9]);
    const data = makeData({ type: new Int32(), length: 3, offset: 0, data: ints.subarray(1, 4) });
    const fields = [new Field('v', new Int32(), false)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 3, children: [data] }));
    const path = join(tmp, 'hand.arrow');
    writeFileSync(path, tableToIPC(new Table([batch]), 'file'));
    expect(readRows(path).rows).toEqual([{ v: 6 }, { v: 7 }, { v: 8 }]);
    expect(tableFromIPC(tableToIPC(new Table({ v: makeVector(ints) }))).numRows).toBe(5);
  });
});
