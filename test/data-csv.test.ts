import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvParser, parseCSV, toCSV, writeRows, writeRowStream } from '../src/internal.js';
import { readGoldLabels, readRowBatches, readRows, defineLabels, type Row } from '../src/index.js';
import { dataError } from './data-helpers.js';

const FIX = join(import.meta.dirname, 'fixtures/data');
const SPAM = join(import.meta.dirname, '../examples/spam/data');
const tmp = mkdtempSync(join(tmpdir(), 'ballot-data-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(path: string, opts: Parameters<typeof readRowBatches>[1]) {
  const rows: Row[] = [];
  const offsets: number[] = [];
  for await (const b of readRowBatches(path, opts)) {
    expect(b.rows.length).toBeLessThanOrEqual(opts.batchSize);
    offsets.push(b.offset);
    rows.push(...b.rows);
  }
  return { rows, offsets };
}

describe('CSV reader', () => {
  it('parses quotes, "" escapes, embedded commas and newlines, CRLF, BOM, empty fields and blank lines', () => {
    const d = readRows(join(FIX, 'good.csv'));
    expect(d.format).toBe('csv');
    expect(d.columns).toEqual(['id', 'text', 'label']); // BOM stripped from "id"
    expect(d.rows).toEqual([
      { id: '1', text: 'plain text', label: 'SPAM' },
      { id: '2', text: 'with, comma', label: 'HAM' },
      { id: '3', text: 'she said "hi"', label: 'HAM' },
      { id: '4', text: 'two\r\nlines', label: 'SPAM' },
      { id: '5', text: '', label: 'HAM' },
      { id: '6', text: '', label: 'SPAM' },
      { id: '7', text: '  spaced  ', label: 'HAM' },
      { id: '8', text: 'héllo 😀 wörld', label: 'SPAM' },
    ]);
  });

  it('reads TSV by extension, and any delimiter by option', () => {
    const d = readRows(join(FIX, 'good.tsv'));
    expect(d.format).toBe('tsv');
    expect(d.rows).toEqual([
      { id: '1', text: 'a, b', label: 'SPAM' },
      { id: '2', text: 'tab\there', label: 'HAM' },
    ]);
    expect(parseCSV('a;b\n"x;y";2\n', 'f', { delimiter: ';' }).rows).toEqual([{ a: 'x;y', b: '2' }]);
    // quote: false reads quotes as ordinary characters (plain IANA TSV)
    expect(parseCSV('a\tb\n5" screen\t"x"\n', 'f', { delimiter: '\t', quote: false }).rows).toEqual([{ a: '5" screen', b: '"x"' }]);
  });

  it('keeps values as strings: no type guessing', () => {
    expect(parseCSV('n,b,z\n007,true,1e3\n', 'f').rows).toEqual([{ n: '007', b: 'true', z: '1e3' }]);
  });

  it('handles lone-CR line ends and a last record without a newline', () => {
    expect(parseCSV('a,b\r1,2\r3,"x\ry"', 'f').rows).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: 'x\ry' },
    ]);
  });

  it('gives the same rows whatever chunk boundaries the text is split at', () => {
    const text = '\uFEFFa,b,c\r\n"q""x","line1\r\nline2",\r\n\r\nplain,"",z\n"a,b","c""d",e\r';
    const whole = parseCSV(text, 'f').rows;
    expect(whole).toEqual([
      { a: 'q"x', b: 'line1\r\nline2', c: '' },
      { a: 'plain', b: '', c: 'z' },
      { a: 'a,b', b: 'c"d', c: 'e' },
    ]);
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2 += 3) {
        const p = new CsvParser('f');
        const rows = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut, cut2)), ...p.push(text.slice(cut2)), ...p.end()];
        expect(rows, `cuts at ${cut}, ${cut2}`).toEqual(whole);
      }
    }
    // one character at a time
    const p = new CsvParser('f');
    const rows: Row[] = [];
    for (const ch of text) rows.push(...p.push(ch));
    rows.push(...p.end());
    expect(rows).toEqual(whole);
  });

  it('parses the real YouTube Psy comments: 350 rows, 175 spam, quotes and commas intact', () => {
    const d = readRows(join(SPAM, 'Youtube01-Psy.csv'));
    expect(d.columns).toEqual(['COMMENT_ID', 'AUTHOR', 'DATE', 'CONTENT', 'CLASS']);
    expect(d.rows).toHaveLength(350);
    expect(d.rows.filter((r) => r.CLASS === '1')).toHaveLength(175);
    expect(d.rows.filter((r) => r.CLASS === '0')).toHaveLength(175);
    expect(d.rows.filter((r) => String(r.CONTENT).includes(','))).toHaveLength(71);
    expect(d.rows.filter((r) => String(r.CONTENT).includes('"'))).toHaveLength(8);
    expect(d.rows[0].COMMENT_ID).toBe('LZQPQhLyRh80UYxNuaDWhIGQYNQ96IuCg-AYWqNPjpU');
  });

  it('keeps the embedded newline of the real Eminem comments file', () => {
    const d = readRows(join(SPAM, 'Youtube04-Eminem.csv'));
    expect(d.rows).toHaveLength(448);
    const multi = d.rows.filter((r) => String(r.CONTENT).includes('\n'));
    expect(multi).toHaveLength(1);
    expect(String(multi[0].CONTENT).startsWith('This great Warning will happen soon. ,0\nLneaDw26bFst76VHKJL8PxaEy6VMNlvmriUDTSFK6vY')).toBe(true);
  });
});

