/** One `ballot watch` run in a fresh thread: apply (cache-aware), then the LF summary, posted back. */
import { parentPort, workerData } from 'node:worker_threads';
import { applyFile, type ApplyFileOptions } from './apply-file.js';
import { discoverLFs } from './discovery.js';
import { summarizeMatrix } from '../analysis/lf-summary.js';
import { readGoldLabels } from '../data/gold.js';
import { readRowBatches } from '../data/read.js';
import { defineLabels } from '../matrix/labels.js';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { serializeError } from './parallel/protocol.js';
import type { WatchGold, WatchResult } from './watch.js';
import { createLabelModel, LABEL_MODELS, parseLabelModelKind, type LabelModelKind } from '../label-model/registry.js';
import { scoreLabelModel } from '../analysis/score.js';

const port = parentPort!;
const { options, gold: lastGold } = workerData as {
  options: ApplyFileOptions & { goldColumn?: string; labelModel?: string };
  gold?: WatchGold;
};

try {
  const cwd = options.cwd ?? process.cwd();
  const discovery = await discoverLFs(options.lfs ?? 'lfs/**/*.ts', { cwd });
  const { matrix, ...report } = await applyFile({ ...options, discovery, returnMatrix: true });
  let gold: WatchGold | undefined;
  if (options.goldColumn) {
    const data = resolve(cwd, options.data);
    const { size, mtimeMs } = statSync(data);
    const key = { file: data, size, mtimeMs, column: options.goldColumn, labels: report.labels.join('\n') };
    const same = lastGold && (Object.keys(key) as (keyof typeof key)[]).every((k) => lastGold[k] === key[k]);
    // The previous run's labels while the data file, the column and the classes are unchanged; else read anew.
    gold = same && lastGold.values.length === report.rows ? lastGold : { ...key, values: await readGoldColumn(data, report.labels, report.rows) };
  }
  const summarized = summarizeMatrix(matrix!, { gold: gold?.values });
  const result: WatchResult = {
    report,
    summary: summarized.lfs,
    matrix: summarized.matrix,
    sourceFiles: discovery.sourceFiles,
  };
  // The label model's dev score: fitted without labels (seed 0), scored on the gold rows as `ballot score` does.
  const kind = options.labelModel ?? 'mc';
  if (gold && kind !== 'none' && gold.values.some((g) => g >= 0)) {
    const model = createLabelModel(parseLabelModelKind(kind));
    // Seeded where the model takes a seed (mc's snorkel preset initialises at random); the others are deterministic.
    model.fit(
      matrix!,
      (LABEL_MODELS[model.kind as LabelModelKind].cliOptions as readonly string[]).includes('seed') ? ({ seed: 0 } as never) : undefined,
    );
    const s = scoreLabelModel(model, matrix!, gold.values);
    result.model = { kind: model.kind, scored: s.scored, accuracy: s.accuracy, f1: s.f1, f1Macro: s.f1Macro, coverage: s.coverage };
  }
  port.postMessage({ ok: true, result, gold }, gold ? [gold.values.buffer as ArrayBuffer] : []); // the labels move back, not copied
} catch (e) {
  port.postMessage({ ok: false, error: serializeError(e) });
}

/** The gold column of the data file, batch by batch (only the labels are kept); blank cells are rows without one. */
async function readGoldColumn(data: string, labels: readonly string[], rows: number): Promise<Int32Array> {
  const space = defineLabels(labels);
  const gold = new Int32Array(rows);
  for await (const b of readRowBatches(data, { ...options.read, batchSize: 8192 })) {
    gold.set(readGoldLabels(b.rows, options.goldColumn!, space, data, { allowMissing: true, rowOffset: b.offset }), b.offset);
  }
  return gold;
}
