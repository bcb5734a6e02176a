import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './types.js';

/** A chart on the page: a Vega spec compiled from Vega-Lite in Node (the page carries only Vega's runtime), or why it is absent. */
export interface ChartSpec {
  id: string;
  title: string;
  /** What the chart shows, one sentence. */
  caption: string;
  /** Compiled Vega spec, or null when the inputs it needs were not given. */
  vega: object | null;
  /** Why the chart is absent. */
  missing?: string;
}

const CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 160 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 200 },
  view: { stroke: null },
};

type Compile = (spec: TopLevelSpec) => { spec: object };
/** Vega-Lite's compiler, imported on first use: it takes ~0.4 s to load, which no other command should pay. */
let compiler: Compile | null = null;

function vega(spec: TopLevelSpec): object {
  return compiler!({ ...spec, config: CONFIG, background: 'transparent' } as TopLevelSpec).spec;
}

const unit = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
const diagonal = {
  data: { values: [{ d: 0 }, { d: 1 }] },
  mark: { type: 'line' as const, strokeDash: [4, 4], color: '#999' },
  encoding: { x: { field: 'd', type: 'quantitative' as const }, y: { field: 'd', type: 'quantitative' as const } },
};

/** Learned vs empirical accuracy per LF, with the Wilson interval and the diagonal (where the two would agree). */
function accuracyChart(d: ReportData): ChartSpec {
  const base = {
    id: 'accuracy',
    title: 'Learned vs empirical accuracy',
    caption:
      'One point per LF: the label model’s estimate of its accuracy against its accuracy on the rows with a given label (bars: 95% Wilson interval). Points off the diagonal are LFs the model misjudges.',
  };
  const pts = d.lfs
    .filter((r) => r.learnedAccuracy !== undefined && r.accuracyInterval)
    .map((r) => ({
      lf: r.lf,
      learned: r.learnedAccuracy!,
      empirical: r.empiricalAccuracy!,
      lo: r.accuracyInterval![0],
      hi: r.accuracyInterval![1],
      coverage: r.coverage,
      n: r.correct! + r.incorrect!,
    }));
  if (!pts.length) return { ...base, vega: null, missing: 'needs given labels and a label model with learned accuracies' };
  return {
    ...base,
    vega: vega({
      width: 360,
      height: 360,
      data: { values: pts },
      layer: [
        diagonal,
        {
          mark: { type: 'rule', color: '#9ab', opacity: 0.7 },
          encoding: { x: { field: 'lo', ...unit, title: 'empirical accuracy (gold)' }, x2: { field: 'hi' }, y: { field: 'learned', ...unit } },
        },
        {
          mark: { type: 'point', filled: true, size: 70, cursor: 'pointer' },
          encoding: {
            x: { field: 'empirical', ...unit, title: 'empirical accuracy (gold)' },
            y: { field: 'learned', ...unit, title: 'learned accuracy (label model)' },
            color: { value: '#3465a4' },
            tooltip: [
              { field: 'lf' },
              { field: 'learned', format: '.3f' },
              { field: 'empirical', format: '.3f' },
              { field: 'lo', title: 'interval lo', format: '.3f' },
              { field: 'hi', title: 'interval hi', format: '.3f' },
              { field: 'n', title: 'votes with gold' },
            ],
          },
        },
      ],
    } as TopLevelSpec),
  };
}

/** Coverage vs accuracy per LF: empirical accuracy when gold is given, else the learned one. */
function coverageChart(d: ReportData): ChartSpec {
  const useGold = d.generated.gold;
  const field = useGold ? 'empiricalAccuracy' : 'learnedAccuracy';
  const base = {
    id: 'coverage',
    title: 'Coverage vs accuracy',
    caption: `One point per LF: the share of rows it votes on against its ${useGold ? 'empirical (gold)' : 'learned'} accuracy. Click a point to see its flags.`,
  };
  const pts = d.lfs
    .filter((r) => r[field] !== undefined && (!useGold || r.correct! + r.incorrect! > 0))
    .map((r) => ({ lf: r.lf, coverage: r.coverage, accuracy: r[field]!, conflicts: r.conflicts }));
  if (!pts.length) return { ...base, vega: null, missing: 'needs given labels or a label model with learned accuracies' };
  const maxCov = Math.max(0.01, ...pts.map((p) => p.coverage));
  return {
    ...base,
    vega: vega({
      width: 360,
      height: 360,
      data: { values: pts },
      mark: { type: 'point', filled: true, size: 70, cursor: 'pointer' },
      encoding: {
        x: { field: 'coverage', type: 'quantitative', scale: { domain: [0, maxCov], nice: true }, axis: { format: '.0%' }, title: 'coverage' },
        y: { field: 'accuracy', ...unit, title: useGold ? 'empirical accuracy (gold)' : 'learned accuracy' },
        color: { field: 'conflicts', type: 'quantitative', title: 'conflicts', scale: { scheme: 'orangered' }, legend: { format: '.0%' } },
        tooltip: [{ field: 'lf' }, { field: 'coverage', format: '.3f' }, { field: 'accuracy', format: '.3f' }, { field: 'conflicts', format: '.3f' }],
      },
    } as TopLevelSpec),
  };
}

