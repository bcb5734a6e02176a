/**
 * `npm run bench:drift`: slices and drift on n rows (default 1M) of a seeded synthetic set, beside a baseline measured
 * in the same run: one pass of lfSummary over the same matrix. Rows carry a text of 8 words (vocabulary of 2,000), a
 * categorical `source` and a numeric `score`; the "new" set has a shifted class balance and vocabulary.
 * Usage: node bin/run-ts.mjs bench/slices-drift.ts [n=1000000] [m=20]
 */
import { LabelMatrix } from '../src/lf/label-matrix.js';
import { MajorityVote } from '../src/label-model/majority-vote.js';
import { lfSummary } from '../src/analysis/lf-summary.js';
import { analyzeSlices } from '../src/analysis/slices.js';
import { slicesByColumn } from '../src/analysis/slice-columns.js';
import { driftReport } from '../src/analysis/drift.js';
import { evaluateSlices } from '../src/lf/slice-apply.js';
import { sliceFunction } from '../src/lf/slice-function.js';
import { createRng } from '../src/util/rng.js';
import { formatTable } from '../src/cli/output.js';

const [n, m] = [Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 20)];
const VOCAB = Array.from({ length: 2000 }, (_, i) => `w${i}`);

function synthetic(seed: number, spam: number, vocabShift: number) {
  const rng = createRng(seed);
  const coverage = Array.from({ length: m }, (_, j) => 0.05 + 0.3 * createRng(j).next());
  const accuracy = Array.from({ length: m }, (_, j) => 0.6 + 0.35 * createRng(100 + j).next());
  const votes = new Int8Array(n * m).fill(-1);
  const gold = new Int32Array(n).fill(-1);
  const rows: { text: string; source: string; score: number }[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.next() < spam ? 1 : 0;
    if (i % 10 === 0) gold[i] = y;
    for (let j = 0; j < m; j++) if (rng.next() < coverage[j]) votes[i * m + j] = rng.next() < accuracy[j] ? y : 1 - y;
    const words: string[] = [];
    for (let t = 0; t < 8; t++) words.push(VOCAB[Math.min(1999, Math.floor(rng.next() ** 2 * 1500) + vocabShift)]);
    const u = rng.next();
    rows[i] = { text: words.join(' '), source: u < 0.5 ? 'web' : u < 0.8 ? 'mobile' : 'api', score: rng.next() * 100 };
  }
  const L = new LabelMatrix({ n, m, votes, labels: ['HAM', 'SPAM'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
  return { L, gold, rows };
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

const [ref, tGen] = time(() => synthetic(1, 0.4, 0));
const cur = synthetic(2, 0.55, 100);
const [, tBase] = time(() => lfSummary(ref.L, { gold: ref.gold }));
const probs = new MajorityVote().predictProba(ref.L);
const fns = [
  sliceFunction({ name: 'has_w7', test: (r: { text: string }) => r.text.includes('w7 ') }),
  sliceFunction({ name: 'high_score', test: (r: { score: number }) => r.score > 90 }),
];
const [fnSlices, tFn] = time(() => evaluateSlices(ref.rows, fns));
const [colSlices, tCol] = time(() => [...slicesByColumn(ref.rows, 'source').slices, ...slicesByColumn(ref.rows, 'length:text').slices, ...slicesByColumn(ref.rows, 'score').slices]);
const slices = [...fnSlices, ...colSlices];
const [sliceRep, tSlices] = time(() => analyzeSlices({ L: ref.L, probs, gold: ref.gold, slices }));
const [d1, tDriftL] = time(() => driftReport({ L: ref.L }, { L: cur.L }));
const [d2, tDriftAll] = time(() => driftReport({ L: ref.L, rows: ref.rows }, { L: cur.L, rows: cur.rows }, { textColumn: 'text' }));

console.log(`slices and drift on n=${n.toLocaleString('en')} rows × m=${m} LFs (ms, one run each; generating the two sets took ${(tGen / 1000).toFixed(1)} s each)`);
console.log(formatTable(['step', 'ms', '× baseline', 'what'], [
  ['baseline: lfSummary + gold', tBase, 1, 'one pass over the matrix'],
  ['evaluateSlices (2 functions)', tFn, tFn / tBase, `${fns.length} slice functions over the rows`],
  ['slicesByColumn (3 specs)', tCol, tCol / tBase, `${colSlices.length} slices: source, length:text, score`],
  ['analyzeSlices', tSlices, tSlices / tBase, `${slices.length} slices, ${sliceRep.underperforming.length} underperforming`],
  ['driftReport (matrices only)', tDriftL, tDriftL / tBase, `${d1.checks.length} checks: ${d1.verdict.status}`],
  ['driftReport (+ columns + text)', tDriftAll, tDriftAll / tBase, `${d2.checks.length} checks: ${d2.verdict.status}`],
]));
