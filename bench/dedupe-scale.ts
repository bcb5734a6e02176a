/**
 * `npm run bench:dedupe`: near-duplicate search on short, low-vocabulary text (the case that was superlinear: 60k rows
 * 7.4 s, 240k 45.9 s at threshold 0.8), with the LSH bucket cap (default) beside no cap (the old behaviour), both in
 * this run. Near-linear means the seconds grow like the row count.
 *
 *   node bin/run-ts.mjs bench/dedupe-scale.ts [--rows 60000,240000] [--threshold 0.8] [--uncapped-max 240000]
 */
import { DEFAULT_BUCKET_CAP, findDuplicates } from '../src/internal.js';
import { createRng } from '../src/index.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('rows', '60000,240000').split(',').map(Number);
const threshold = Number(arg('threshold', '0.8'));
const uncappedMax = Number(arg('uncapped-max', '240000'));
const WORDS = ['ok', 'yes', 'no', 'lol', 'hi', 'thx', 'good', 'bad', 'nice', 'wow', 'cool', 'sure'];

function rows(n: number): { text: string }[] {
  const rng = createRng(7);
  return Array.from({ length: n }, () => ({ text: Array.from({ length: 2 + rng.int(4) }, () => WORDS[rng.int(WORDS.length)]).join(' ') }));
}

console.log(`| rows | cap ${DEFAULT_BUCKET_CAP}: s | near found | rows capped | no cap: s | near found |`);
console.log('|---|---|---|---|---|---|');
for (const n of sizes) {
  const data = rows(n);
  let t = performance.now();
  const capped = findDuplicates(data, { threshold, column: 'text' });
  const cs = (performance.now() - t) / 1000;
  let uncapped = '-';
  let un = '-';
  if (n <= uncappedMax) {
    t = performance.now();
    const u = findDuplicates(data, { threshold, column: 'text', bucketCap: Infinity });
    uncapped = ((performance.now() - t) / 1000).toFixed(2);
    un = String(u.near);
  }
  console.log(`| ${n.toLocaleString('en-US')} | ${cs.toFixed(2)} | ${capped.near} | ${capped.cappedRows} | ${uncapped} | ${un} |`);
}
