/**
 * The spam demo, end to end on real data: read the YouTube Spam Collection, apply the LFs in ./lfs.ts, summarize
 * them, fit label models without labels, score them on a held-out video, flag likely label errors, and write the
 * next training set. `ballot demo` calls `runSpamDemo` and prints its report.
 *
 * Split, as in Snorkel's spam tutorial: comments on the Psy, Katy Perry, LMFAO and Eminem videos are the unlabeled
 * training pool (their CLASS column is never read); the 370 comments on the Shakira video are split once, with a fixed
 * seed, into 120 validation rows (labels used to choose the label model, as `--model auto` does) and 250 test rows
 * (labels used only to score).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lfCorrelations, type LFCorrelation } from '../analysis/correlation.js';
import { disagreements } from '../analysis/disagreements.js';
import { type LFSummaryRow, type MatrixSummary, summarizeMatrix } from '../analysis/lf-summary.js';
import { disagreementRecords } from '../analysis/records.js';
import { writeFileAtomic, writeJSONFile } from '../data/atomic.js';
import { readGoldLabels } from '../data/gold.js';
import { saveLabelMatrix } from '../data/label-matrix-io.js';
import { readRows } from '../data/read.js';
import type { Row } from '../data/types.js';
import { writeRows } from '../data/write.js';
import { scorePredictions } from '../label-model/metrics.js';
import { createLabelModel } from '../label-model/registry.js';
import type { LabelModel } from '../label-model/types.js';
import { applyLFs } from '../lf/apply.js';
import { type LabelMatrix, LabelMatrix as Matrix } from '../matrix/label-matrix.js';
import type { LabelSpace } from '../matrix/labels.js';
import type { LabelingFunction } from '../lf/labeling-function.js';
import { loadRecipe } from '../sampling/recipe.js';
import type { SampleReport } from '../sampling/run-recipe.js';
import { sampleRows, writeSample } from '../sampling/output.js';
import { buildReport, collectReportData } from '../report/index.js';
import { ConfigError } from '../util/errors.js';
import { createRng } from '../util/rng.js';
import { loadLFModules } from './load.js';
import { ballotRoot } from '../util/package-root.js';
import { planNextBatch } from '../sampling/plan.js';
import { Featurizer } from '../end-model/features.js';
import { crossFitProba } from '../end-model/end-model.js';

// From the package root, so the compiled demo (dist/) finds the data shipped in examples/spam/.
/** The demo's files ship with the package under examples/spam (data, LFs, recipe); the demo reads them at run time. */
export const SPAM_EXAMPLE_DIR = join(ballotRoot(), 'examples', 'spam');
export const SPAM_DATA_DIR = join(SPAM_EXAMPLE_DIR, 'data');
/** The demo's LFs: compiled beside the compiled demo (dist/examples/spam/lfs.js), else the TypeScript source. */
export const SPAM_LF_FILE = spamLFFile();

function spamLFFile(): string {
  const compiled = fileURLToPath(new URL('../../examples/spam/lfs.js', import.meta.url));
  return existsSync(compiled) ? compiled : join(SPAM_EXAMPLE_DIR, 'lfs.ts');
}
export const TRAIN_FILES = ['Youtube01-Psy.csv', 'Youtube02-KatyPerry.csv', 'Youtube03-LMFAO.csv', 'Youtube04-Eminem.csv'];
export const TEST_FILE = 'Youtube05-Shakira.csv';
export const RECIPE_FILE = join(SPAM_EXAMPLE_DIR, 'recipe.json');

/** Label models the demo fits and scores. `auto` picks among the others on the validation labels; its pick writes the outputs. */
export const DEMO_MODELS = ['mv', 'wmv', 'ds', 'mc', 'triplet', 'auto'] as const;
export const QUICK_DEMO_MODELS = ['mv', 'auto'] as const;
/** Validation rows taken from the Shakira file; the rest (250, as in Snorkel's tutorial) are the test set. */
export const VALID_ROWS = 120;
/** Fixed seed of the valid/test split, so every run scores on the same 250 rows whatever `--seed` says. */
export const SPLIT_SEED = 123;

export interface SpamDemoOptions {
  /** Where the outputs go (created if missing). */
  outDir: string;
  /** Folder holding the five CSVs (default: examples/spam/data). */
  dataDir?: string;
  /** Seed for tie-breaks, model initialization and sampling. */
  seed?: number;
  /** Quick form (CI): fewer label models. */
  quick?: boolean;
}

