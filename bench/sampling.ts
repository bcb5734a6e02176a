/**
 * `npm run bench:sampling`: a sampling recipe over 1M rows (the issue's example recipe: confident 0.6 by class,
 * uncertainty 0.2, random 0.1, coverageGap 0.1, MinHash dedupe at 0.9, budget 2000), timed phase by phase.
 *
 * The pool is synthetic but shaped like comment data: texts of 5–20 Zipf-distributed words (~80 characters),
 * 5 % re-posts that differ only by case/punctuation/spacing, 3 % one-character edits; 10 LFs of 30 % coverage and
 * 80 % accuracy on a 75/25 class split, probabilities from majority vote.
 *
 *   node bin/run-ts.mjs bench/sampling.ts [--rows 1000000] [--budget 2000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../src/cli/output.js';
import { LabelMatrix } from '../src/lf/label-matrix.js';
import { MajorityVote } from '../src/label-model/majority-vote.js';
import { createSampleContext, findDuplicates, prepareRecipe, runRecipe, writeSample, type Recipe } from '../src/sampling/index.js';
import { createRng } from '../src/util/rng.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const N = arg('rows', 1_000_000);
const BUDGET = arg('budget', 2000);
const M = 10;

// ------------------------------------------------------------------------------------------------ synthetic pool
const rng = createRng(99);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'xe', 'zu', 'pe', 'da', 'go', 'hi', 'fu', 'ba'];
const VOCAB = 20_000;
const vocab = Array.from({ length: VOCAB }, () => Array.from({ length: 1 + rng.int(4) }, () => syllables[rng.int(syllables.length)]).join(''));
const cumulative = new Float64Array(VOCAB);
{
  let s = 0;
  for (let i = 0; i < VOCAB; i++) cumulative[i] = s += 1 / (i + 1);
  for (let i = 0; i < VOCAB; i++) cumulative[i] /= s;
}
const word = (): string => {
  const u = rng.next();
  let lo = 0;
  let hi = VOCAB - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return vocab[lo];
};

const tGen = performance.now();
const rows: { id: number; text: string }[] = new Array(N);
const truth = new Int8Array(N);
let plantedExact = 0;
let plantedEdits = 0;
for (let i = 0; i < N; i++) {
  const u = rng.next();
  let text: string;
  if (i > 1000 && u < 0.05) {
    const src = rows[rng.int(i)].text;
    const v = rng.int(3);
    text = v === 0 ? src.toUpperCase() : v === 1 ? `${src}!!!` : src.replace(/ /g, ', ');
    plantedExact++;
  } else if (i > 1000 && u < 0.08) {
    const src = rows[rng.int(i)].text;
    const at = rng.int(src.length);
    text = `${src.slice(0, at)}${src[at] === 'q' ? 'j' : 'q'}${src.slice(at + 1)}`;
    plantedEdits++;
  } else {
    text = Array.from({ length: 5 + rng.int(16) }, word).join(' ');
  }
  truth[i] = rng.next() < 0.25 ? 1 : 0;
  rows[i] = { id: i, text };
}
const votes = new Int8Array(N * M);
for (let i = 0, p = 0; i < N; i++) {
  for (let j = 0; j < M; j++, p++) votes[p] = rng.next() < 0.3 ? (rng.next() < 0.8 ? truth[i] : 1 - truth[i]) : -1;
}
const L = new LabelMatrix({ n: N, m: M, votes, lfNames: Array.from({ length: M }, (_, j) => `lf${j}`), labels: ['HAM', 'SPAM'] });
const probs = new MajorityVote().predictProba(L);
const avgLen = rows.reduce((a, r) => a + r.text.length, 0) / N;
const genSeconds = (performance.now() - tGen) / 1000;

// ------------------------------------------------------------------------------------------------ timings
const recipe: Recipe = {
  budget: BUDGET,
  seed: 7,
  parts: [{ confident: 0.6, by: 'class' }, { uncertainty: 0.2 }, { random: 0.1 }, { coverageGap: 0.1 }],
  dedupe: { threshold: 0.9 },
};
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};

const [ctx, ctxSeconds] = time(() => createSampleContext({ probs, L, rows }));
const [dd, dedupeSeconds] = time(() => findDuplicates(rows, { threshold: 0.9 }));
const [noDedupe, noDedupeSeconds] = time(() => runRecipe(prepareRecipe({ ...recipe, dedupe: false }), ctx));
const [result, recipeSeconds] = time(() => runRecipe(prepareRecipe(recipe), ctx));
const [fullResult, fullSeconds] = time(() => runRecipe(prepareRecipe(recipe), { probs, L, rows }));
const dir = mkdtempSync(join(tmpdir(), 'ballot-bench-sampling-'));
const out = join(dir, 'next.arrow');
const [, writeSeconds] = time(() => writeSample(out, result));
const outBytes = statSync(out).size;
rmSync(dir, { recursive: true, force: true });
if (fullResult.indices.length !== BUDGET || noDedupe.indices.length !== BUDGET) throw new Error('the recipe did not fill the budget');

console.log(`pool: ${N.toLocaleString('en-US')} rows, texts ~${avgLen.toFixed(0)} chars, ${M} LFs, 2 classes (generated in ${genSeconds.toFixed(1)} s)`);
console.log(`planted: ${plantedExact} case/punctuation re-posts, ${plantedEdits} one-character edits; found ${dd.exact} exact + ${dd.near} near duplicates (threshold 0.9, ${dd.numHashes} hashes, ${dd.bands} bands × ${dd.rowsPerBand})`);
console.log('');
console.log(
  formatTable(
    ['step', 'seconds', 'rows/s'],
    [
      ['context (hard labels, vote counts, checks)', ctxSeconds, Math.round(N / ctxSeconds)],
      ['dedupe alone (exact + MinHash/LSH)', dedupeSeconds, Math.round(N / dedupeSeconds)],
      [`recipe without dedupe (budget ${BUDGET})`, noDedupeSeconds, Math.round(N / noDedupeSeconds)],
      [`recipe with dedupe (budget ${BUDGET})`, recipeSeconds, Math.round(N / recipeSeconds)],
      ['recipe with dedupe, from raw inputs', fullSeconds, Math.round(N / fullSeconds)],
      [`write ${BUDGET} rows to Arrow (${(outBytes / 1024).toFixed(0)} KiB)`, writeSeconds, Math.round(BUDGET / writeSeconds)],
    ],
  ),
);
console.log('');
console.log(`recipe over ${N.toLocaleString('en-US')} rows: ${fullSeconds.toFixed(2)} s end to end (${result.report.parts.map((p) => `${p.name} ${p.picked}`).join(', ')}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
