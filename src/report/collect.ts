import { lfCorrelations } from '../analysis/correlation.js';
import { summarizeMatrix } from '../analysis/lf-summary.js';
import { toGold, toProbabilities } from '../matrix/checked.js';
import { MajorityVote } from '../label-model/majority-vote.js';
import { ConfigError } from '../util/errors.js';
import { classBalance, confidenceHistogram, coveredRows, reliability, wilsonInterval } from './aggregates.js';
import { collectFlags, DEFAULT_MAX_FLAGS } from './flags.js';
import { sampleComposition } from './sample.js';
import { sliceHeadlines } from './slices.js';
import type { ReportData, ReportInput } from './types.js';

/** LFs shown in the heatmap at most (the most covering ones); m² cells must stay drawable. */
export const MAX_HEATMAP_LFS = 60;

/**
 * Everything the report page shows, from objects already loaded: aggregates over every row of the matrix, and the
 * top flags (capped by `maxFlags`). Checks that the inputs belong together (lengths, classes, sample provenance).
 */
export function collectReportData(input: ReportInput): ReportData {
  const { L } = input;
  const sources = input.sources ?? {};
  const gold = input.gold ? toGold(input.gold, L.labels, `gold labels${sources.gold ? ` (${sources.gold})` : ''}`, L.n).values : null;
  const rows = input.rows ?? null;
  if (rows && rows.length !== L.n)
    throw new ConfigError(
      `data rows${sources.data ? ` (${sources.data})` : ''}: ${rows.length} rows but the label matrix${sources.L ? ` (${sources.L})` : ''} has ${L.n}`,
    );
  if (input.textColumn && !rows) throw new ConfigError('textColumn needs the data rows');
  if (input.textColumn && rows!.length && !rows!.some((r) => input.textColumn! in r))
    throw new ConfigError(`no column "${input.textColumn}" in the data rows${sources.data ? ` (${sources.data})` : ''}`);
  if (input.by && !rows) throw new ConfigError('by needs the data rows');

  const model = input.model ?? null;
  const probs = input.probs ?? (model ?? new MajorityVote()).predictProba(L);
  const lmTop = toProbabilities(probs, L.labels, 'probabilities', L.n).top;
  const endProbs = input.endModelProbs ?? null;
  let endTop: Int32Array | null = null;
  if (endProbs) {
    if (endProbs.length !== L.n * L.k)
      throw new ConfigError(
        `end-model probabilities${sources.endModel ? ` (${sources.endModel})` : ''}: ${endProbs.length} values, expected ${L.n}·${L.k} for the label matrix${sources.L ? ` (${sources.L})` : ''}`,
      );
    endTop = toProbabilities(endProbs, L.labels, `end-model probabilities${sources.endModel ? ` (${sources.endModel})` : ''}`, L.n).top;
  }

  const covered = coveredRows(L);
  const summary = summarizeMatrix(L, { gold: gold ?? undefined, model: model ?? undefined });
  const matrix = summary.matrix;
  const lfs = summary.lfs.map((r) => {
    const total = (r.correct ?? 0) + (r.incorrect ?? 0);
    return gold && total > 0 ? { ...r, accuracyInterval: wilsonInterval(r.correct!, total) } : r;
  });

  const corr = lfCorrelations(L);
  const byCoverage = L.lfNames.map((lf, j) => ({ lf, c: lfs[j].coverage })).sort((a, b) => b.c - a.c);
  const shownLFs = L.m > MAX_HEATMAP_LFS ? byCoverage.slice(0, MAX_HEATMAP_LFS).map((x) => x.lf) : [...L.lfNames];
  const shownSet = new Set(shownLFs);
  const cells: ReportData['correlation']['cells'] = [];
  for (const p of corr.pairs) {
    if (!shownSet.has(p.a) || !shownSet.has(p.b)) continue;
    const cell = { shared: p.shared, agreement: p.agreement, conflict: p.conflict, jaccard: p.jaccard, nearDuplicate: p.nearDuplicate };
    cells.push({ a: p.a, b: p.b, ...cell }, { a: p.b, b: p.a, ...cell });
  }

  const labelModel = model ? model.kind : 'majority vote';
  const reliabilityBins: ReportData['reliability'] = [];
  const calibration: ReportData['calibration'] = [];
  if (gold) {
    const lm = reliability('label model', probs, L.k, gold, lmTop);
    reliabilityBins.push(...lm.bins);
    calibration.push(lm.summary);
    if (endProbs) {
      const em = reliability('end model', endProbs, L.k, gold, endTop!);
      reliabilityBins.push(...em.bins);
      calibration.push(em.summary);
    }
  }

  const maxFlags = input.maxFlags ?? DEFAULT_MAX_FLAGS;
  const flags = collectFlags({
    L,
    probs,
    lmTop,
    gold,
    endModelProbs: endProbs,
    endTop,
    endModelFlags: input.endModelFlags ?? null,
    rows,
    textColumn: input.textColumn ?? null,
    maxFlags,
  });
  const notes = [...flags.notes];
  if (shownLFs.length < L.m) notes.push(`the heatmap shows the ${shownLFs.length} LFs with the most coverage of ${L.m}`);
  if (!model && !input.probs) notes.push('no label model given: probabilities are majority vote');

  return {
    title: input.title ?? `ballot report${sources.L ? `: ${sources.L}` : ''}`,
    generated: { sources, labelModel, endModel: endProbs !== null, gold: gold !== null },
    labels: [...L.labels],
    lfNames: [...L.lfNames],
    matrix,
    classBalance: classBalance(L, matrix.votesPerClass, lmTop, endTop, gold, covered),
    lfs,
    correlation: {
      lfs: shownLFs,
      cells,
      nearDuplicates: corr.nearDuplicates.map((p) => ({ a: p.a, b: p.b, agreement: p.agreement, jaccard: p.jaccard })),
      duplicateAgreement: corr.duplicateAgreement,
      duplicateJaccard: corr.duplicateJaccard,
      omittedLFs: L.m - shownLFs.length,
    },
    confidence: confidenceHistogram(L.labels, probs, lmTop, covered),
    reliability: reliabilityBins,
    calibration,
    ...(input.sampleRows ? { sample: sampleComposition(L, input.sampleRows, { sample: sources.sample, matrix: sources.L }) } : {}),
    flags: flags.flags,
    found: flags.found,
    ...(flags.foundPerLF ? { foundPerLF: flags.foundPerLF } : {}),
    maxFlags,
    notes,
    ...(input.by ? { slices: sliceHeadlines(L, rows!, input.by, lmTop, gold) } : {}),
  };
}