export interface ModelScore {
  model: string;
  accuracy: number;
  seconds: number;
}

export interface SpamDemoReport {
  train: { files: string[]; rows: number };
  valid: { file: string; rows: number };
  test: { file: string; rows: number };
  lfCount: number;
  trainSummary: { matrix: MatrixSummary; lfs: LFSummaryRow[]; correlations: LFCorrelation };
  testSummary: { matrix: MatrixSummary; lfs: LFSummaryRow[] };
  scores: ModelScore[];
  chosenModel: string;
  /** Dev scores of auto's candidates (validation rows). */
  selection: { model: string; score: number }[];
  flags: { flagged: number; written: string };
  sample: SampleReport;
  written: string[];
  /** The report page: its size and the seconds to collect its data and build it. */
  page: { file: string; bytes: number; seconds: number };
}

/** The demo's LFs (examples/spam/lfs.ts) and its label space, loaded as a user's LF file is. */
async function spamLFs(): Promise<{ lfs: LabelingFunction<Row, string>[]; labels: LabelSpace }> {
  const loaded = await loadLFModules([SPAM_LF_FILE]);
  if (!loaded.labels) throw new ConfigError(`${SPAM_LF_FILE} must export its label space as \`labels\``);
  return { lfs: loaded.lfs as LabelingFunction<Row, string>[], labels: loaded.labels };
}

function readSplit(dir: string, files: readonly string[]): Row[] {
  return files.flatMap((f) => readRows(join(dir, f)).rows);
}