describe('CSV errors name the file and the physical line', () => {
  const cases: [string, number, RegExp][] = [
    ['unterminated.csv', 3, /unterminated quoted field 2 \("text"\): the quote opened on line 3 is never closed/],
    ['wrong-fields.csv', 4, /expected 3 fields \(as in the header\), got 4/],
    ['too-few.csv', 3, /expected 3 fields \(as in the header\), got 2/],
    ['stray-quote.csv', 3, /stray quote inside unquoted field 2 \("text"\)/],
    ['after-quote.csv', 2, /unexpected "x" after the closing quote of field 2/],
    ['dup-header.csv', 1, /header names "id" twice \(columns 1 and 3\)/],
    ['empty-header.csv', 1, /header column 2 has an empty name/],
  ];
  for (const [name, line, what] of cases) {
    it(name, async () => {
      const path = join(FIX, name);
      const e = dataError(() => readRows(path));
      expect(e.file).toBe(path);
      expect(e.line).toBe(line);
      expect(e.message).toContain(`${path} (line ${line}): `);
      expect(e.message).toMatch(what);
      // streaming reports the same error, even with tiny chunks
      await expect(collect(path, { batchSize: 1, chunkBytes: 3 })).rejects.toThrow(e.message);
    });
  }

  it('an empty file, invalid UTF-8, a missing file and an unknown extension are clear errors', () => {
    expect(dataError(() => readRows(join(FIX, 'empty.csv'))).message).toMatch(/empty\.csv: the file is empty: expected a header row/);
    expect(dataError(() => readRows(join(FIX, 'bad-utf8.csv'))).message).toMatch(/bad-utf8\.csv: the file is not valid UTF-8/);
    expect(dataError(() => readRows(join(FIX, 'nope.csv'))).message).toMatch(/nope\.csv: no such file/);
    expect(dataError(() => readRows(join(FIX, 'unknown.xyz'))).message).toMatch(
      /unknown\.xyz: cannot tell the data format from the extension "\.xyz"/,
    );
    expect(readRows(join(FIX, 'unknown.xyz'), { format: 'csv' }).rows).toEqual([{ a: '1', b: '2' }]);
  });

  it('counts lines inside quoted fields, so later errors point at the right line', () => {
    const e = dataError(() => parseCSV('a,b\n"1\n2\r\n3",x\n"y",z,extra\n', 'mem.csv'));
    expect(e.line).toBe(5);
    // the same with CRLF line ends split anywhere across chunks
    const text = 'a,b\r\n"1\r\n2\r\n",x\r\n"y",z,extra\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new CsvParser('mem.csv');
      const err = dataError(() => [p.push(text.slice(0, cut)), p.push(text.slice(cut)), p.end()]);
      expect(err.line, `cut at ${cut}`).toBe(5);
    }
  });
});

