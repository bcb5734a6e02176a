/**
 * `npm run bench:memory`: peak RSS of apply, predict, sample and disagreements at growing row counts, each step in
 * its own child process (so each maxRSS is its own), beside the input size. apply, predict and disagreements stream
 * (predict, sample and disagreements read the label matrix chunk by chunk) and should stay flat in n. Baselines
 * measured in the same run: the in-memory predict, sample and disagreements (whole matrix and probabilities) at every n, and predict through writeRows (every row
 * object built first) at the smallest n.
 *
 *   node bin/run-ts.mjs bench/memory.ts [--rows 1000000,10000000] [--lfs 10] [--dir D]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sample step's recipe: ranked parts only, so `ballot sample` streams it. */
const SAMPLE_RECIPE = { budget: 1000, seed: 1, parts: [{ uncertainty: 0.5 }, { random: 0.5 }] };
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const mib = (bytes: number) => bytes / 2 ** 20;

// ------------------------------------------------------------------------------------------------ child steps
if (process.argv.includes('--child')) {
  const step = arg('child', '');
  const dir = arg('dir', '');
  const n = Number(arg('n', '0'));
  const m = Number(arg('lfs', '10'));
  const data = join(dir, `data-${n}.arrow`);
  const L = join(dir, `L-${n}.arrow`);
  if (step === 'generate') {
    const { RowWriter } = await import('../src/data/row-writer.js');
    const w = new RowWriter(data, { columns: ['id', 'score', 'text'], types: { id: 'int32', score: 'float64', text: 'utf8' } });
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      w.write({ id: i, score: x / 2 ** 31, text: `row ${i % 997}` });
    }
    w.close();
  } else if (step === 'apply') {
    const { applyFile } = await import('../src/project/apply-file.js');
    await applyFile({ data, lfs: [join(dir, 'lfs.ts')], out: L, workers: 1, cache: false, progress: false });
  } else if (step === 'predict') {
    // Streamed: the matrix is read, predicted and written chunk by chunk.
    const { predictFile } = await import('../src/project/predictions.js');
    const { MajorityVote } = await import('../src/label-model/majority-vote.js');
    await predictFile(L, join(dir, 'pred.csv'), new MajorityVote());
  } else if (step === 'sample') {
    // Streamed: ranked parts keep their best rows chunk by chunk (sampleFile).
    const { sampleFile } = await import('../src/project/sample-file.js');
    const { prepareRecipe } = await import('../src/sampling/index.js');
    const { MajorityVote } = await import('../src/label-model/majority-vote.js');
    await sampleFile({ recipe: prepareRecipe(SAMPLE_RECIPE), L, model: new MajorityVote(), modelFile: 'mv', out: join(dir, 'next.csv') });
  } else if (step === 'disagreements') {
    const { disagreementsFromFile } = await import('../src/analysis/disagreements-stream.js');
    const { disagreementColumns, disagreementRecords } = await import('../src/analysis/records.js');
    const { writeRowStream } = await import('../src/data/row-writer.js');
    const { report } = await disagreementsFromFile(L, { top: 1000, topPerLF: 100 });
    writeRowStream(join(dir, 'flags.csv'), disagreementRecords(report), { columns: disagreementColumns(report) });
  } else {
    // The in-memory paths (the whole matrix and n × k probabilities as typed arrays): sample, and the baselines.
    const { loadLabelMatrix } = await import('../src/data/label-matrix-io.js');
    const { MajorityVote } = await import('../src/label-model/majority-vote.js');
    const matrix = loadLabelMatrix(L);
    const mv = new MajorityVote();
    if (step === 'predict-memory') {
      const { writePredictions } = await import('../src/project/predictions.js');
      writePredictions(join(dir, 'pred-memory.csv'), mv, matrix);
    } else if (step === 'predict-writeRows') {
      const { writeRows } = await import('../src/data/write.js');
      const { probsToPreds } = await import('../src/label-model/predict.js');
      const probs = mv.predictProba(matrix);
      const preds = probsToPreds(probs, matrix.k);
      const rows = Array.from({ length: matrix.n }, (_, i) => ({
        row: i,
        label: preds[i] >= 0 ? matrix.labels[preds[i]] : '',
        label_index: preds[i],
        p_NEG: probs[2 * i],
        p_POS: probs[2 * i + 1],
      }));
      writeRows(join(dir, 'pred-old.csv'), rows);
    } else if (step === 'sample-memory') {
      const { createSampleContext, prepareRecipe, runRecipe, writeSample } = await import('../src/sampling/index.js');
      const ctx = createSampleContext({ probs: mv.predictProba(matrix), L: matrix });
      writeSample(join(dir, 'next-memory.csv'), runRecipe(prepareRecipe(SAMPLE_RECIPE), ctx));
    } else if (step === 'disagreements-memory') {
      const { disagreements } = await import('../src/analysis/disagreements.js');
      const { disagreementColumns, disagreementRecords } = await import('../src/analysis/records.js');
      const { writeRowStream } = await import('../src/data/row-writer.js');
      const report = disagreements(matrix, mv.predictProba(matrix), { top: 1000, topPerLF: 100 });
      writeRowStream(join(dir, 'flags-memory.csv'), disagreementRecords(report), { columns: disagreementColumns(report) });
    }
  }
  process.stdout.write(`${JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS })}\n`);
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------ driver
const sizes = arg('rows', '1000000,10000000').split(',').map(Number);
const m = Number(arg('lfs', '10'));
const keep = process.argv.includes('--dir');
const dir = keep ? resolve(arg('dir', '')) : mkdtempSync(join(tmpdir(), 'ballot-bench-memory-'));
mkdirSync(join(dir, 'node_modules'), { recursive: true });
if (!existsSync(join(dir, 'node_modules', 'ballot'))) symlinkSync(repo, join(dir, 'node_modules', 'ballot'), 'dir');
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
// Cheap LFs (thresholds on the score), so the bench measures memory, not LF speed.
writeFileSync(
  join(dir, 'lfs.ts'),
  `import { ABSTAIN, labelingFunction } from 'ballot';\nexport const labels = ['NEG', 'POS'];\n` +
    Array.from(
      { length: m },
      (_, j) =>
        `export const t${j} = labelingFunction({ name: 't${j}', vote: (r: any) => (r.score > ${(j + 1) / (m + 2)} ? 'POS' : r.score < ${j / (m + 4)} ? 'NEG' : ABSTAIN) });\n`,
    ).join(''),
);

