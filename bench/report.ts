/**
 * `npm run bench:report`: the report page's size, generation time and open time in headless Chromium, for the spam
 * demo and for a generated 1M-row matrix (seeded, from a known model), beside baselines measured in the same run:
 * writing the same data as plain JSON, one pass over the votes (matrixSummary), and opening a page holding only that
 * JSON (no charts). Open time = navigation until the load event with every chart rendered; 'charts drawn at' is the
 * page's own mark (ms since navigation start); medians of 3 opens after one warm-up.
 * Usage: node bin/run-ts.mjs bench/report.ts [n=1000000] [m=20]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpamDemo, buildReport, collectReportData, scriptJSON } from '../src/internal.js';
import { matrixSummary, writeFileAtomic, type Row, LabelMatrix, createLabelModel, createRng } from '../src/index.js';
import { formatTable } from '../src/cli/format/table.js';
import { launchChromium, openReport, type Browser } from '../test/chromium.js';

const [n, m] = [Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 20)];
const dir = mkdtempSync(join(tmpdir(), 'ballot-bench-report-'));

function synthetic(n: number, m: number, seed: number) {
  const rng = createRng(seed);
  const k = 2;
  const coverage = Array.from({ length: m }, () => 0.02 + 0.25 * rng.next());
  const accuracy = Array.from({ length: m }, () => 0.55 + 0.4 * rng.next());
  const gold = new Int32Array(n).fill(-1);
  const votes = new Int8Array(n * m);
  const rows: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.next() < 0.3 ? 1 : 0;
    if (i % 10 === 0) gold[i] = y; // a dev set: every tenth row has its given label
    for (let j = 0; j < m; j++) {
      votes[i * m + j] = rng.next() >= coverage[j] ? -1 : rng.next() < accuracy[j] ? y : 1 - y;
    }
    rows[i] = { text: `synthetic comment ${i} <b>${y ? 'spam' : 'ham'}</b>`, shard: `shard-${i % 12}` };
  }
  return { L: new LabelMatrix({ n, m, votes, labels: ['HAM', 'SPAM'], lfNames: Array.from({ length: m }, (_, j) => `lf_${j}`) }), gold, rows };
}

const ms = (t0: number) => performance.now() - t0;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

/** Median over 3 opens (after a warm-up) of the time to load with every chart drawn, and of the in-page charts-done mark. */
async function openTimes(b: Browser, file: string): Promise<{ open: number; charts: number }> {
  const open: number[] = [];
  const charts: number[] = [];
  for (let r = 0; r < 4; r++) {
    const { page, errors, ms } = await openReport(b, file);
    if (errors.length) throw new Error(`${file}: console errors ${errors.join(' | ')}`);
    const t = await page.evaluate(() => (window as unknown as { __reportTimings?: { charts: number } }).__reportTimings?.charts ?? NaN);
    await page.close();
    if (r > 0) {
      open.push(ms);
      charts.push(t);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
  return { open: median(open), charts: median(charts) };
}

/** A page holding only the JSON: the floor of what loading the data costs in the browser. */
function jsonOnlyPage(json: string): string {
  return `<!doctype html><meta charset="utf-8"><script type="application/json" id="d">${json}</script><script>JSON.parse(document.getElementById('d').textContent);document.documentElement.setAttribute('data-ready','0')</script>`;
}

const browser = await launchChromium();
const table: (string | number)[][] = [];
try {
  // The spam demo: its report as the demo writes it.
  const demo = await runSpamDemo({ outDir: join(dir, 'demo'), quick: true });
  const demoOpen = await openTimes(browser, demo.page.file);
  table.push([
    'spam demo (1,836 rows × 12 LFs)',
    mb(demo.page.bytes),
    (1000 * demo.page.seconds).toFixed(0),
    '',
    '',
    demoOpen.open.toFixed(0),
    demoOpen.charts.toFixed(0),
    '',
  ]);

  // 1M rows.
  let t0 = performance.now();
  const { L, gold, rows } = synthetic(n, m, 7);
  const tGen = ms(t0);
  t0 = performance.now();
  const model = createLabelModel('wmv');
  model.fit(L);
  const tFit = ms(t0);
  t0 = performance.now();
  matrixSummary(L);
  const tPass = ms(t0);
  t0 = performance.now();
  const data = collectReportData({ L, model, gold, rows, textColumn: 'text', by: 'shard', title: `bench: ${n} rows × ${m} LFs` });
  const tCollect = ms(t0);
  t0 = performance.now();
  const html = await buildReport(data);
  writeFileAtomic(join(dir, 'big.html'), html);
  const tBuild = ms(t0);
  t0 = performance.now();
  const json = scriptJSON(data);
  writeFileSync(join(dir, 'big.json'), json);
  const tJSON = ms(t0);
  writeFileSync(join(dir, 'big-json-only.html'), jsonOnlyPage(json));
  const bigOpen = await openTimes(browser, join(dir, 'big.html'));
  const jsonOpen = await openTimes(browser, join(dir, 'big-json-only.html'));
  table.push([
    `generated (${n.toLocaleString('en-US')} rows × ${m} LFs)`,
    mb(Buffer.byteLength(html)),
    (tCollect + tBuild).toFixed(0),
    `${tCollect.toFixed(0)} + ${tBuild.toFixed(0)}`,
    `${tJSON.toFixed(0)} (JSON ${mb(json.length)}); one pass ${tPass.toFixed(0)}`,
    bigOpen.open.toFixed(0),
    bigOpen.charts.toFixed(0),
    jsonOpen.open.toFixed(0),
  ]);
  console.log(
    `(${n.toLocaleString('en-US')}-row matrix generated in ${(tGen / 1000).toFixed(1)} s, wmv fitted in ${(tFit / 1000).toFixed(1)} s; ${data.flags.length} flags listed)`,
  );
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  formatTable(
    ['page', 'size', 'generate ms', 'collect + build ms', 'baseline: write JSON ms', 'open ms', 'charts drawn at ms', 'baseline: open JSON-only ms'],
    table,
  ),
);