describe('CSV batches', () => {
  it('concatenate to exactly the whole read, with quoted newlines across chunk boundaries', async () => {
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({
      id: String(i),
      text: i % 3 === 0 ? `multi\nline "${i}",\r\nwith, commas ${'é'.repeat(i % 7)}` : `plain ${i}`,
      label: i % 2 ? 'SPAM' : 'HAM',
    }));
    const path = join(tmp, 'batches.csv');
    writeFileSync(path, toCSV(rows, ['id', 'text', 'label']).replaceAll('\n', '\r\n'));
    const whole = readRows(path);
    expect(whole.rows).toHaveLength(300);
    for (const [batchSize, chunkBytes] of [
      [1, 5],
      [7, 13],
      [64, 1000],
      [1000, 1 << 20],
    ]) {
      const { rows: got, offsets } = await collect(path, { batchSize, chunkBytes });
      expect(got).toEqual(whole.rows);
      expect(offsets).toEqual(Array.from({ length: Math.ceil(300 / batchSize) }, (_, b) => b * batchSize));
    }
  });

  it('match the whole read of the real YouTube file, and report the header as columns', async () => {
    const path = join(SPAM, 'Youtube04-Eminem.csv');
    const whole = readRows(path);
    const seen: string[][] = [];
    const rows: Row[] = [];
    for await (const b of readRowBatches(path, { batchSize: 50, chunkBytes: 4096 })) {
      seen.push(b.columns);
      rows.push(...b.rows);
    }
    expect(rows).toEqual(whole.rows);
    expect(seen.every((c) => c.join() === whole.columns.join())).toBe(true);
  });
});

describe('CSV writer', () => {
  const tricky: Row[] = [
    { id: '1', text: 'plain', note: '' },
    { id: '2', text: 'comma, inside', note: 'quote " inside' },
    { id: '3', text: 'new\nline and\r\ncrlf', note: '""' },
    { id: '4', text: '  leading and trailing spaces  ', note: 'ünïcødé 😀 日本語' },
    { id: '5', text: '\uFEFFstarts with a BOM', note: 'tab\there' },
  ];

  it('quotes only when needed', () => {
    expect(toCSV(tricky.slice(0, 2), ['id', 'text', 'note'])).toBe('id,text,note\n1,plain,\n2,"comma, inside","quote "" inside"\n');
    // a one-column file writes empty values as "" so they are not mistaken for skipped blank lines
    expect(toCSV([{ a: '' }, { a: 'x' }], ['a'])).toBe('a\n""\nx\n');
    expect(toCSV([{ n: 1.5, b: true, z: null, u: undefined, o: { k: 1 } }], ['n', 'b', 'z', 'u', 'o'])).toBe('n,b,z,u,o\n1.5,true,,,"{""k"":1}"\n');
  });

  for (const fmt of ['csv', 'tsv'] as const) {
    it(`round-trips through the ${fmt} reader`, () => {
      const path = join(tmp, `trip.${fmt}`);
      writeRows(path, tricky);
      const back = readRows(path);
      expect(back.columns).toEqual(['id', 'text', 'note']);
      expect(back.rows).toEqual(tricky);
      const one = join(tmp, `one.${fmt}`);
      writeRows(one, [{ a: '' }, { a: 'x' }, { a: '' }]);
      expect(readRows(one).rows).toEqual([{ a: '' }, { a: 'x' }, { a: '' }]);
    });
  }

  it('writes a dataset with its column order, or the columns asked for', () => {
    const path = join(tmp, 'cols.csv');
    writeRows(path, { file: 'x', format: 'csv', columns: ['note', 'id'], rows: tricky.slice(0, 1) });
    expect(readFileSync(path, 'utf8')).toBe('note,id\n,1\n');
    writeRows(path, tricky.slice(0, 1), { columns: ['text'] });
    expect(readFileSync(path, 'utf8')).toBe('text\nplain\n');
  });

  it('writes atomically: only the target file is left in the directory', () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    for (let i = 0; i < 3; i++) writeRows(join(dir, 'out.csv'), tricky);
    writeRows(join(dir, 'out.jsonl'), tricky);
    writeRows(join(dir, 'out.arrow'), tricky);
    expect(readdirSync(dir).sort()).toEqual(['out.arrow', 'out.csv', 'out.jsonl']);
  });
});

