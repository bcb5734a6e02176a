import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, tableToIPC, vectorFromArray, Utf8, Int32 } from 'apache-arrow';
import { readRows, OverlapStats, LabelMatrix } from '../src/internal.js';
import { planShards, readShardRows } from '../src/project/distributed/shards.js';
import { decodeStats, encodeStats } from '../src/project/distributed/files.js';
import { parseRedisUrl } from '../src/project/distributed/redis.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballot-shards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Shards read one by one concatenate to exactly the rows of a whole-file read. */
async function expectSameRows(path: string, shardRows: number, format: 'csv' | 'tsv' | 'jsonl' | 'arrow', minShards: number) {
  const shards = await planShards(path, format, shardRows);
  expect(shards.length).toBeGreaterThanOrEqual(minShards);
  const rows = [];
  for (const s of shards) rows.push(...(await readShardRows(path, format, s.range)));
  expect(rows).toEqual(readRows(path).rows);
}

describe('shards', () => {
  it('cut CSV at record boundaries, never inside a quoted field with line breaks, commas or "" escapes (CRLF too)', async () => {
    const lines = ['id,text'];
    for (let i = 0; i < 500; i++) lines.push(i % 7 === 0 ? `${i},"multi\nline, ""quoted""\r\nend"` : `${i},plain ${i}`);
    const path = join(dir, 'q.csv');
    writeFileSync(path, `\uFEFF${lines.join('\r\n')}\r\n\r\n`);
    await expectSameRows(path, 37, 'csv', 10);
    await expectSameRows(path, 1, 'csv', 400);
  });

  it('cut JSONL at line breaks (blank lines and a missing final newline included) and TSV without a trailing newline', async () => {
    const jl = join(dir, 'a.jsonl');
    writeFileSync(jl, Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? '' : JSON.stringify({ id: i, s: `x\n${i}` }))).join('\n'));
    await expectSameRows(jl, 20, 'jsonl', 10);
    const tsv = join(dir, 'a.tsv');
    writeFileSync(tsv, ['a\tb', ...Array.from({ length: 100 }, (_, i) => `${i}\tv${i}`)].join('\n'));
    await expectSameRows(tsv, 9, 'tsv', 10);
  });

  it('cut Arrow files between record batches', async () => {
    const batches = [0, 1, 2, 3, 4].map(
      (b) =>
        new Table({
          id: vectorFromArray(
            Array.from({ length: 30 + b }, (_, i) => b * 100 + i),
            new Int32(),
          ),
          s: vectorFromArray(
            Array.from({ length: 30 + b }, (_, i) => `r${b}-${i}`),
            new Utf8(),
          ),
        }).batches[0],
    );
    const path = join(dir, 'a.arrow');
    writeFileSync(path, tableToIPC(new Table(batches), 'file'));
    const shards = await planShards(path, 'arrow', 50);
    expect(shards.map((s) => s.rows)).toEqual([61, 65, 34]);
    await expectSameRows(path, 50, 'arrow', 3);
  });

  it('statistics files round-trip and shard statistics add up to the whole matrix', () => {
    const n = 1000,
      m = 4,
      k = 3;
    const votes = Int8Array.from({ length: n * m }, (_, i) => ((i * 7919) % 4) - 1);
    const L = new LabelMatrix({ n, m, votes, lfNames: ['a', 'b', 'c', 'd'], labels: ['x', 'y', 'z'] });
    const whole = OverlapStats.fromLabelMatrix(L);
    const parts = [OverlapStats.fromLabelMatrix(L, 0, 300), OverlapStats.fromLabelMatrix(L, 300, 1000)].map(
      (s) =>
        decodeStats(
          encodeStats({ rows: s.n, lfNames: [...L.lfNames], labels: [...L.labels], errorCounts: [0, 0, 0, 0], uncovered: s.uncovered }, s),
          'mem',
        ).stats,
    );
    const merged = parts[0].merge(parts[1]);
    expect(Array.from(merged.counts)).toEqual(Array.from(whole.counts));
    expect([merged.n, merged.uncovered]).toEqual([whole.n, whole.uncovered]);
  });

  it('many seldom co-voting LFs write only the nonzero cells, which read back to the same counts; bad cells are refused', () => {
    const n = 2000;
    const m = 300;
    const votes = new Int8Array(n * m).fill(-1);
    // Each row: 3 LFs, so most of the 600 × 601 / 2 cells stay 0; every 7th row votes LF 0 (a busy row of cells).
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < 3; t++) votes[i * m + ((i * 31 + t * 97) % m)] = (i + t) % 2;
      if (i % 7 === 0) votes[i * m] = 1;
    }
    const L = new LabelMatrix({ n, m, votes, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`), labels: ['x', 'y'] });
    const stats = OverlapStats.fromLabelMatrix(L);
    const header = { rows: n, lfNames: [...L.lfNames], labels: [...L.labels], errorCounts: new Array(m).fill(0), uncovered: stats.uncovered };
    const bytes = encodeStats(header, stats);
    const d = 2 * m;
    expect(bytes.length).toBeLessThan((8 * (d * (d + 1))) / 2 / 10); // the dense triangle would be 1.44 MB
    const back = decodeStats(bytes, 'mem');
    expect(back.header.cells).toBe('sparse');
    expect(Array.from(back.stats.counts)).toEqual(Array.from(stats.counts));
    expect([back.stats.n, back.stats.uncovered]).toEqual([stats.n, stats.uncovered]);
    // Re-encoding a decoded header keeps one `cells` field; a dense set of LFs keeps the whole triangle.
    expect(decodeStats(encodeStats(back.header, back.stats), 'mem').stats.counts).toEqual(stats.counts);
    const dense = LabelMatrix.fromRows(
      Array.from({ length: 64 }, (_, i) => [i % 2, (i >> 1) % 2, (i >> 2) % 2, (i >> 3) % 2]),
      ['x', 'y'],
    );
    const denseStats = OverlapStats.fromLabelMatrix(dense);
    const denseBack = decodeStats(encodeStats({ ...header, lfNames: [...dense.lfNames], errorCounts: [0, 0, 0, 0] }, denseStats), 'mem');
    expect(denseBack.header.cells).toBeUndefined();
    expect(Array.from(denseBack.stats.counts)).toEqual(Array.from(denseStats.counts));
    // A truncated body and a position past the triangle are each one clear error naming the file.
    expect(() => decodeStats(bytes.subarray(0, bytes.length - 8), 'shard-3.bin')).toThrow(/shard-3\.bin.*sparse statistics hold/);
    const broken = new Uint8Array(bytes);
    const len = new DataView(broken.buffer).getUint32(4, true);
    new DataView(broken.buffer).setUint32(8 + len + 8, 0xffffffff, true); // the first cell's position
    expect(() => decodeStats(broken, 'shard-3.bin')).toThrow(/shard-3\.bin.*cell position 4294967295 is out of order or past/);
  });

  it('parses redis URLs with user, password and database; refuses other schemes', () => {
    const t = parseRedisUrl('redis://alice:p%40ss@10.0.0.5:6380/3');
    expect(t.options).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3, username: 'alice', password: 'p@ss' });
    expect(t.shown).toBe('redis://alice:***@10.0.0.5:6380/3');
    expect(() => parseRedisUrl('http://x:1/0')).toThrow(/expected redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://h:1/abc')).toThrow(/database after the host must be a number/);
  });
});
