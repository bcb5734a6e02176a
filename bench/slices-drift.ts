/**
 * `npm run bench:drift`: slices and drift on n rows (default 1M) of a seeded synthetic set, beside a baseline measured
 * in the same run: one pass of lfSummary over the same matrix. Rows carry a text of 8 words (vocabulary of 2,000), a
 * categorical `source` and a numeric `score`; the "new" set has a shifted class balance and vocabulary.
 * Usage: node bin/run-ts.mjs bench/slices-drift.ts [n=1000000] [m=20]
 */
import {
  LabelMatrix,
  MajorityVote,
  lfSummary,
  analyzeSlices,
  slicesByColumn,
  driftReport,
  evaluateSlices,
  sliceFunction,
  createRng,
} from '../src/index.js';
import { formatTable } from '../src/cli/format/table.js';

const [n, m] = [Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 20)];
const VOCAB = Array.from({ length: 2000 }, (_, i) => `w${i}`);

/** The matrix, gold for 10% of rows and per-row facts (source id, score, word ids); rows are built later from them. */
function synthetic(seed: number, spam: number, vocabShift: number) {
  const rng = createRng(seed);
  const coverage = Array.from({ length: m }, (_, j) => 0.05 + 0.3 * createRng(j).next());
  const accuracy = Array.from({ length: m }, (_, j) => 0.6 + 0.35 * createRng(100 + j).next());
  const votes = new Int8Array(n * m).fill(-1);
  const gold = new Int32Array(n).fill(-1);
  const source = new Uint8Array(n),
    score = new Float64Array(n),
    words = new Int16Array(n * 8);
  for (let i = 0; i < n; i++) {
    const y = rng.next() < spam ? 1 : 0;
    if (i % 10 === 0) gold[i] = y;
    for (let j = 0; j < m; j++) if (rng.next() < coverage[j]) votes[i * m + j] = rng.next() < accuracy[j] ? y : 1 - y;
    for (let t = 0; t < 8; t++) words[i * 8 + t] = Math.min(1999, Math.floor(rng.next() ** 2 * 1500) + vocabShift);
    const u = rng.next();
    source[i] = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    score[i] = rng.next() * 100;
  }
  const L = new LabelMatrix({ n, m, votes, labels: ['HAM', 'SPAM'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
  return { L, gold, source, score, words };
}

const SOURCES = ['web', 'mobile', 'api'];
function rowsOf(s: ReturnType<typeof synthetic>) {
  return Array.from({ length: n }, (_, i) => {
    const w: string[] = [];
    for (let t = 0; t < 8; t++) w.push(VOCAB[s.words[i * 8 + t]]);
    return { text: w.join(' '), source: SOURCES[s.source[i]], score: s.score[i] };
  });
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

const [ref, tGen] = time(() => synthetic(1, 0.4, 0));
const cur = synthetic(2, 0.55, 100);
const probs = new MajorityVote().predictProba(ref.L);

// Phase 1: label matrices only (no rows in memory), as `ballot drift` without --data.
const [, tBase1] = time(() => lfSummary(ref.L, { gold: ref.gold }));
const bySource = SOURCES.map((name, s) => ({
  name: `source=${name}`,
  mask: Uint8Array.from(ref.source, (x) => (x === s ? 1 : 0)),
  source: 'column' as const,
  errors: 0,
}));
const [rep1, tSlices1] = time(() => analyzeSlices({ L: ref.L, probs, gold: ref.gold, slices: bySource }));
const [d1, tDriftL] = time(() => driftReport({ L: ref.L }, { L: cur.L }));

// Phase 2: with 2 × n rows in memory (a larger heap makes every collection slower: the baseline is re-measured).
const [refRows, tRows] = time(() => rowsOf(ref));
const curRows = rowsOf(cur);
const [, tBase2] = time(() => lfSummary(ref.L, { gold: ref.gold }));
const fns = [
  sliceFunction({ name: 'has_w7', test: (r: { text: string }) => r.text.includes('w7 ') }),
  sliceFunction({ name: 'high_score', test: (r: { score: number }) => r.score > 90 }),
];
const [fnSlices, tFn] = time(() => evaluateSlices(refRows, fns));
const [colSlices, tCol] = time(() => [
  ...slicesByColumn(refRows, 'source').slices,
  ...slicesByColumn(refRows, 'length:text').slices,
  ...slicesByColumn(refRows, 'score').slices,
]);
const slices = [...fnSlices, ...colSlices];
const [sliceRep, tSlices] = time(() => analyzeSlices({ L: ref.L, probs, gold: ref.gold, slices }));
const [d2, tDriftAll] = time(() => driftReport({ L: ref.L, rows: refRows }, { L: cur.L, rows: curRows }, { textColumn: 'text' }));

console.log(
  `slices and drift on n=${n.toLocaleString('en')} rows × m=${m} LFs (ms, one run each; matrices took ${(tGen / 1000).toFixed(1)} s to generate, rows ${(tRows / 1000).toFixed(1)} s)`,
);
console.log(
  formatTable(
    ['phase', 'step', 'ms', '× baseline', 'what'],
    [
      ['matrices', 'baseline: lfSummary + gold', tBase1, 1, 'one pass over the matrix'],
      [
        'matrices',
        'analyzeSlices',
        tSlices1,
        tSlices1 / tBase1,
        `${bySource.length} slices (source), ${rep1.underperforming.length} underperforming`,
      ],
      ['matrices', 'driftReport', tDriftL, tDriftL / tBase1, `${d1.checks.length} checks: ${d1.verdict.status}`],
      ['+ rows', 'baseline: lfSummary + gold', tBase2, 1, 'the same pass, 2 × n rows on the heap'],
      ['+ rows', 'evaluateSlices', tFn, tFn / tBase2, `${fns.length} slice functions`],
      ['+ rows', 'slicesByColumn', tCol, tCol / tBase2, `${colSlices.length} slices: source, length:text, score`],
      ['+ rows', 'analyzeSlices', tSlices, tSlices / tBase2, `${slices.length} slices`],
      ['+ rows', 'driftReport + columns + text', tDriftAll, tDriftAll / tBase2, `${d2.checks.length} checks: ${d2.verdict.status}`],
    ],
  ),
);
