/**
 * Loaders for the shared benchmark sets (/work/shared/data, or --data DIR): each set as a labeled pool with weak
 * labels (the train split) and a test split, both with their text, ready for the end model.
 *
 * - wrench_youtube, wrench_sms, wrench_trec: WRENCH's precomputed weak labels; pool = train.json, test = test.json.
 * - youtube_spam_raw: examples/spam/lfs.ts applied; pool = the Psy, Katy Perry, LMFAO and Eminem comments, test = the
 *   370 Shakira comments (as the demo and Snorkel's tutorial split them).
 * - sms_spam_raw: examples/sms/lfs.ts applied (keyword/regex LFs written from general knowledge of SMS spam); the TSV
 *   has no split, so every fifth message (line index mod 5 = 4) is the test split and the rest the pool.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readRows,
  readGoldLabels,
  applyLFs,
  type LabelMatrix,
  type Metric,
  type Row,
  isLabelingFunction,
  type LabelingFunction,
  loadWrenchLabels,
  loadWrenchSplit,
  TEST_FILE,
  TRAIN_FILES,
} from '../src/internal.js';
import * as spamLFs from '../examples/spam/lfs.js';

const spamLabelingFunctions = () => Object.values(spamLFs).filter(isLabelingFunction) as LabelingFunction<Row, 'HAM' | 'SPAM'>[];
import { labels as spamLabels } from '../examples/spam/lfs.js';
import * as smsLFs from '../examples/sms/lfs.js';

export interface SharedSet {
  name: string;
  labels: string[];
  metric: Metric;
  /** The unlabeled pool: rows ({ text }), weak labels, and the gold labels (revealed only when a row is "labeled"). */
  pool: { rows: Row[]; L: LabelMatrix; gold: Int32Array };
  test: { rows: Row[]; gold: Int32Array };
}

export const TEXT_COLUMN = 'text';
export const DEFAULT_SETS = ['youtube_spam_raw', 'sms_spam_raw', 'wrench_youtube', 'wrench_sms', 'wrench_trec'];

/** The shared data sets: BALLOT_DATA, else ../shared/data beside the repository (a worktree one level deeper also finds it). */
export function defaultDataDir(): string {
  if (process.env.BALLOT_DATA) return process.env.BALLOT_DATA;
  const here = dirname(fileURLToPath(import.meta.url));
  const near = resolve(here, '../../shared/data');
  return existsSync(near) ? near : resolve(here, '../../../shared/data');
}

/** WRENCH's usual metric per set: binary F1 on sms (class 1 = spam), accuracy elsewhere. */
function metricOf(name: string): Metric {
  return name.endsWith('sms') ? 'f1' : 'accuracy';
}

function loadWrench(dir: string, name: string): SharedSet {
  const labels = loadWrenchLabels(dir);
  const train = loadWrenchSplit(dir, 'train');
  const test = loadWrenchSplit(dir, 'test');
  return {
    name,
    labels,
    metric: metricOf(name),
    pool: { rows: train.texts.map((text) => ({ text })), L: train.L, gold: train.gold },
    test: { rows: test.texts.map((text) => ({ text })), gold: test.gold },
  };
}

function loadYoutubeRaw(dir: string): SharedSet {
  const lfs = spamLabelingFunctions();
  const read = (files: readonly string[]) => files.flatMap((f) => readRows(join(dir, f)).rows);
  const poolRows = read(TRAIN_FILES);
  const testRows = read([TEST_FILE]);
  const L = applyLFs(poolRows, lfs, spamLabels);
  const text = (rows: Row[]) => rows.map((r) => ({ text: String(r.CONTENT ?? '') }));
  return {
    name: 'youtube_spam_raw',
    labels: [...spamLabels.names],
    metric: 'accuracy',
    pool: { rows: text(poolRows), L, gold: readGoldLabels(poolRows, 'CLASS', spamLabels, join(dir, TRAIN_FILES[0])) },
    test: { rows: text(testRows), gold: readGoldLabels(testRows, 'CLASS', spamLabels, join(dir, TEST_FILE)) },
  };
}

function loadSmsRaw(dir: string): SharedSet {
  const file = join(dir, 'SMSSpamCollection');
  const lfs = Object.values(smsLFs).filter(isLabelingFunction) as LabelingFunction<Row, 'HAM' | 'SPAM'>[];
  const pool: { rows: Row[]; gold: number[] } = { rows: [], gold: [] };
  const test: { rows: Row[]; gold: number[] } = { rows: [], gold: [] };
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .forEach((line, i) => {
      const tab = line.indexOf('\t');
      const tag = line.slice(0, tab);
      if (tab < 0 || (tag !== 'ham' && tag !== 'spam')) throw new Error(`${file}: line ${i + 1} is not "ham|spam<TAB>text"`);
      const part = i % 5 === 4 ? test : pool;
      part.rows.push({ text: line.slice(tab + 1) });
      part.gold.push(tag === 'spam' ? 1 : 0);
    });
  return {
    name: 'sms_spam_raw',
    labels: [...smsLFs.labels.names],
    metric: 'f1',
    pool: { rows: pool.rows, L: applyLFs(pool.rows, lfs, smsLFs.labels), gold: Int32Array.from(pool.gold) },
    test: { rows: test.rows, gold: Int32Array.from(test.gold) },
  };
}

/** Loads the named sets (default: all five) from `dataDir`; a missing folder is an error naming it. */
export function loadSharedSets(names: readonly string[] = DEFAULT_SETS, dataDir = defaultDataDir()): SharedSet[] {
  return names.map((name) => {
    const dir = join(dataDir, name);
    if (!existsSync(dir)) throw new Error(`${dir}: no such set folder (pass --data DIR holding ${DEFAULT_SETS.join(', ')})`);
    if (name === 'youtube_spam_raw') return loadYoutubeRaw(dir);
    if (name === 'sms_spam_raw') return loadSmsRaw(dir);
    if (name.startsWith('wrench_')) return loadWrench(dir, name);
    throw new Error(`unknown set ${name}; sets are ${DEFAULT_SETS.join(', ')}`);
  });
}