describe('gold labels', () => {
  const Spam = defineLabels(['HAM', 'SPAM'] as const);

  it('accepts class indices ("0"/"1") and class names', () => {
    const d = readRows(join(SPAM, 'Youtube01-Psy.csv'));
    const y = readGoldLabels(d.rows, 'CLASS', Spam, d.file);
    expect(y).toBeInstanceOf(Int32Array);
    expect(y.length).toBe(350);
    expect(y.reduce((a, b) => a + b, 0)).toBe(175);
    expect(Array.from(readGoldLabels([{ y: 'SPAM' }, { y: 'HAM' }, { y: 1 }, { y: ' 0 ' }], 'y', Spam, 'f'))).toEqual([1, 0, 1, 0]);
  });

  it('a class name wins over an index reading of the same string', () => {
    const Odd = defineLabels(['1', '0'] as const);
    expect(Array.from(readGoldLabels([{ y: '1' }, { y: '0' }], 'y', Odd, 'f'))).toEqual([0, 1]);
  });

  it('unknown or missing values are errors naming file, row, value and valid labels', () => {
    const e = dataError(() => readGoldLabels([{ y: 'HAM' }, { y: 'EGGS' }], 'y', Spam, 'gold.csv'));
    expect(e.row).toBe(1);
    expect(e.message).toBe('gold.csv (row 1): gold label "EGGS" in column "y" is not a class; valid labels are HAM (0), SPAM (1)');
    expect(dataError(() => readGoldLabels([{ y: '2' }], 'y', Spam, 'g')).message).toMatch(/gold label "2"/);
    const m = dataError(() => readGoldLabels([{ y: 'HAM' }, { y: 'SPAM' }, { y: '' }], 'y', Spam, 'g'));
    expect(m.row).toBe(2);
    expect(m.message).toMatch(/gold label missing in column "y"/);
    expect(dataError(() => readGoldLabels([{ x: 1 }], 'label', Spam, 'g')).message).toBe('g: no gold label column "label"; columns are x');
  });

  it('allowMissing maps empty, null, missing and -1 to -1', () => {
    const rows: Row[] = [{ y: '' }, { y: null }, {}, { y: -1 }, { y: '-1' }, { y: 'SPAM' }];
    expect(Array.from(readGoldLabels(rows, 'y', Spam, 'g', { allowMissing: true }))).toEqual([-1, -1, -1, -1, -1, 1]);
  });
});

describe('CSV written in batches', () => {
  it('equals toCSV of all the rows, with a quoted header holding a line break and more rows than a batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballot-csv-batches-'));
    const columns = ['a\nb', 'c,d', 'e'];
    const rows: Row[] = Array.from({ length: 7 }, (_, i) => ({ 'a\nb': `x${i}`, 'c,d': i % 2 ? 'y "q"' : '', e: i }));
    writeRowStream(join(dir, 'out.csv'), rows, { columns, batchRows: 3 });
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(toCSV(rows, columns));
    expect(readRows(join(dir, 'out.csv')).columns).toEqual(columns);
    rmSync(dir, { recursive: true, force: true });
  });
});
