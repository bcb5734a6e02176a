import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disagreements, readRows, buildReport, collectReportData, type ReportData, flagBudget } from '../src/internal.js';
import { launchChromium, openReport, type Browser } from './chromium.js';
import { HOSTILE, hostileNamesInput, reportFixture } from './report-fixture.js';

// The report page in Debian's headless Chromium: loads offline, draws every chart, sorts, filters, escapes.
const dir = mkdtempSync(join(tmpdir(), 'ballot-report-browser-'));
const fx = reportFixture();
const data: ReportData = collectReportData({ ...fx.input, rows: fx.rows });
const file = join(dir, 'report.html');
writeFileSync(file, await buildReport(data));

let browser: Browser;
let page: Page;
let errors: string[];
let dialogs: string[];
let launchError: unknown;
beforeAll(async () => {
  try {
    browser = await launchChromium();
    ({ page, errors, dialogs } = await openReport(browser, file));
  } catch (e) {
    launchError = e; // every test then fails with it ("install it with `apt-get install chromium`"), none is skipped
  }
}, 30_000);
beforeEach(() => {
  if (launchError) throw launchError;
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (sel: string) => page.locator(sel).count();
const flagCount = async () => Number(await page.locator('#flag-count').textContent());

describe('report page in Chromium', () => {
  it('loads from file:// with no console error, no request but file://, and every chart rendered', async () => {
    expect(errors).toEqual([]);
    expect(browser.blocked).toEqual([]);
    const charts = JSON.parse(readFileSync(file, 'utf8').match(/<script type="application\/json" id="report-charts">(.*?)<\/script>/s)![1]);
    const drawable = charts.filter((c: { vega: unknown }) => c.vega).map((c: { id: string }) => c.id);
    expect(drawable).toEqual(['balance', 'accuracy', 'coverage', 'heatmap', 'confidence', 'reliability', 'sample']);
    expect(await page.getAttribute('html', 'data-ready')).toBe(String(drawable.length));
    for (const id of drawable) {
      const marks = await count(`#chart-${id} svg .role-mark > *`);
      expect(marks, `chart ${id} has data marks`).toBeGreaterThan(0);
    }
    // One point per LF in the accuracy scatter, one rect per LF pair sharing rows (both orders) in the heatmap.
    expect(await count('#chart-accuracy svg .mark-symbol.role-mark > path')).toBe(fx.L.m);
    expect(await count('#chart-heatmap svg .mark-rect.role-mark > path')).toBe(data.correlation.cells.length);
  });

  it('sorts the LF table by a clicked header', async () => {
    const names = () => page.locator('#lf-table tbody tr td.lf a').allTextContents();
    expect(await names()).toEqual([...data.lfs].sort((a, b) => b.coverage - a.coverage).map((r) => r.lf));
    await page.locator('#lf-table th[data-key="lf"]').click();
    expect(await names()).toEqual([...fx.L.lfNames].sort());
    await page.locator('#lf-table th[data-key="empiricalAccuracy"]').click();
    expect(await names()).toEqual([...data.lfs].sort((a, b) => b.empiricalAccuracy! - a.empiricalAccuracy!).map((r) => r.lf));
    await page.locator('#lf-table th[data-key="empiricalAccuracy"]').click();
    expect(await names()).toEqual([...data.lfs].sort((a, b) => a.empiricalAccuracy! - b.empiricalAccuracy!).map((r) => r.lf));
  });

  it('flags browser: counts match the library, filters and search narrow the view', async () => {
    // The library's own answer, asked independently with the same share of the cap.
    const { top, topPerLF } = flagBudget(4, fx.L.m, 800);
    const lib = disagreements(fx.L, fx.probs, { gold: fx.gold, top, topPerLF });
    const libMistakes = Object.values(lib.found['lf-mistake']!).reduce((s, x) => s + x, 0);
    const found = await page.locator('#found .found').allTextContents();
    expect(found[0]).toContain(`${lib.found['label-error']!.toLocaleString('en-US')} found`);
    expect(found[1]).toContain(`${lib.found['lf-conflict']!.toLocaleString('en-US')} found`);
    expect(found[2]).toContain(`${libMistakes.toLocaleString('en-US')} found`);
    expect(Number(await page.locator('#flag-total').textContent())).toBe(data.flags.length);
    expect(await flagCount()).toBe(data.flags.length);

    for (const kind of ['label-error', 'lf-conflict', 'lf-mistake'] as const) {
      await page.selectOption('#f-kind', kind);
      expect(await flagCount()).toBe(lib.flags.filter((f) => f.kind === kind).length);
    }
    await page.selectOption('#f-kind', 'end-model');
    expect(await flagCount()).toBe(data.flags.filter((f) => f.kind === 'end-model').length);
    expect(await flagCount()).toBeGreaterThan(0);

    await page.selectOption('#f-kind', 'lf-mistake');
    await page.selectOption('#f-lf', 'lf3');
    const lf3 = lib.flags.filter((f) => f.kind === 'lf-mistake' && (f.lf === 'lf3' || 'lf3' in f.votes)).length;
    expect(await flagCount()).toBe(lf3);
    await page.selectOption('#f-kind', '');
    await page.selectOption('#f-lf', '');
    await page.selectOption('#f-given', 'c1');
    await page.selectOption('#f-predicted', 'c0');
    expect(await flagCount()).toBe(data.flags.filter((f) => f.given === 'c1' && f.predicted === 'c0').length);
    await page.selectOption('#f-given', '');
    await page.selectOption('#f-predicted', '');

    await page.fill('#f-q', 'PRIZES');
    const prizes = data.flags.filter((f) => `${f.text}\n${f.reason}\n${f.lf ?? ''}\n${f.row}`.toLowerCase().includes('prizes')).length;
    expect(prizes).toBeGreaterThan(0);
    expect(prizes).toBeLessThan(data.flags.length);
    expect(await flagCount()).toBe(prizes);

    // Sort by score, lowest first: the first row shown has the smallest score of the view.
    await page.selectOption('#f-sort', 'score-asc');
    const firstScore = Number(await page.locator('#flag-rows tr:first-child td:nth-child(3)').textContent());
    const minScore = Math.min(
      ...data.flags.filter((f) => `${f.text}\n${f.reason}\n${f.lf ?? ''}\n${f.row}`.toLowerCase().includes('prizes')).map((f) => f.score),
    );
    expect(firstScore).toBeCloseTo(minScore, 3);

    // Export the current view as CSV: one line per matching flag, read back by ballot's own CSV reader.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#f-export')]);
    const csv = join(dir, 'view.csv');
    await download.saveAs(csv);
    const exported = readRows(csv).rows;
    expect(exported.length).toBe(prizes);
    expect(exported.every((r) => String(r.text).toLowerCase().includes('prizes') || String(r.reason).toLowerCase().includes('prizes'))).toBe(true);
    await page.fill('#f-q', '');
    await page.selectOption('#f-sort', 'score-desc');
  });

  it('shows a row holding markup as text: no script runs, no dialog, no element injected', async () => {
    await page.fill('#f-q', 'alert(1)');
    expect(await flagCount()).toBeGreaterThan(0);
    const texts = await page.locator('#flag-rows td.text').allTextContents();
    expect(texts).toContain(HOSTILE);
    expect(dialogs).toEqual([]);
    expect(await count('#flag-rows img, #flag-rows script')).toBe(0);
    expect(await page.evaluate(() => document.scripts.length)).toBe(4);
    await page.fill('#f-q', '');
  });

  it('clicking an LF in the table filters the flags to it; slices list every value', async () => {
    await page.locator('#lf-table td.lf a', { hasText: /^lf5$/ }).click();
    expect(await page.inputValue('#f-lf')).toBe('lf5');
    expect(await flagCount()).toBe(data.flags.filter((f) => f.lf === 'lf5' || 'lf5' in f.votes).length);
    const values = await page.locator('#slices-table tbody tr td:first-child').allTextContents();
    expect(values.sort()).toEqual(['chat', 'mail', 'web']);
  });

  it('LF names, class names and slice values holding markup, quotes or U+2028 show as text and break no chart', async () => {
    const input = hostileNamesInput();
    const hostile = join(dir, 'hostile.html');
    const d = collectReportData(input);
    writeFileSync(hostile, await buildReport(d));
    const r = await openReport(browser, hostile);
    expect(r.errors).toEqual([]);
    expect(r.dialogs).toEqual([]);
    expect(browser.blocked).toEqual([]);
    expect(await r.page.getAttribute('html', 'data-ready')).toBe('7');
    expect(await r.page.locator('#lf-table td.lf a').allTextContents()).toEqual(expect.arrayContaining([...input.L.lfNames]));
    expect(await r.page.locator('#slices-table tbody td:first-child').allTextContents()).toEqual(
      expect.arrayContaining(['<i>odd</i>', '"even"\u2029']),
    );
    expect(await r.page.locator('img, i, u, main script, #flag-rows td.text *').count()).toBe(0);
    await r.page.close();
  });
});
