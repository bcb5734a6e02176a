// Data IO throughput: CSV/JSONL/Arrow read + write and label-matrix save/load on synthetic data.
// Usage: node bin/run-ts.mjs bench/io.ts [--rows 200000] [--lm-rows 1000000] [--lm-lfs 100]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRowBatches, readRows, writeRows, loadLabelMatrix, saveLabelMatrix, LabelMatrix, createRng, type Row } from '../src/index.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const ROWS = arg('rows', 200_000);
const LM_ROWS = arg('lm-rows', 1_000_000);
const LM_LFS = arg('lm-lfs', 100);

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

const dir = mkdtempSync(join(tmpdir(), 'ballot-io-bench-'));
try {
  const rng = createRng(7);
  const words = ['free', 'subscribe', 'check out', 'my channel', 'love this song', 'héllo wörld', 'great "video"', 'a, b', 'line\nbreak', '😀'];
  const rows: Row[] = Array.from({ length: ROWS }, (_, i) => {
    let text = '';
    const nw = 3 + rng.int(12);
    for (let w = 0; w < nw; w++) text += (w ? ' ' : '') + words[rng.int(words.length)];
    return { id: `c${i}`, author: `user${rng.int(5000)}`, text, label: String(rng.int(2)) };
  });
  console.log(`rows: ${ROWS} (4 string columns, text with quotes, commas, newlines, non-ASCII)`);
  console.log('format  write ms  read ms  MB     MB/s read  batches(10k) ms');
  for (const fmt of ['csv', 'jsonl', 'arrow'] as const) {
    const path = join(dir, `rows.${fmt}`);
    const [, tw] = time(() => writeRows(path, rows, { columns: ['id', 'author', 'text', 'label'] }));
    const [d, tr] = time(() => readRows(path));
    if (d.rows.length !== ROWS) throw new Error(`${fmt}: read ${d.rows.length} rows`);
    const [count, tb] = await timeAsync(async () => {
      let c = 0;
      for await (const b of readRowBatches(path, { batchSize: 10_000 })) c += b.rows.length;
      return c;
    });
    if (count !== ROWS) throw new Error(`${fmt}: batches gave ${count} rows`);
    const mb = statSync(path).size / 1e6;
    console.log(
      `${fmt.padEnd(7)} ${tw.toFixed(0).padStart(8)} ${tr.toFixed(0).padStart(8)}  ${mb.toFixed(1).padEnd(6)} ${(mb / (tr / 1000)).toFixed(0).padStart(9)}  ${tb.toFixed(0).padStart(15)}`,
    );
  }

  const votes = new Int8Array(LM_ROWS * LM_LFS);
  for (let p = 0; p < votes.length; p++) votes[p] = rng.int(4) - 1;
  const L = new LabelMatrix({
    n: LM_ROWS,
    m: LM_LFS,
    votes,
    labels: ['A', 'B', 'C'],
    lfNames: Array.from({ length: LM_LFS }, (_, j) => `lf_${j}`),
  });
  const lmPath = join(dir, 'L.arrow');
  const [, ts] = time(() => saveLabelMatrix(lmPath, L));
  const [L2, tl] = time(() => loadLabelMatrix(lmPath));
  let same = L2.n === L.n && L2.m === L.m;
  for (let p = 0; same && p < votes.length; p++) same = L2.votes[p] === votes[p];
  console.log(
    `label matrix ${LM_ROWS}×${LM_LFS}: save ${ts.toFixed(0)} ms, load ${tl.toFixed(0)} ms, ` +
      `${(statSync(lmPath).size / 1e6).toFixed(0)} MB, round trip ${same ? 'exact' : 'MISMATCH'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
