/**
 * `npm run bench:apply`: throughput and peak memory of `ballot apply` on a large Arrow file.
 *
 * Generates Arrow files of N rows (a `text` column of 5–14 words and a numeric `score` column) and an LF module
 * with 100 cheap LFs (60 keywordLF on the text, 40 thresholdLF on the score) in a temp dir, then runs the apply
 * (no cache, so every LF is evaluated) for 1 worker and for all cores, each in its own child process so each
 * peak RSS is its own. Prints rows/s and LF evaluations/s of the streaming pass, wall time and peak RSS.
 *
 *   node bin/run-ts.mjs bench/apply.ts [--rows 1000000,4000000] [--lfs 100] [--workers 1,all] [--batch-size 8192] [--dir D]
 *
 * `--dir D` works in D and keeps the generated files there (reused by the next run) instead of a temp dir.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsyncByteQueue, Field, Float64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Utf8 } from 'apache-arrow';
import { createRng } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

// ------------------------------------------------------------------------------------------------ child mode
if (process.argv.includes('--child')) {
  const { applyFile } = await import('../src/project/apply-file.js');
  const r = await applyFile({
    data: arg('data', ''),
    lfs: [arg('lf-file', '')],
    out: arg('out', ''),
    workers: Number(arg('workers', '1')),
    batchSize: Number(arg('batch-size', '8192')),
    cache: false,
    progress: false,
  });
  process.stdout.write(
    `${JSON.stringify({ rows: r.rows, lfs: r.lfs.length, workers: r.workers, seconds: r.seconds, applySeconds: r.applySeconds, maxRSSKiB: process.resourceUsage().maxRSS })}\n`,
  );
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------ data and LFs
const VOCAB_SIZE = 2000;
const rng = createRng(2024);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'xe', 'zu', 'pe', 'da', 'go', 'hi', 'fu'];
const vocab = Array.from({ length: VOCAB_SIZE }, (_, i) => {
  let w = '';
  for (let s = 0, x = i + 7; s < 2 + (i % 3); s++, x = Math.floor(x / syllables.length) + s * 3) w += syllables[x % syllables.length];
  return `${w}${i}`;
});
// Zipf-like word frequencies so some keywords are common and most are rare, as in real text.
const cumulative = new Float64Array(VOCAB_SIZE);
{
  let s = 0;
  for (let i = 0; i < VOCAB_SIZE; i++) cumulative[i] = s += 1 / (i + 1);
  for (let i = 0; i < VOCAB_SIZE; i++) cumulative[i] /= s;
}
function drawWord(): string {
  const u = rng.next();
  let lo = 0;
  let hi = VOCAB_SIZE - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return vocab[lo];
}

/** An Arrow byte sink that writes straight to a file (Arrow's default sink keeps everything in memory). */
class FileSink extends AsyncByteQueue {
  constructor(private readonly fd: number) {
    super();
  }
  override write(value: any): void {
    const b: Uint8Array = value instanceof Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off);
  }
}

function writeArrow(path: string, rows: number): void {
  const fields = [new Field('text', new Utf8(), false), new Field('score', new Float64(), false)];
  const schema = new Schema(fields);
  const fd = openSync(path, 'w');
  const writer = new RecordBatchFileWriter();
  writer.reset(new FileSink(fd), schema);
  const enc = new TextEncoder();
  const CHUNK = 65536;
  for (let a = 0; a < rows; a += CHUNK) {
    const len = Math.min(CHUNK, rows - a);
    const offsets = new Int32Array(len + 1);
    let bytes = new Uint8Array(len * 96);
    let pos = 0;
    const score = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      const nw = 5 + rng.int(10);
      let text = drawWord();
      for (let w = 1; w < nw; w++) text += ` ${drawWord()}`;
      if (pos + text.length * 3 > bytes.length) {
        const grown = new Uint8Array(bytes.length * 2);
        grown.set(bytes);
        bytes = grown;
      }
      pos += enc.encodeInto(text, bytes.subarray(pos)).written;
      offsets[i + 1] = pos;
      score[i] = rng.next();
    }
    const text = makeData({ type: new Utf8(), length: len, nullCount: 0, valueOffsets: offsets, data: bytes.subarray(0, pos) });
    const num = makeData({ type: new Float64(), length: len, nullCount: 0, data: score });
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: len, nullCount: 0, children: [text, num] })));
  }
  writer.finish();
  closeSync(fd);
}

