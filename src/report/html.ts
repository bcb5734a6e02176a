import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCharts } from './charts.js';
import type { ReportData } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
let assets: { vega: string; app: string; css: string } | null = null;

/** The page's inlined assets, read once: Vega's runtime (from the installed package), the page script and its CSS. */
function pageAssets(): { vega: string; app: string; css: string } {
  if (!assets) {
    const vegaEntry = createRequire(import.meta.url).resolve('vega');
    assets = {
      vega: readFileSync(join(dirname(vegaEntry), 'vega.min.js'), 'utf8'),
      app: readFileSync(join(here, 'page', 'app.js'), 'utf8'),
      css: readFileSync(join(here, 'page', 'style.css'), 'utf8'),
    };
  }
  return assets;
}

/** Text for HTML element content or an attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON safe inside a `<script type="application/json">`: `<` is written as \u003c, so no data string can close the
 * script element or open a comment; U+2028/U+2029 are escaped too. JSON.parse of the element's text gives the data back.
 */
export function scriptJSON(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inlined JavaScript must not contain `</script` (a library's string could); split it where it does. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * The report as one self-contained HTML page: no request at view time (Vega's runtime, the data and the specs are
 * inlined), opens from file://. Data strings reach the page only as JSON and are put in the DOM as text. Async because
 * Vega-Lite's compiler is loaded on first use (importing `ballot` stays cheap).
 */
export async function buildReport(data: ReportData): Promise<string> {
  const a = pageAssets();
  const charts = await buildCharts(data);
  const title = escapeHtml(data.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'">
<title>${title}</title>
<style>${a.css}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<nav><a href="#overview">Overview</a><a href="#lfs">LFs</a><a href="#charts-section">Charts</a><a href="#flags">Flags</a><a href="#slices-section">Slices</a></nav>
</header>
<main>
<section id="overview"><h2>Overview</h2><div id="cards" class="cards"></div><div id="sources"></div><ul id="notes" class="notes"></ul></section>
<section id="lfs"><h2>Labeling functions</h2><p class="note">Click a header to sort. Fractions are of all rows. ≈ marks a near-duplicate LF. Click an LF to see its flags.</p><div id="lf-table"></div></section>
<section id="charts-section"><h2>Charts</h2><div id="charts" class="charts"></div></section>
<section id="flags"><h2>Flags</h2>
<div id="found" class="note"></div>
<div class="controls">
<select id="f-kind" aria-label="kind"></select>
<select id="f-lf" aria-label="LF"></select>
<select id="f-given" aria-label="given label"></select>
<select id="f-predicted" aria-label="predicted class"></select>
<input id="f-q" type="search" placeholder="search text and reasons" aria-label="search">
<select id="f-sort" aria-label="sort"><option value="score-desc">score, highest first</option><option value="score-asc">score, lowest first</option><option value="row-asc">row</option></select>
<button id="f-export" type="button">export view as CSV</button>
<span><b id="flag-count">0</b> of <span id="flag-total">0</span> listed flags match</span>
</div>
<div class="flags-wrap"><table id="flag-table"><thead><tr><th>kind</th><th class="num">row</th><th class="num">score</th><th>LF</th><th>given</th><th>predicted</th><th>probabilities</th><th>votes</th><th>reason</th><th>text</th></tr></thead><tbody id="flag-rows"></tbody></table></div>
<button id="flag-more" type="button" hidden></button>
</section>
<section id="slices-section"><h2>Slices by <span id="slices-column"></span></h2><div id="slices-table"></div></section>
</main>
<script type="application/json" id="report-data">${scriptJSON(data)}</script>
<script type="application/json" id="report-charts">${scriptJSON(charts)}</script>
<script>${inlineScript(a.vega)}</script>
<script>${inlineScript(a.app)}</script>
</body>
</html>
`;
}
