import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJSONFile } from '../src/cli/output.js';
import { saveLabelMatrix, writeRows, LabelMatrix, createLabelModel } from '../src/index.js';
import {
  buildCharts,
  buildReport,
  collectReportData,
  MAX_HEATMAP_LFS,
  sampleComposition,
  scriptJSON,
  sliceHeadlines,
  wilsonInterval,
  topClasses,
  reliability,
} from '../src/internal.js';
import { runCli } from './cli-helpers.js';
import { HOSTILE, hostileNamesInput, reportFixture } from './report-fixture.js';

// The report's data step and the CLI; the page itself is tested in Chromium (report-browser.test.ts).
const dir = mkdtempSync(join(tmpdir(), 'ballot-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = reportFixture(600);
const f = (name: string) => join(dir, name);
saveLabelMatrix(f('L.arrow'), fx.L);
writeJSONFile(f('model.json'), fx.model.toJSON());
writeRows(
  f('data.csv'),
  fx.rows.map((r, i) => ({ ...r, label: fx.gold[i] < 0 ? '' : fx.L.labels[fx.gold[i]] })),
);
writeRows(f('next.csv'), fx.sample);

/** The JSON block of a page, parsed back. */
function pageData(html: string): any {
  return JSON.parse(html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]);
}

describe('collectReportData', () => {
  const d = collectReportData({ ...fx.input, rows: fx.rows });

  it('aggregates over every row: class balance, confidence histogram, reliability bins sum to the rows', () => {
    const covered = fx.L.voteCounts().filter((c) => c > 0).length;
    const lmTop = topClasses(fx.probs, fx.L.n, fx.L.k);
    const judged = Array.from(fx.L.voteCounts()).filter((c, i) => c > 0 && lmTop[i] >= 0).length;
    expect(d.classBalance.filter((b) => b.source === 'label model').reduce((s, b) => s + b.count, 0)).toBe(judged);
    expect(d.confidence.reduce((s, b) => s + b.count, 0)).toBe(judged);
    expect(judged).toBeLessThanOrEqual(covered);
    const withGold = Array.from(fx.gold).filter((g) => g >= 0).length;
    expect(d.reliability.filter((b) => b.model === 'label model').reduce((s, b) => s + b.count, 0)).toBe(withGold);
    expect(d.calibration.map((c) => c.model)).toEqual(['label model', 'end model']);
    expect(d.sample!.parts.reduce((s, p) => s + p.count, 0)).toBe(fx.sample.length);
  });

  it('caps the flags and counts every qualifying row', () => {
    const small = collectReportData({ ...fx.input, rows: fx.rows, maxFlags: 40 });
    expect(small.flags.length).toBeLessThanOrEqual(40 + fx.L.m);
    expect(small.found).toEqual(d.found);
    expect(small.flags.every((x) => x.text !== undefined)).toBe(true);
  });

  it('heatmap: at most MAX_HEATMAP_LFS LFs, the most covering ones, the rest counted', () => {
    const m = MAX_HEATMAP_LFS + 5;
    const rows = Array.from({ length: 200 }, (_, i) => Array.from({ length: m }, (_, j) => ((i * 7 + j * 3) % (j + 2) === 0 ? (i + j) % 2 : -1)));
    const wide = LabelMatrix.fromRows(rows, ['a', 'b']);
    const d = collectReportData({ L: wide });
    expect(d.correlation.lfs).toHaveLength(MAX_HEATMAP_LFS);
    expect(d.correlation.omittedLFs).toBe(5);
    const cov = d.lfs.map((r) => r.coverage);
    const shown = new Set(d.correlation.lfs);
    const minShown = Math.min(...d.lfs.filter((r) => shown.has(r.lf)).map((r) => r.coverage));
    expect(d.lfs.filter((r) => !shown.has(r.lf)).every((r) => r.coverage <= minShown)).toBe(true);
    expect(cov.length).toBe(m);
    expect(d.correlation.cells.every((c) => shown.has(c.a) && shown.has(c.b))).toBe(true);
    expect(d.notes.some((x) => x.includes(`${MAX_HEATMAP_LFS} LFs with the most coverage of ${m}`))).toBe(true);
  });

  it('takes end-model flags as given', () => {
    const r = collectReportData({
      L: fx.L,
      endModelProbs: fx.endModelProbs,
      endModelFlags: [{ row: 7, score: 0.9, reason: 'end model says so', predicted: 'c1' }],
    });
    const end = r.flags.filter((x) => x.kind === 'end-model');
    expect(end).toHaveLength(1);
    expect(end[0]).toMatchObject({ row: 7, reason: 'end model says so', endPredicted: 'c1' });
    expect(r.found['end-model']).toBe(1);
  });

  it('slices: headline numbers per value equal a direct count', () => {
    const lmTop = topClasses(fx.probs, fx.L.n, fx.L.k);
    const s = sliceHeadlines(fx.L, fx.rows, 'source', lmTop, fx.gold);
    expect(s.slices.map((x) => x.value).sort()).toEqual(['chat', 'mail', 'web']);
    for (const slice of s.slices) {
      const idx = fx.rows.map((r, i) => (r.source === slice.value ? i : -1)).filter((i) => i >= 0);
      const votes = idx.map((i) => Array.from(fx.L.row(i)).filter((v) => v >= 0));
      const gold = idx.filter((i) => fx.gold[i] >= 0);
      expect(slice.rows).toBe(idx.length);
      expect(slice.coverage).toBeCloseTo(votes.filter((v) => v.length > 0).length / idx.length, 12);
      expect(slice.conflict).toBeCloseTo(votes.filter((v) => new Set(v).size > 1).length / idx.length, 12);
      expect(slice.n_gold).toBe(gold.length);
      expect(slice.labelModelAccuracy).toBeCloseTo(gold.filter((i) => lmTop[i] === fx.gold[i]).length / gold.length, 12);
    }
    const many = sliceHeadlines(fx.L, fx.rows, 'id', lmTop, null, 10);
    expect(many.slices).toHaveLength(10);
    expect(many.omitted).toEqual({ values: fx.L.n - 10, rows: fx.L.n - 10 });
  });

  it('Wilson interval and reliability on known numbers', () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    // Two rows at confidence 0.9 (one right), two at 0.6 (both right): ECE = ½·|0.5−0.9| + ½·|1−0.6| = 0.4.
    const probs = Float64Array.from([0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.4, 0.6]);
    const r = reliability('m', probs, 2, [0, 0, 0, 1], topClasses(probs, 4, 2));
    expect(r.summary.ece).toBeCloseTo(0.4, 12);
    expect(r.summary.accuracy).toBeCloseTo(0.75, 12);
    expect(r.bins.map((b) => [b.count, b.accuracy])).toEqual([
      [2, 1],
      [2, 0.5],
    ]);
  });

  it('refuses a sample drawn from another matrix', () => {
    const other = LabelMatrix.fromRows(
      [
        [0, 1],
        [1, 1],
      ],
      ['c0', 'c1'],
    );
    expect(() => sampleComposition(other, fx.sample, { sample: 'next.csv', matrix: 'L2.arrow' })).toThrow(
      /next\.csv was not drawn from L2\.arrow: sample row \d+ has _row \d+, but the matrix has rows 0\.\.1/,
    );
    const relabeled = LabelMatrix.fromRows(fx.L.toRows(), ['no', 'yes'], fx.L.lfNames);
    expect(() => sampleComposition(relabeled, fx.sample)).toThrow(/classes are c0, c1 but the matrix has no, yes/);
  });

  it('puts no data string inside a Vega expression (names are data, never code)', async () => {
    const input = hostileNamesInput();
    const d = collectReportData(input);
    const strings = [...d.lfNames, ...d.labels, ...d.sample!.parts.map((p) => p.part), ...d.slices!.slices.map((x) => x.value)];
    const inExpressions: string[] = [];
    const walk = (v: unknown, key: string): void => {
      if (typeof v === 'string' && ['expr', 'signal', 'test', 'update', 'calculate', 'filter'].includes(key)) inExpressions.push(v);
      else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    const charts = await buildCharts(d);
    expect(charts.filter((c) => c.vega).length).toBe(7);
    for (const c of charts) walk(c.vega, '');
    expect(inExpressions.length).toBeGreaterThan(0);
    const escaped = (x: string) => JSON.stringify(x).slice(1, -1);
    expect(strings.filter((x) => inExpressions.some((e) => e.includes(x) || e.includes(escaped(x))))).toEqual([]);
  });

  it('embeds data strings so they cannot leave the JSON block', async () => {
    expect(scriptJSON({ t: '</script><script>x' })).toBe('{"t":"\\u003c/script>\\u003cscript>x"}');
    const html = await buildReport(d);
    expect(html).not.toContain(HOSTILE);
    expect(html.split('<script').length - 1).toBe(4);
    expect(pageData(html).flags.some((x: { text?: string }) => x.text === HOSTILE)).toBe(true);
  });
});

describe('ballot report', () => {
  const base = ['report', '--L', f('L.arrow')];

  it('writes the page from files, with every input', async () => {
    const out = f('report.html');
    const r = await runCli(
      ...base,
      '--model',
      f('model.json'),
      '--data',
      f('data.csv'),
      '--text-column',
      'text',
      '--gold',
      f('data.csv'),
      '--label-column',
      'label',
      '--sample',
      f('next.csv'),
      '--by',
      'source',
      '--max-flags',
      '300',
      '--out',
      out,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wrote .*report\.html \(\d+\.\d\d MB\)/);
    const d = pageData(readFileSync(out, 'utf8'));
    expect(d.generated).toMatchObject({ labelModel: 'ds', gold: true });
    expect(d.slices.slices).toHaveLength(3);
    expect(d.sample.rows).toBe(fx.sample.length);
    expect(d.flags.some((x: { text?: string }) => x.text === HOSTILE)).toBe(true);
  });

  async function refused(args: string[], pattern: RegExp): Promise<void> {
    const out = f(`bad-${Math.random().toString(36).slice(2)}.html`);
    const r = await runCli(...args, '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(pattern);
    expect(existsSync(out)).toBe(false);
  }

  it('refuses a model fitted on other LFs, naming both files', async () => {
    const other = createLabelModel('ds');
    other.fit(fx.L.selectLFs(['lf0', 'lf1', 'lf2']));
    writeJSONFile(f('other-model.json'), other.toJSON());
    await refused([...base, '--model', f('other-model.json')], /other-model\.json was fitted on LFs .* but .*L\.arrow has/);
  });

  it('refuses gold of another length, naming both files', async () => {
    writeRows(
      f('short.csv'),
      fx.rows.slice(0, 10).map(() => ({ label: 'c0' })),
    );
    await refused([...base, '--gold', f('short.csv'), '--label-column', 'label'], /short\.csv: has 10 rows but .*L\.arrow has 600/);
  });

  it('refuses a sample file from another matrix, naming both files', async () => {
    const big = LabelMatrix.fromRows(
      Array.from({ length: 900 }, (_, i) => [i % 2, -1]),
      ['c0', 'c1'],
      ['p', 'q'],
    );
    saveLabelMatrix(f('big.arrow'), big);
    writeRows(f('big-sample.csv'), [{ _row: 850, _part: 'random', _label: 'c0', _prob_c0: 1, _prob_c1: 0 }]);
    await refused(
      [...base, '--sample', f('big-sample.csv')],
      /big-sample\.csv was not drawn from .*L\.arrow: sample row 0 has _row 850, but the matrix has rows 0\.\.599/,
    );
  });

  it('refuses a missing text column and a non-html output', async () => {
    await refused([...base, '--data', f('data.csv'), '--text-column', 'body'], /data\.csv: no column "body" \(--text-column\)/);
    await refused([...base, '--data', f('data.csv')], /--data is read for --text-column, --by and --end-model/);
    const r = await runCli(...base, '--out', f('report.csv'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--out must be an \.html file/);
  });
});