function writeLFModule(path: string, count: number): void {
  const lines = ["import { defineLabels, keywordLF, thresholdLF } from 'ballot';", "export const labels = defineLabels(['NEG', 'POS'] as const);"];
  const keywordLFs = Math.round(count * 0.6);
  for (let j = 0; j < count; j++) {
    if (j < keywordLFs) {
      // Keywords spread from common to rare words; one or two per LF.
      const a = vocab[(j * 7) % 400];
      const b = j % 2 ? `, '${vocab[400 + j * 13]}'` : '';
      lines.push(`export const kw${j} = keywordLF({ name: 'kw_${j}', keywords: ['${a}'${b}], label: '${j % 2 ? 'POS' : 'NEG'}' });`);
    } else {
      const t = ((j * 37) % 100) / 100;
      lines.push(
        `export const th${j} = thresholdLF({ name: 'th_${j}', field: 'score', ${j % 2 ? 'above' : 'below'}: ${t}, label: '${j % 2 ? 'POS' : 'NEG'}' });`,
      );
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

// ------------------------------------------------------------------------------------------------ runs
const sizes = arg('rows', '1000000,4000000').split(',').map(Number);
const lfCount = Number(arg('lfs', '100'));
const cores = availableParallelism();
const workerCounts = arg('workers', `1,all`)
  .split(',')
  .map((w) => (w === 'all' ? cores : Number(w)));
const batchSize = arg('batch-size', '8192');

const keep = process.argv.includes('--dir');
const dir = keep ? resolve(arg('dir', '')) : mkdtempSync(join(tmpdir(), 'ballot-apply-bench-'));
try {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  if (!existsSync(join(dir, 'node_modules', 'ballot'))) symlinkSync(repo, join(dir, 'node_modules', 'ballot'), 'dir');
  const lfFile = join(dir, 'lfs.ts');
  writeLFModule(lfFile, lfCount);

  console.log(
    `apply benchmark: ${lfCount} cheap LFs (${Math.round(lfCount * 0.6)} keywordLF, ${lfCount - Math.round(lfCount * 0.6)} thresholdLF), Arrow input, ${cores} cores, batch ${batchSize} rows, no cache`,
  );
  const table: string[][] = [];
  for (const n of sizes) {
    const data = join(dir, `rows-${n}.arrow`);
    const t0 = performance.now();
    if (!keep || !existsSync(data)) writeArrow(data, n);
    console.log(
      `${keep && performance.now() - t0 < 50 ? 'reused' : 'generated'} ${n.toLocaleString('en-US')} rows (${(statSync(data).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    for (const w of workerCounts) {
      const out = join(dir, `L-${n}-${w}.arrow`);
      const r = spawnSync(
        process.execPath,
        [
          join(repo, 'bin/run-ts.mjs'),
          fileURLToPath(import.meta.url),
          '--child',
          '--data',
          data,
          '--lf-file',
          lfFile,
          '--out',
          out,
          '--workers',
          String(w),
          '--batch-size',
          batchSize,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (r.status !== 0) {
        console.log(`  run with ${w} workers failed: ${r.stderr || r.stdout}`);
        continue;
      }
      const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      const rowsPerSec = res.rows / res.applySeconds;
      table.push([
        n.toLocaleString('en-US'),
        String(w),
        Math.round(rowsPerSec).toLocaleString('en-US'),
        `${((rowsPerSec * res.lfs) / 1e6).toFixed(2)}M`,
        res.applySeconds.toFixed(1),
        res.seconds.toFixed(1),
        `${Math.round(res.maxRSSKiB / 1024)}`,
      ]);
      console.log(`  ${w} worker${w > 1 ? 's' : ''}: ${table.at(-1)!.slice(2).join(' | ')}`);
      rmSync(out, { force: true });
    }
    if (!keep) rmSync(data, { force: true });
  }
  const header = ['rows', 'workers', 'rows/s', 'LF evals/s', 'apply s', 'total s', 'peak RSS MiB'];
  const widths = header.map((h, j) => Math.max(h.length, ...table.map((r) => r[j].length)));
  console.log(`\n| ${header.map((h, j) => h.padEnd(widths[j])).join(' | ')} |`);
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(`| ${r.map((c, j) => c.padStart(widths[j])).join(' | ')} |`);
  console.log('\n"apply s" is the streaming pass (read, evaluate, write columns); "total s" adds LF discovery, worker start and writing L.arrow.');
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