/** LF × LF heatmap of jaccard / conflict / agreement on shared rows (a menu switches), near-duplicates marked ≈. */
function heatmapChart(d: ReportData): ChartSpec {
  const c = d.correlation;
  const base = {
    id: 'heatmap',
    title: 'LF × LF overlap and conflict',
    caption: `Each cell is a pair of LFs on the rows both vote on; the menu picks the measure. ≈ marks near-duplicates (agreement ≥ ${Math.round(c.duplicateAgreement * 100)}%, jaccard ≥ ${c.duplicateJaccard}): they double-count one signal.${c.omittedLFs ? ` The ${c.lfs.length} LFs with the most coverage are shown (${c.omittedLFs} more).` : ''}`,
  };
  if (!c.cells.length) return { ...base, vega: null, missing: 'no two LFs vote on a common row' };
  const side = Math.max(180, Math.min(640, c.lfs.length * 24));
  // Sorted by an index field, not by a list of names: Vega-Lite turns a sort list into an expression, and names are data.
  const order = new Map(c.lfs.map((lf, j) => [lf, j]));
  const cells = c.cells.map((x) => ({ ...x, ai: order.get(x.a)!, bi: order.get(x.b)! }));
  const x = { field: 'a', type: 'nominal' as const, sort: { field: 'ai', op: 'min' as const }, title: null, axis: { labelAngle: -50 } };
  const y = { field: 'b', type: 'nominal' as const, sort: { field: 'bi', op: 'min' as const }, title: null };
  return {
    ...base,
    vega: vega({
      width: side,
      height: side,
      params: [{ name: 'measure', value: 'jaccard', bind: { input: 'select', options: ['jaccard', 'conflict', 'agreement'], name: 'measure ' } }],
      data: { values: cells },
      transform: [{ calculate: 'datum[measure]', as: 'value' }],
      layer: [
        {
          mark: { type: 'rect', cursor: 'pointer' },
          encoding: {
            x,
            y,
            color: { field: 'value', type: 'quantitative', scale: { domain: [0, 1], scheme: 'viridis' }, title: 'value' },
            tooltip: [
              { field: 'a', title: 'LF' },
              { field: 'b', title: 'with' },
              { field: 'shared', title: 'shared rows' },
              { field: 'jaccard', format: '.3f' },
              { field: 'agreement', format: '.3f' },
              { field: 'conflict', format: '.3f' },
              { field: 'nearDuplicate', title: 'near-duplicate' },
            ],
          },
        },
        {
          transform: [{ filter: 'datum.nearDuplicate' }],
          mark: { type: 'text', text: '≈', fontSize: 14, fontWeight: 'bold', color: '#e8175d' },
          encoding: { x, y },
        },
      ],
    } as TopLevelSpec),
  };
}

