/** One `ballot watch` run in a fresh thread: apply (cache-aware), then the LF summary, posted back. */
import { parentPort, workerData } from 'node:worker_threads';
import { applyFile, type ApplyFileOptions } from './apply-file.js';
import { discoverLFs } from './discovery.js';
import { summarizeMatrix } from '../analysis/lf-summary.js';
import { readGoldLabels } from '../data/gold.js';
import { readRowBatches } from '../data/read.js';
import { defineLabels } from '../matrix/labels.js';
import { resolve } from 'node:path';
import { serializeError } from './parallel/protocol.js';
import type { WatchResult } from './watch.js';
import { createLabelModel, LABEL_MODELS, parseLabelModelKind, type LabelModelKind } from '../label-model/registry.js';
import { scoreLabelModel } from '../analysis/score.js';

const port = parentPort!;
const options = (workerData as { options: ApplyFileOptions & { goldColumn?: string; labelModel?: string } }).options;

try {
  const cwd = options.cwd ?? process.cwd();
  const discovery = await discoverLFs(options.lfs ?? 'lfs/**/*.ts', { cwd });
  const { matrix, ...report } = await applyFile({ ...options, discovery, returnMatrix: true });
  let gold: Int32Array | undefined;
  if (options.goldColumn) {
    // Only the gold column is kept, batch by batch; blank cells are rows without a gold label.
    const data = resolve(cwd, options.data);
    const space = defineLabels(report.labels);
    gold = new Int32Array(report.rows);
    for await (const b of readRowBatches(data, { ...options.read, batchSize: 8192 })) {
      gold.set(readGoldLabels(b.rows, options.goldColumn, space, data, { allowMissing: true, rowOffset: b.offset }), b.offset);
    }
  }
  const summarized = summarizeMatrix(matrix!, { gold });
  const result: WatchResult = {
    report,
    summary: summarized.lfs,
    matrix: summarized.matrix,
    sourceFiles: discovery.sourceFiles,
  };
  // The label model's dev score: fitted without labels (seed 0), scored on the gold rows as `ballot score` does.
  const kind = options.labelModel ?? 'mc';
  if (gold && kind !== 'none' && gold.some((g) => g >= 0)) {
    const model = createLabelModel(parseLabelModelKind(kind));
    // Seeded where the model takes a seed (mc's snorkel preset initialises at random); the others are deterministic.
    model.fit(
      matrix!,
      (LABEL_MODELS[model.kind as LabelModelKind].cliOptions as readonly string[]).includes('seed') ? ({ seed: 0 } as never) : undefined,
    );
    const s = scoreLabelModel(model, matrix!, gold);
    result.model = { kind: model.kind, scored: s.scored, accuracy: s.accuracy, f1: s.f1, f1Macro: s.f1Macro, coverage: s.coverage };
  }
  port.postMessage({ ok: true, result });
} catch (e) {
  port.postMessage({ ok: false, error: serializeError(e) });
}