export async function runSpamDemo(o: SpamDemoOptions): Promise<SpamDemoReport> {
  const dir = resolve(o.dataDir ?? SPAM_DATA_DIR);
  const seed = o.seed ?? 0;
  const { lfs, labels } = await spamLFs();

  const trainParts = TRAIN_FILES.map((f) => readSplit(dir, [f]));
  const trainRows = trainParts.flat();
  const shakira = readSplit(dir, [TEST_FILE]);
  const order = createRng(SPLIT_SEED).shuffle(shakira.map((_, i) => i));
  const validIdx = order.slice(0, VALID_ROWS).sort((a, b) => a - b);
  const testIdx = order.slice(VALID_ROWS).sort((a, b) => a - b);
  const validRows = validIdx.map((i) => shakira[i]);
  const testRows = testIdx.map((i) => shakira[i]);
  const validGold = readGoldLabels(validRows, 'CLASS', labels, join(dir, TEST_FILE));
  const testGold = readGoldLabels(testRows, 'CLASS', labels, join(dir, TEST_FILE));

  const Ltrain = applyLFs(trainRows, lfs, labels);
  const Lvalid = applyLFs(validRows, lfs, labels);
  const Ltest = applyLFs(testRows, lfs, labels);

  const scores: ModelScore[] = [];
  const fitted: LabelModel[] = [];
  let selection: { model: string; score: number }[] = [];
  for (const kind of o.quick ? QUICK_DEMO_MODELS : DEMO_MODELS) {
    const model: LabelModel = createLabelModel(kind);
    const t0 = performance.now();
    // Models reject options they do not take: the seed goes to auto's folds and mc's (snorkel-preset) start only.
    const report = model.fit(Ltrain, kind === 'auto' ? { dev: { L: Lvalid, gold: validGold }, seed } : kind === 'mc' ? { seed } : {});
    if (kind === 'auto') selection = (report.selection?.scores ?? []).map((c) => ({ model: c.model, score: c.score }));
    const preds = model.predict(Ltest, 'random', seed);
    scores.push({ model: model.kind, accuracy: scorePredictions(testGold, preds, labels.k, 'accuracy'), seconds: (performance.now() - t0) / 1000 });
    fitted.push(model);
  }
  // The outputs use auto's pick, made on the validation labels; choosing by test score would leak the test labels.
  const chosen = fitted[fitted.length - 1];

  const written: string[] = [];
  const out = (name: string) => {
    const p = join(o.outDir, name);
    written.push(p);
    return p;
  };
  saveLabelMatrix(out('L_train.arrow'), Ltrain);
  saveLabelMatrix(out('L_valid.arrow'), Lvalid);
  saveLabelMatrix(out('L_test.arrow'), Ltest);
  // The test rows (with their CLASS labels) in L_test's order, for `ballot score --L L_test.arrow --gold test.csv`.
  writeRows(out('test.csv'), { file: 'test.csv', format: 'csv', columns: Object.keys(testRows[0] ?? {}), rows: testRows });
  writeJSONFile(out('model.json'), chosen.toJSON());

  // Likely label errors in the test file: rows whose given CLASS the label model contradicts with confidence.
  const testProbs = chosen.predictProba(Ltest);
  const flags = disagreements(Ltest, testProbs, { gold: testGold, kinds: ['label-error'], top: 50 });
  const flagsPath = out('flags.csv');
  writeRows(
    flagsPath,
    disagreementRecords(flags, (i) => ({ CONTENT: testRows[i].CONTENT as string })),
  );

  // The next training set: a budgeted mix drawn from the training pool (see recipe.json). Its end-model parts see the
  // comments' own features and 3-fold out-of-sample probabilities of an end model trained on the label model's.
  const trainProbs = chosen.predictProba(Ltrain);
  const recipe = await loadRecipe(RECIPE_FILE);
  const { featurizer, X } = Featurizer.fitTransform(trainRows, { textColumns: ['CONTENT'] });
  const sample = planNextBatch(recipe, {
    X,
    labels: labels.names,
    labelProbs: trainProbs,
    L: Ltrain,
    rows: trainRows,
    preds: chosen.predictFromProbs(trainProbs),
    crossFit: (targets) => crossFitProba(X, featurizer, targets, labels.names, { folds: 3, seed: recipe.seed }),
  });
  const sampleColumns = ['COMMENT_ID', 'AUTHOR', 'DATE', 'CONTENT'];
  writeSample(out('next.csv'), sample, sampleColumns);

  // The report page: the training pool and the 250 test comments as one matrix, given labels only on the test rows
  // (the sample's _row indices are the pool's, which come first), sliced by video.
  const video = (f: string) => f.replace(/^Youtube0\d-|\.csv$/g, '');
  const reportRows = [
    ...trainParts.flatMap((rows, p) => rows.map((r) => ({ ...r, VIDEO: video(TRAIN_FILES[p]) }))),
    ...testRows.map((r) => ({ ...r, VIDEO: `${video(TEST_FILE)} (test)` })),
  ];
  const Lreport = stackRows(Ltrain, Ltest);
  const reportGold = new Int32Array(Lreport.n).fill(-1);
  reportGold.set(testGold, Ltrain.n);
  const tReport = performance.now();
  const reportData = collectReportData({
    L: Lreport,
    model: chosen,
    rows: reportRows,
    textColumn: 'CONTENT',
    gold: reportGold,
    sampleRows: sampleRows(sample, sampleColumns).rows,
    by: 'VIDEO',
    title: 'ballot demo: YouTube spam comments',
    sources: {
      L: 'training pool + 250 test comments',
      model: `model.json (${describeChoice(chosen)})`,
      gold: `${TEST_FILE} CLASS (test rows)`,
      sample: 'next.csv',
    },
  });
  const page = await buildReport(reportData);
  const pageSeconds = (performance.now() - tReport) / 1000;
  const pageFile = out('report.html');
  writeFileAtomic(pageFile, page);

  return {
    train: { files: TRAIN_FILES, rows: trainRows.length },
    valid: { file: TEST_FILE, rows: validRows.length },
    test: { file: TEST_FILE, rows: testRows.length },
    lfCount: lfs.length,
    trainSummary: { ...summarizeMatrix(Ltrain, { model: chosen }), correlations: lfCorrelations(Ltrain) },
    testSummary: summarizeMatrix(Ltest, { gold: testGold }),
    scores,
    chosenModel: describeChoice(chosen),
    selection,
    flags: { flagged: flags.found['label-error'] ?? 0, written: flagsPath },
    sample: sample.report,
    written,
    page: { file: pageFile, bytes: Buffer.byteLength(page), seconds: pageSeconds },
  };
}

/** The rows of `a` then the rows of `b` (same LFs and classes) as one matrix. */
function stackRows(a: LabelMatrix, b: LabelMatrix): LabelMatrix {
  const votes = new Int8Array(a.votes.length + b.votes.length);
  votes.set(a.votes);
  votes.set(b.votes, a.votes.length);
  const errorCounts = Int32Array.from(a.errorCounts, (x, j) => x + b.errorCounts[j]);
  return new Matrix({ n: a.n + b.n, m: a.m, votes, lfNames: a.lfNames, labels: a.labels, errorCounts });
}

function describeChoice(model: LabelModel): string {
  const json = model.toJSON() as { selection?: { chosen?: string } | null };
  return json.selection?.chosen ? `${model.kind} → ${json.selection.chosen}` : model.kind;
}

export type { LabelMatrix };