/** Histogram of the label model's confidence per predicted class. */
function confidenceChart(d: ReportData): ChartSpec {
  const base = {
    id: 'confidence',
    title: 'Label-model confidence per class',
    caption: `Rows with at least one vote by the label model’s top probability (${d.generated.labelModel}), one panel per predicted class. Mass near 1/k means the model is unsure.`,
  };
  if (!d.confidence.some((b) => b.count > 0)) return { ...base, vega: null, missing: 'no row has a vote' };
  return {
    ...base,
    vega: vega({
      data: { values: d.confidence.map((b) => ({ ...b, y: d.labels.indexOf(b.label) })) },
      facet: { row: { field: 'label', type: 'nominal', title: null, sort: { field: 'y', op: 'min' } } },
      spec: {
        width: 360,
        height: 90,
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: {
            field: 'lo',
            type: 'quantitative',
            bin: { binned: true, step: 0.05 },
            scale: { domain: [0, 1] },
            axis: { format: '.0%' },
            title: 'confidence (top probability)',
          },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: 'rows' },
          color: { field: 'label', type: 'nominal', sort: { field: 'y', op: 'min' }, legend: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    } as TopLevelSpec),
  };
}

/** Reliability: accuracy against mean confidence per bin on rows with a given label, per model, with the diagonal. */
function reliabilityChart(d: ReportData): ChartSpec {
  const cal = d.calibration
    .map((c) => `${c.model}: accuracy ${(100 * c.accuracy).toFixed(1)}%, ECE ${c.ece.toFixed(3)} on ${c.rows} rows`)
    .join('; ');
  const base = {
    id: 'reliability',
    title: 'Reliability on rows with a given label',
    caption: `Per confidence bin, the share of rows whose top class is the given label; on the diagonal the probabilities are calibrated. ${cal}`,
  };
  if (!d.reliability.length) return { ...base, vega: null, missing: 'needs given labels' };
  return {
    ...base,
    vega: vega({
      width: 360,
      height: 360,
      layer: [
        diagonal,
        {
          data: { values: d.reliability },
          mark: { type: 'line', point: { filled: true, size: 60 } },
          encoding: {
            x: { field: 'confidence', ...unit, title: 'mean confidence' },
            y: { field: 'accuracy', ...unit, title: 'accuracy' },
            color: {
              field: 'model',
              type: 'nominal',
              title: null,
              scale: { domain: d.calibration.map((c) => c.model), range: ['#3465a4', '#e07b00'] },
            },
            tooltip: [
              { field: 'model' },
              { field: 'lo', title: 'bin from', format: '.1f' },
              { field: 'hi', title: 'bin to', format: '.1f' },
              { field: 'count', title: 'rows' },
              { field: 'confidence', format: '.3f' },
              { field: 'accuracy', format: '.3f' },
            ],
          },
        },
      ],
    } as TopLevelSpec),
  };
}

/**
 * The sample's bars with a class index `y` for colour order (classes, then ties), and a zero bar for any class absent
 * from the sample, so every chart gives a class the same colour.
 */
function sampleBars(d: ReportData): { part: string; label: string; count: number; y: number }[] {
  const parts = d.sample!.parts;
  const out = parts.map((p) => ({ ...p, y: p.label === '(tie)' ? d.labels.length : d.labels.indexOf(p.label) }));
  for (const [y, label] of d.labels.entries())
    if (parts.length && !parts.some((p) => p.label === label)) out.push({ part: parts[0].part, label, count: 0, y });
  return out;
}

/** The next training set by part and class. */
function sampleChart(d: ReportData): ChartSpec {
  const base = {
    id: 'sample',
    title: 'Next training set by part and class',
    caption: d.sample ? `${d.sample.rows} rows drawn by the sampling recipe, by the part that picked them and their label.` : '',
  };
  if (!d.sample) return { ...base, vega: null, missing: 'needs a sample file' };
  return {
    ...base,
    vega: vega({
      width: 360,
      height: { step: 26 },
      data: { values: sampleBars(d) },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'part', type: 'nominal', title: null },
        x: { field: 'count', type: 'quantitative', title: 'rows', stack: 'zero' },
        color: { field: 'label', type: 'nominal', title: 'label', sort: { field: 'y', op: 'min' } },
        order: { field: 'y' },
        tooltip: [{ field: 'part' }, { field: 'label' }, { field: 'count', title: 'rows' }],
      },
    } as TopLevelSpec),
  };
}

/** Class balance by source, each bar the shares of one source. */
function balanceChart(d: ReportData): ChartSpec {
  return {
    id: 'balance',
    title: 'Class balance',
    caption:
      'Share of each class among the votes, the label model’s predictions on rows with a vote (ties left out), the end model’s and the given labels.',
    vega: vega({
      width: 360,
      height: { step: 26 },
      data: { values: d.classBalance.map((b) => ({ ...b, y: d.labels.indexOf(b.label) })) },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'source', type: 'nominal', sort: ['votes', 'label model', 'end model', 'gold'], title: null },
        x: { field: 'share', type: 'quantitative', stack: 'normalize', axis: { format: '.0%' }, title: 'share' },
        color: { field: 'label', type: 'nominal', title: 'class', sort: { field: 'y', op: 'min' } },
        order: { field: 'y' },
        tooltip: [{ field: 'source' }, { field: 'label', title: 'class' }, { field: 'count' }, { field: 'share', format: '.1%' }],
      },
    } as TopLevelSpec),
  };
}

/** Every chart of the page, compiled to Vega; a chart whose inputs are missing says so instead. */
export async function buildCharts(d: ReportData): Promise<ChartSpec[]> {
  compiler ??= (await import('vega-lite')).compile as Compile;
  // Data strings stay data: charts sort and colour by index fields, never by lists of names, since Vega-Lite turns such
  // lists into expressions (a name holding U+2028 would break their parse). test/report.test.ts checks the compiled specs.
  return [balanceChart(d), accuracyChart(d), coverageChart(d), heatmapChart(d), confidenceChart(d), reliabilityChart(d), sampleChart(d)];
}
