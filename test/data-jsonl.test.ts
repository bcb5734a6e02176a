import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlParser, parseJSONL, toJSONL, writeRows } from '../src/internal.js';
import { readRowBatches, readRows, type Row } from '../src/index.js';
import { dataError } from './data-helpers.js';

const FIX = join(import.meta.dirname, 'fixtures/data');
const tmp = mkdtempSync(join(tmpdir(), 'ballot-data-jsonl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('JSONL reader', () => {
  it('reads one object per line, skips blank lines, handles CRLF; columns are the union of keys in first-seen order', () => {
    const d = readRows(join(FIX, 'good.jsonl'));
    expect(d.format).toBe('jsonl');
    expect(d.columns).toEqual(['id', 'text', 'label', 'extra']);
    expect(d.rows).toEqual([
      { id: 1, text: 'a', label: 'SPAM' },
      { id: 2, text: 'multi\nline', extra: true },
      { label: 'HAM', id: 3, text: null },
    ]);
  });

  it('.ndjson is JSONL too', () => {
    const path = join(tmp, 'x.ndjson');
    writeFileSync(path, '{"a":1}\n{"a":2}');
    expect(readRows(path).rows).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('a bad line is an error naming the file, the line and the JSON parse message', () => {
    const path = join(FIX, 'bad-json.jsonl');
    const e = dataError(() => readRows(path));
    expect(e.line).toBe(3);
    expect(e.message.startsWith(`${path} (line 3): invalid JSON: `)).toBe(true);
    let native = '';
    try {
      JSON.parse('{"id":2,}');
    } catch (err) {
      native = (err as Error).message;
    }
    expect(e.message).toContain(native);
  });

  it('a line that is not an object is an error', () => {
    const path = join(FIX, 'not-object.jsonl');
    const e = dataError(() => readRows(path));
    expect(e.message).toBe(`${path} (line 2): expected a JSON object on each line, got an array`);
    expect(dataError(() => parseJSONL('{"a":1}\n\n42\n', 'f')).message).toBe('f (line 3): expected a JSON object on each line, got a number');
    expect(dataError(() => parseJSONL('null', 'f')).message).toBe('f (line 1): expected a JSON object on each line, got null');
    expect(dataError(() => parseJSONL('"s"\n', 'f')).message).toMatch(/got a string/);
  });

  it('gives the same rows whatever chunk boundaries the text is split at', () => {
    const text = '\uFEFF{"a":"x\\ny","b":[1,2]}\r\n\n{"c":"ü😀"}\n{"a":3}';
    const whole = parseJSONL(text, 'f');
    expect(whole.rows).toEqual([{ a: 'x\ny', b: [1, 2] }, { c: 'ü😀' }, { a: 3 }]);
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new JsonlParser('f');
      expect([...p.push(text.slice(0, cut)), ...p.push(text.slice(cut)), ...p.end()], `cut at ${cut}`).toEqual(whole.rows);
      expect(p.columns).toEqual(['a', 'b', 'c']);
    }
  });

  it('batches concatenate to exactly the whole read', async () => {
    const rows: Row[] = Array.from({ length: 257 }, (_, i) => ({
      id: i,
      text: `t${'é'.repeat(i % 5)}\n${i}`,
      ...(i % 10 === 0 ? { extra: i } : {}),
    }));
    const path = join(tmp, 'b.jsonl');
    writeRows(path, rows);
    const whole = readRows(path);
    expect(whole.rows).toEqual(rows);
    for (const [batchSize, chunkBytes] of [
      [1, 3],
      [10, 64],
      [300, 1 << 20],
    ]) {
      const got: Row[] = [];
      let lastColumns: string[] = [];
      for await (const b of readRowBatches(path, { batchSize, chunkBytes })) {
        expect(b.offset).toBe(got.length);
        got.push(...b.rows);
        lastColumns = b.columns;
      }
      expect(got).toEqual(whole.rows);
      expect(lastColumns).toEqual(whole.columns);
    }
  });

  it('a bad line is reported with its line number when streaming', async () => {
    const it = readRowBatches(join(FIX, 'bad-json.jsonl'), { batchSize: 1, chunkBytes: 4 });
    await expect(
      (async () => {
        for await (const _ of it) void _;
      })(),
    ).rejects.toThrow(/bad-json\.jsonl \(line 3\): invalid JSON/);
  });
});

describe('JSONL writer', () => {
  it('round-trips values, and writes only the asked columns', () => {
    const rows: Row[] = [
      { id: 1, text: 'quote " and\nnewline', ok: true, nested: { a: [1, 'x'] }, none: null },
      { id: 2.5, text: 'ünïcødé 😀' },
    ];
    const path = join(tmp, 'w.jsonl');
    writeRows(path, rows);
    expect(readRows(path).rows).toEqual(rows);
    writeRows(path, rows, { columns: ['text', 'id'] });
    expect(readFileSync(path, 'utf8')).toBe('{"text":"quote \\" and\\nnewline","id":1}\n{"text":"ünïcødé 😀","id":2.5}\n');
  });

  it('an unserialisable value is an error naming the row', () => {
    expect(dataError(() => toJSONL([{ a: 1 }, { a: 10n }], undefined, 'out.jsonl')).message).toMatch(
      /^out\.jsonl \(row 1\): cannot write row as JSON/,
    );
  });
});
