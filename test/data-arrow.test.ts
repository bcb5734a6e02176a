import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { detectArrowFraming, rowsToArrowTable } from '../src/internal.js';
import { readRowBatches, readRows, writeRows, type Row } from '../src/index.js';
import { dataError } from './data-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ballot-data-arrow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
    for (const [name, bytes] of [
      ['a.feather', fileBytes],
      ['b.ipc', streamBytes],
      ['c.arrow', streamBytes],
    ] as const) {
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
    expect(dataError(() => readRows(truncated)).message).toMatch(
      /trunc\.arrow: truncated Arrow IPC file \(100 bytes\): it starts with the ARROW1 magic but does not end with it/,
    );
  });

  it('a file cut short, or a stream with a damaged batch, is a DataError naming the file, streamed or not', async () => {
    const many: Row[] = Array.from({ length: 900 }, (_, i) => ({ id: i, text: `row ${i}` }));
    const table = rowsToArrowTable(many, ['id', 'text'], 'f');
    const whole = tableToIPC(table, 'file');
    const cut = join(tmp, 'cut.arrow');
    writeFileSync(cut, whole.subarray(0, whole.length - 10)); // the data is all there, the footer is not
    const batches = async (p: string) => {
      let n = 0;
      for await (const b of readRowBatches(p, { batchSize: 100 })) n += b.rows.length;
      return n;
    };
    const expected = new RegExp(`^${cut}: truncated Arrow IPC file`);
    expect(dataError(() => readRows(cut)).message).toMatch(expected);
    await expect(batches(cut)).rejects.toThrow(expected);
    // A stream of three record batches cut inside the second: an error when that batch is reached, never fewer rows.
    const parts = [0, 300, 600].flatMap((a) => table.slice(a, a + 300).batches);
    const stream = RecordBatchStreamWriter.writeAll(parts).toUint8Array(true);
    const cutStream = join(tmp, 'cut.arrows');
    writeFileSync(cutStream, stream.subarray(0, Math.floor(stream.length / 2)));
    await expect(batches(cutStream)).rejects.toThrow(new RegExp(`^${cutStream}: cannot read Arrow IPC \\(a damaged file\\?\\): Expected to read`));
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

describe('pinned column types', () => {
  const kinds = (t: Table) => t.schema.fields.map((f) => [f.name, String(f.type)]);

  it('keeps a pinned column’s type whatever its values: 0/1 floats, all-null strings, bigint ints', () => {
    const data: Row[] = [
      { p: 1, label: null, n: 3n, ok: null },
      { p: 0, label: null, n: -2, ok: true },
    ];
    const inferred = rowsToArrowTable(data, ['p', 'label', 'n', 'ok'], 'f');
    expect(kinds(inferred)).toEqual([
      ['p', 'Int32'],
      ['label', 'Null'],
      ['n', 'Float64'],
      ['ok', 'Bool'],
    ]);
    const types = { p: 'float64', label: 'utf8', n: 'int32', ok: 'bool' } as const;
    const pinned = rowsToArrowTable(data, ['p', 'label', 'n', 'ok'], 'f', { types });
    expect(kinds(pinned)).toEqual([
      ['p', 'Float64'],
      ['label', 'Utf8'],
      ['n', 'Int32'],
      ['ok', 'Bool'],
    ]);
    const path = join(tmp, 'pinned.arrow');
    writeRows(path, data, { types });
    expect(kinds(tableFromIPC(readFileSync(path)))).toEqual(kinds(pinned));
    expect(readRows(path).rows).toEqual([
      { p: 1, label: null, n: 3, ok: null },
      { p: 0, label: null, n: -2, ok: true },
    ]);
  });

  it('rejects a value that does not fit its pinned type, naming column and row, in every format', () => {
    const data: Row[] = [
      { p: 0.5, k: 1 },
      { p: 'high', k: 2.5 },
    ];
    for (const ext of ['arrow', 'csv', 'jsonl']) {
      const path = join(tmp, `bad-type.${ext}`);
      const e = dataError(() => writeRows(path, data, { types: { p: 'float64' } }));
      expect(e.row).toBe(1);
      expect(e.message).toBe(`${path} (row 1): column "p" is typed float64, but row 1 holds the string "high"`);
      expect(existsSync(path)).toBe(false);
    }
    expect(dataError(() => rowsToArrowTable(data, ['k'], 'f', { types: { k: 'int32' } })).message).toBe(
      'f (row 1): column "k" is typed int32, but row 1 holds the number 2.5',
    );
    expect(dataError(() => rowsToArrowTable([{ k: 2 ** 31 }], ['k'], 'f', { types: { k: 'int32' } })).message).toMatch(
      /is typed int32, but row 0 holds the number 2147483648/,
    );
    expect(dataError(() => rowsToArrowTable([{ s: 1 }], ['s'], 'f', { types: { s: 'utf8' } })).message).toMatch(
      /"s" is typed utf8, but row 0 holds the number 1/,
    );
    expect(dataError(() => rowsToArrowTable(data, ['p'], 'f', { types: { q: 'float64' } })).message).toMatch(
      /column "q", which is not among the columns written/,
    );
    expect(dataError(() => rowsToArrowTable(data, ['p'], 'f', { types: { p: 'float32' as never } })).message).toMatch(
      /unknown column type "float32"/,
    );
  });
});
