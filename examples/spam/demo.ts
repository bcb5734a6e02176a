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
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRows } from '../../src/data/read.js';
import { readGoldLabels } from '../../src/data/gold.js';
import { saveLabelMatrix } from '../../src/data/label-matrix-io.js';
import { writeRows } from '../../src/data/write.js';
import { writeJSONFile } from '../../src/cli/output.js';
import { applyLFs } from '../../src/lf/apply.js';
import { isLabelingFunction, type LabelingFunction } from '../../src/lf/labeling-function.js';
import type { LabelMatrix } from '../../src/lf/label-matrix.js';
import { lfSummary, matrixSummary, type LFSummaryRow, type MatrixSummary } from '../../src/analysis/lf-summary.js';
import { lfCorrelations, type LFCorrelation } from '../../src/analysis/correlation.js';
import { disagreements } from '../../src/analysis/disagreements.js';
import { disagreementRecords } from '../../src/analysis/records.js';
import { scorePredictions } from '../../src/label-model/metrics.js';
import type { LabelModel } from '../../src/label-model/types.js';
import type { Row } from '../../src/data/types.js';
import { loadRecipe } from '../../src/sampling/recipe.js';
import type { SampleReport } from '../../src/sampling/run-recipe.js';
import { planNextBatch } from '../../src/sampling/plan.js';
import { Featurizer } from '../../src/end-model/features.js';
import { crossFitProba } from '../../src/end-model/end-model.js';
import { writeSample } from '../../src/sampling/output.js';
import { createLabelModel } from '../../src/label-model/registry.js';
import { createRng } from '../../src/util/rng.js';
import * as spamLFs from './lfs.js';

export const SPAM_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');
export const TRAIN_FILES = ['Youtube01-Psy.csv', 'Youtube02-KatyPerry.csv', 'Youtube03-LMFAO.csv', 'Youtube04-Eminem.csv'];
export const TEST_FILE = 'Youtube05-Shakira.csv';
export const RECIPE_FILE = join(dirname(fileURLToPath(import.meta.url)), 'recipe.json');

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
}

/** The demo's LFs in a stable order (the order of their exports in lfs.ts is alphabetical in an ES module namespace). */
export function spamLabelingFunctions(): LabelingFunction<Row, 'HAM' | 'SPAM'>[] {
  return Object.values(spamLFs).filter(isLabelingFunction) as LabelingFunction<Row, 'HAM' | 'SPAM'>[];
}

function readSplit(dir: string, files: readonly string[]): Row[] {
  return files.flatMap((f) => readRows(join(dir, f)).rows);
}

export async function runSpamDemo(o: SpamDemoOptions): Promise<SpamDemoReport> {
  const dir = resolve(o.dataDir ?? SPAM_DATA_DIR);
  const seed = o.seed ?? 0;
  const labels = spamLFs.labels;
  const lfs = spamLabelingFunctions();

  const trainRows = readSplit(dir, TRAIN_FILES);
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
    const model = createLabelModel(kind);
    const t0 = performance.now();
    const report = model.fit(Ltrain, kind === 'auto' ? { dev: { L: Lvalid, gold: validGold }, seed } : { seed });
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
  writeJSONFile(out('model.json'), chosen.toJSON());

  // Likely label errors in the test file: rows whose given CLASS the label model contradicts with confidence.
  const testProbs = chosen.predictProba(Ltest);
  const flags = disagreements(Ltest, testProbs, { gold: testGold, kinds: ['label-error'], top: 50 });
  const flagsPath = out('flags.csv');
  writeRows(flagsPath, disagreementRecords(flags, (i) => ({ CONTENT: testRows[i].CONTENT as string })));

  // The next training set: a budgeted mix drawn from the training pool (see recipe.json). Its end-model parts see the
  // comments' own features and 3-fold out-of-sample probabilities of an end model trained on the label model's.
  const trainProbs = chosen.predictProba(Ltrain);
  const recipe = await loadRecipe(RECIPE_FILE);
  const { featurizer, X } = Featurizer.fitTransform(trainRows, { textColumns: ['CONTENT'] });
  const sample = planNextBatch(recipe, {
    X, labels: labels.names, labelProbs: trainProbs, L: Ltrain, rows: trainRows,
    crossFit: (targets) => crossFitProba(X, featurizer, targets, labels.names, { folds: 3, seed: recipe.seed }),
  });
  writeSample(out('next.csv'), sample, ['COMMENT_ID', 'AUTHOR', 'DATE', 'CONTENT']);

  return {
    train: { files: TRAIN_FILES, rows: trainRows.length },
    valid: { file: TEST_FILE, rows: validRows.length },
    test: { file: TEST_FILE, rows: testRows.length },
    lfCount: lfs.length,
    trainSummary: { matrix: matrixSummary(Ltrain), lfs: lfSummary(Ltrain, { model: chosen }), correlations: lfCorrelations(Ltrain) },
    testSummary: { matrix: matrixSummary(Ltest), lfs: lfSummary(Ltest, { gold: testGold }) },
    scores,
    chosenModel: describeChoice(chosen),
    selection,
    flags: { flagged: flags.found['label-error'] ?? 0, written: flagsPath },
    sample: sample.report,
    written,
  };
}

function describeChoice(model: LabelModel): string {
  const json = model.toJSON() as { selection?: { chosen?: string } | null };
  return json.selection?.chosen ? `${model.kind} → ${json.selection.chosen}` : model.kind;
}

export type { LabelMatrix };
