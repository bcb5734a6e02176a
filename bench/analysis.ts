/**
 * `npm run bench:analysis`: wall time of the analysis functions on synthetic label matrices (seeded, generated from a
 * known model: each LF covers a random fraction of rows and votes the true class with its own accuracy).
 * Usage: node bin/run-ts.mjs bench/analysis.ts [n=1000000] [m=100] [k=2]
 */
import { LabelMatrix, MajorityVote, lfSummary, matrixSummary, lfCorrelations, disagreements, createRng } from '../src/index.js';
import { formatTable } from '../src/cli/format/table.js';

const [n, m, k] = [Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 100), Number(process.argv[4] ?? 2)];

function synthetic(n: number, m: number, k: number, seed: number, coverageScale: number) {
  const rng = createRng(seed);
  const coverage = Array.from({ length: m }, () => coverageScale * (0.02 + 0.3 * rng.next()));
  const accuracy = Array.from({ length: m }, () => 0.55 + 0.4 * rng.next());
  const gold = new Int32Array(n);
  const votes = new Int8Array(n * m);
  for (let i = 0; i < n; i++) {
    const y = rng.int(k);
    gold[i] = y;
    for (let j = 0; j < m; j++) {
      if (rng.next() >= coverage[j]) {
        votes[i * m + j] = -1;
        continue;
      }
      votes[i * m + j] = rng.next() < accuracy[j] ? y : (y + 1 + rng.int(k - 1)) % k;
    }
  }
  const labels = Array.from({ length: k }, (_, y) => `c${y}`);
  return { L: new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) }), gold };
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

const rows: (string | number)[][] = [];
for (const [label, scale] of [
  ['sparse LFs', 1],
  ['dense LFs', 5],
] as const) {
  const { L, gold } = synthetic(n, m, k, 42, scale);
  const probs = new MajorityVote().predictProba(L);
  const [, tSummary] = time(() => lfSummary(L, { gold }));
  const [, tMatrix] = time(() => matrixSummary(L));
  const [, tCorr] = time(() => lfCorrelations(L));
  const [rep, tDis] = time(() => disagreements(L, probs, { gold, top: 50 }));
  const votesPerRow = matrixSummary(L).meanVotesPerRow;
  rows.push([label, votesPerRow, tSummary, tMatrix, tCorr, tDis, rep.flags.length]);
}
console.log(`analysis on n=${n.toLocaleString('en')} rows × m=${m} LFs × k=${k} classes (ms, one run each; machine load affects these)`);
console.log(formatTable(['matrix', 'votes/row', 'lfSummary+gold', 'matrixSummary', 'lfCorrelations', 'disagreements', 'flags'], rows));
