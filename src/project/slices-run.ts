import { dirname, join, resolve } from 'node:path';
import { slicesByColumn } from '../analysis/slice-columns.js';
import { analyzeSlices, type SliceReport } from '../analysis/slices.js';
import { goldFromRows, readAlignedRows } from '../data/aligned-rows.js';
import { loadLabelMatrix } from '../data/label-matrix-io.js';
import type { Dataset } from '../data/types.js';
import { decide } from '../label-model/decide.js';
import type { LabelModel } from '../label-model/types.js';
import { evaluateSlices, type Slice } from '../lf/slice-eval.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError, DataError } from '../util/errors.js';
import { evaluateSlicesCached } from './slice-apply.js';
import { discoverSlices } from './slice-discovery.js';

export interface SlicesRunOptions {
  /** The label matrix file (.arrow from ballot apply). */
  L: string;
  /** The label model for the matrix: the caller reads and checks the model file. */
  loadModel: (L: LabelMatrix) => LabelModel;
  /** The model's file (or `mv`), named in errors. */
  modelFile: string;
  /** The rows the LFs were applied to, same order (needed by `by` and `slices`). */
  data?: string;
  /** Columns of `data` to slice by (categorical as is, numeric in `bins` quantiles, `length:<col>`). */
  by?: readonly string[];
  /** Files or globs exporting slice functions. */
  slices?: readonly string[];
  /** A file with one p_<class> column per class: end-model probabilities, rows in label-matrix order. */
  endModelProbs?: string;
  /** A data file with given labels (may be `data`) and the column holding them. */
  gold?: string;
  labelColumn?: string;
  metric?: 'accuracy' | 'f1';
  minSize?: number;
  bins?: number;
  alpha?: number;
  seed?: number;
  /** A slice function that throws: 'error' (default, stop) or 'abstain' (row out of the slice, counted). */
  onError?: string;
  /** Reuse slice-function results whose code and data are unchanged (default true; cache beside the matrix). */
  cache?: boolean;
}

/**
 * `ballot slices`: slices the rows by columns and slice functions and analyzes where the LFs and the label model fail
 * on each (analyzeSlices), with the model's own decisions (seeded random ties) scored against the gold labels.
 */
export async function runSlices(o: SlicesRunOptions): Promise<{ report: SliceReport; model: string; cached: string[] }> {
  if (o.gold && !o.labelColumn) throw new ConfigError('`gold` needs `labelColumn`: the column holding the given labels');
  if (o.labelColumn && !o.gold) throw new ConfigError('`labelColumn` needs `gold`: the file holding that column');
  const onError = o.onError ?? 'error';
  if (onError !== 'error' && onError !== 'abstain') throw new ConfigError(`\`onError\` must be error or abstain, got ${onError}`);
  if (!o.by?.length && !o.slices?.length) throw new ConfigError('give `by` <column> and/or `slices` <files>: there is nothing to slice by');
  if (!o.data) throw new ConfigError('`by` and `slices` need `data`: the rows the LFs were applied to');
  const L = loadLabelMatrix(o.L);
  const model = o.loadModel(L);
  const data = await readAlignedRows(L, o.data);
  const slices: Slice[] = [];
  const notes: string[] = [];
  for (const spec of o.by ?? []) {
    const r = slicesByColumn(data.rows, spec, { bins: o.bins, source: data.file });
    slices.push(...r.slices);
    notes.push(...r.notes);
  }
  let cached: string[] = [];
  if (o.slices?.length) {
    const d = await discoverSlices([...o.slices]);
    if (o.cache ?? true) {
      const r = evaluateSlicesCached(data.rows, d.slices, {
        onError,
        source: data.file,
        dataFile: data.file,
        cacheDir: join(dirname(resolve(o.L)), '.ballot-cache', 'slices'),
      });
      slices.push(...r.slices);
      cached = r.cached;
    } else
      slices.push(
        ...evaluateSlices(
          data.rows,
          d.slices.map((s) => s.slice),
          { onError, source: data.file },
        ),
      );
  }
  const gold = o.gold ? goldFromRows(L, o.gold === o.data ? data : await readAlignedRows(L, o.gold, 'gold'), o.labelColumn!) : undefined;
  const endModelProbs = o.endModelProbs ? await probsFromFile(L, o.endModelProbs) : undefined;
  // One decision rule: slice accuracies score the labels `ballot predict` writes (auto's cut; seeded random ties).
  const { probs, preds } = decide(model, L, { tiePolicy: 'random', seed: o.seed ?? 0, what: o.modelFile });
  const report = analyzeSlices(
    { L, probs: probs.values, preds, endModelProbs, gold, slices },
    { metric: o.metric, minSize: o.minSize, alpha: o.alpha, seed: o.seed },
  );
  report.notes.unshift(...notes);
  return { report, model: model.kind, cached };
}

/** End-model probabilities from a file with one p_<class> column per class (as `ballot predict` writes). */
async function probsFromFile(L: LabelMatrix, file: string): Promise<Float64Array> {
  const ds: Dataset = await readAlignedRows(L, file, 'end-model probabilities');
  const cols = L.labels.map((y) => `p_${y}`);
  const missing = cols.filter((c) => !ds.columns.includes(c));
  if (missing.length) throw new DataError(file, `has no column ${missing.join(', ')}; expected one p_<class> column per class`);
  const out = new Float64Array(L.n * L.k);
  ds.rows.forEach((r, i) =>
    cols.forEach((c, y) => {
      const x = Number(r[c]);
      if (!(x >= 0 && x <= 1)) throw new DataError(file, `column ${c} holds ${JSON.stringify(r[c])}, not a probability`, { row: i });
      out[i * L.k + y] = x;
    }),
  );
  return out;
}