function child(step: string, n: number): { mib: number; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(repo, 'bin', 'run-ts.mjs'), fileURLToPath(import.meta.url), '--child', step, '--dir', dir, '--n', String(n), '--lfs', String(m)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`${step} at ${n} rows failed (${r.status ?? r.signal}): ${r.stderr.slice(-800)}`);
  const line = r.stdout.trim().split('\n').at(-1)!;
  return { mib: JSON.parse(line).maxRSSKiB / 1024, seconds: (performance.now() - t0) / 1000 };
}

const STEPS = ['apply', 'predict', 'sample', 'disagreements'] as const;
// Baselines measured in the same run at every n: the in-memory paths predict and disagreements took before streaming.
const BASELINES = ['predict-memory', 'sample-memory', 'disagreements-memory'] as const;
const table: string[] = [];
table.push(`| rows | data MiB | L MiB | ${[...STEPS, ...BASELINES].map((s) => `${s} peak RSS MiB`).join(' | ')} |`);
table.push(`|${'---|'.repeat(3 + STEPS.length + BASELINES.length)}`);
let baseline: { n: number; mib: number } | undefined;
try {
  for (const n of sizes) {
    if (!existsSync(join(dir, `data-${n}.arrow`))) child('generate', n);
    const cells: string[] = [];
    for (const s of [...STEPS, ...BASELINES]) {
      const r = child(s, n);
      cells.push(`${r.mib.toFixed(0)} (${r.seconds.toFixed(1)} s)`);
      process.stderr.write(`  ${n.toLocaleString('en-US')} rows ${s}: ${r.mib.toFixed(0)} MiB in ${r.seconds.toFixed(1)} s\n`);
    }
    if (!baseline) baseline = { n, mib: child('predict-writeRows', n).mib };
    table.push(
      `| ${n.toLocaleString('en-US')} | ${mib(statSync(join(dir, `data-${n}.arrow`)).size).toFixed(0)} | ${mib(statSync(join(dir, `L-${n}.arrow`)).size).toFixed(0)} | ${cells.join(' | ')} |`,
    );
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
console.log(table.join('\n'));
if (baseline)
  console.log(
    `\nbaseline (same run): predict through writeRows (all ${baseline.n.toLocaleString('en-US')} row objects first): ${baseline.mib.toFixed(0)} MiB peak RSS`,
  );
console.log(
  'Each cell: peak RSS of that step in its own process (wall seconds). apply streams the data; predict and disagreements stream the label matrix (chunks of 65,536 rows; disagreements reads it twice); sample streams it too (each part keeps its best rows per chunk); *-memory are the in-memory paths (loadLabelMatrix + whole probabilities), measured as the baseline.',
);
