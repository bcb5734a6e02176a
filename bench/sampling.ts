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
import { formatTable } from '../src/cli/format/table.js';
import { LabelMatrix, MajorityVote, createRng } from '../src/index.js';
import { DUP_KEPT, createSampleContext, findDuplicates, normalizeText, prepareRecipe, runRecipe, writeSample, type Recipe } from '../src/internal.js';

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
const editSource = new Map<number, number>();
for (let i = 0; i < N; i++) {
  const u = rng.next();
  let text: string;
  if (i > 1000 && u < 0.05) {
    const src = rows[rng.int(i)].text;
    const v = rng.int(3);
    text = v === 0 ? src.toUpperCase() : v === 1 ? `${src}!!!` : src.replace(/ /g, ', ');
    plantedExact++;
  } else if (i > 1000 && u < 0.08) {
    const from = rng.int(i);
    const src = rows[from].text;
    editSource.set(i, from);
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
// Wall time, and this process's CPU time (user + system): the machine may be shared, and CPU time is the steadier
// of the two when other processes compete for the cores.
const cpu: Record<string, number> = {};
const time = <T>(f: () => T, label: string): [T, number] => {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = f();
  const used = process.cpuUsage(c);
  cpu[label] = (used.user + used.system) / 1e6;
  return [r, (performance.now() - t) / 1000];
};

const [ctx, ctxSeconds] = time(() => createSampleContext({ probs, L, rows }), 'ctx');
const [dd, dedupeSeconds] = time(() => findDuplicates(rows, { threshold: 0.9 }), 'dedupe');
const [noDedupe, noDedupeSeconds] = time(() => runRecipe(prepareRecipe({ ...recipe, dedupe: false }), ctx), 'noDedupe');
const [result, recipeSeconds] = time(() => runRecipe(prepareRecipe(recipe), ctx), 'recipe');
const [fullResult, fullSeconds] = time(() => runRecipe(prepareRecipe(recipe), { probs, L, rows }), 'full');
const dir = mkdtempSync(join(tmpdir(), 'ballot-bench-sampling-'));
const out = join(dir, 'next.arrow');
const [, writeSeconds] = time(() => writeSample(out, result), 'write');
const outBytes = statSync(out).size;
rmSync(dir, { recursive: true, force: true });
if (fullResult.indices.length !== BUDGET || noDedupe.indices.length !== BUDGET) throw new Error('the recipe did not fill the budget');

// Recall check at scale: planted one-character edits whose exact shingle Jaccard with their source is ≥ 0.9 must be
// flagged (as near-duplicates, or exact ones when the edit vanished in normalization).
const shingleSet = (text: string): Set<string> => {
  const s = normalizeText(text);
  const out = new Set<string>();
  if (s.length < 5) out.add(s);
  for (let p = 0; p + 5 <= s.length; p++) out.add(s.slice(p, p + 5));
  return out;
};
let similarEdits = 0;
let flaggedEdits = 0;
for (const [i, from] of editSource) {
  if (dd.status[from] !== DUP_KEPT) continue; // the source was itself dropped; its representative may differ more
  const a = shingleSet(rows[i].text);
  const b = shingleSet(rows[from].text);
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  if (inter / (a.size + b.size - inter) < 0.9) continue;
  similarEdits++;
  if (dd.status[i] !== DUP_KEPT) flaggedEdits++;
}

console.log(
  `pool: ${N.toLocaleString('en-US')} rows, texts ~${avgLen.toFixed(0)} chars, ${M} LFs, 2 classes (generated in ${genSeconds.toFixed(1)} s)`,
);
console.log(
  `planted: ${plantedExact} case/punctuation re-posts, ${plantedEdits} one-character edits; found ${dd.exact} exact + ${dd.near} near duplicates (threshold 0.9, ${dd.numHashes} hashes, ${dd.bands} bands × ${dd.rowsPerBand})`,
);
console.log(`recall: ${flaggedEdits} of the ${similarEdits} planted edits with Jaccard ≥ 0.9 to their (kept) source were flagged`);
console.log('');
console.log(
  formatTable(
    ['step', 'wall s', 'cpu s', 'rows/s (wall)'],
    [
      ['context (hard labels, vote counts, checks)', ctxSeconds, cpu.ctx, Math.round(N / ctxSeconds)],
      ['dedupe alone (exact + MinHash/LSH)', dedupeSeconds, cpu.dedupe, Math.round(N / dedupeSeconds)],
      [`recipe without dedupe (budget ${BUDGET})`, noDedupeSeconds, cpu.noDedupe, Math.round(N / noDedupeSeconds)],
      [`recipe with dedupe (budget ${BUDGET})`, recipeSeconds, cpu.recipe, Math.round(N / recipeSeconds)],
      ['recipe with dedupe, from raw inputs', fullSeconds, cpu.full, Math.round(N / fullSeconds)],
      [`write ${BUDGET} rows to Arrow (${(outBytes / 1024).toFixed(0)} KiB)`, writeSeconds, cpu.write, Math.round(BUDGET / writeSeconds)],
    ],
  ),
);
console.log('');
console.log(
  `recipe over ${N.toLocaleString('en-US')} rows: ${fullSeconds.toFixed(2)} s end to end, ${cpu.full.toFixed(2)} s CPU (${result.report.parts.map((p) => `${p.name} ${p.picked}`).join(', ')}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
