// The report page's script. Every string from the data is put in the page with textContent (never innerHTML),
// so rows holding markup show as text. The data comes from the JSON block; the charts are Vega specs.
(() => {
  const D = JSON.parse(document.getElementById('report-data').textContent);
  const CHARTS = JSON.parse(document.getElementById('report-charts').textContent);
  const $ = (id) => document.getElementById(id);

  /** Element with text children only: strings become text nodes. */
  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props)
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (k === 'style') e.style.cssText = v;
        else e.setAttribute(k, v);
      }
    for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const pct = (x, d = 1) => (x === undefined || x === null ? '–' : `${(100 * x).toFixed(d)}%`);
  const _f3 = (x) => (x === undefined || x === null ? '–' : x.toFixed(3));
  const int = (x) => Number(x).toLocaleString('en-US');

  /** A cell with a bar behind its number (value in [0, 1] of the bar's full width). */
  function barCell(text, frac, cls) {
    const w = Math.max(0, Math.min(1, frac || 0));
    return h('td', { class: 'num bar-cell' }, h('div', { class: `bar ${cls || ''}`, style: `width:${(100 * w).toFixed(1)}%` }), h('span', { text }));
  }

  // ---- overview
  function overview() {
    const s = D.matrix;
    const cards = [
      ['rows', int(s.n)],
      ['LFs', int(s.m)],
      ['classes', `${s.k}: ${D.labels.join(', ')}`],
      ['coverage', pct(s.coverage)],
      ['overlap', pct(s.overlap)],
      ['conflict', pct(s.conflict)],
      ['rows without votes', int(s.uncoveredRows)],
      ['votes per row', s.meanVotesPerRow.toFixed(2)],
      ['label model', D.generated.labelModel],
    ];
    if (D.generated.endModel) cards.push(['end model', 'given']);
    if (D.generated.gold) cards.push(['rows with a given label', int(D.calibration[0] ? D.calibration[0].rows : 0)]);
    $('cards').append(
      ...cards.map(([k, v]) => h('div', { class: 'card' }, h('div', { class: 'card-v', text: v }), h('div', { class: 'card-k', text: k }))),
    );
    const src = Object.entries(D.generated.sources).filter(([, v]) => v);
    if (src.length)
      $('sources').append(h('span', { text: 'inputs: ' }), ...src.map(([k, v]) => h('span', { class: 'src' }, h('b', { text: `${k} ` }), v)));
    for (const n of D.notes) $('notes').append(h('li', { text: n }));
  }

  // ---- sortable tables
  /** A table whose headers sort it: cols = [{ key, title, num, cell(row) → td }]. */
  function sortableTable(container, rows, cols, initialKey) {
    let key = initialKey,
      dir = -1;
    const table = h('table', { class: 'sortable' });
    const thead = h('thead');
    const tbody = h('tbody');
    table.append(thead, tbody);
    function render() {
      thead.replaceChildren(
        h(
          'tr',
          null,
          cols.map((c) =>
            h(
              'th',
              {
                class: `${c.num ? 'num' : ''} ${c.key === key ? (dir > 0 ? 'asc' : 'desc') : ''}`,
                'data-key': c.key,
                title: c.help || 'click to sort',
                onclick: () => {
                  if (key === c.key) dir = -dir;
                  else {
                    key = c.key;
                    dir = c.num ? -1 : 1;
                  }
                  render();
                },
              },
              c.title,
            ),
          ),
        ),
      );
      const col = cols.find((c) => c.key === key);
      const val = (r) => (col?.value ? col.value(r) : r[key]);
      const sorted = key
        ? [...rows].sort((a, b) => {
            const x = val(a),
              y = val(b);
            if (x === y) return 0;
            if (x === undefined || x === null) return 1;
            if (y === undefined || y === null) return -1;
            return (x < y ? -1 : 1) * dir;
          })
        : rows;
      tbody.replaceChildren(
        ...sorted.map((r) =>
          h(
            'tr',
            null,
            cols.map((c) => c.cell(r)),
          ),
        ),
      );
    }
    render();
    container.append(table);
  }

  function lfTable() {
    const gold = D.generated.gold;
    const learned = D.lfs.some((r) => r.learnedAccuracy !== undefined);
    const maxCov = Math.max(1e-9, ...D.lfs.map((r) => r.coverage));
    const dups = new Set(D.correlation.nearDuplicates.flatMap((p) => [p.a, p.b]));
    const maxErr = Math.max(1, ...D.lfs.map((r) => r.errors));
    const cols = [
      {
        key: 'lf',
        title: 'LF',
        cell: (r) =>
          h(
            'td',
            { class: 'lf' },
            h('a', { href: '#flags', onclick: () => setLF(r.lf), text: r.lf }),
            dups.has(r.lf) ? h('span', { class: 'dup', title: 'near-duplicate of another LF', text: ' ≈' }) : null,
          ),
      },
      { key: 'polarity', title: 'polarity', value: (r) => r.polarity.join(','), cell: (r) => h('td', { text: r.polarity.join(', ') || '–' }) },
      { key: 'coverage', title: 'coverage', num: true, cell: (r) => barCell(pct(r.coverage), r.coverage / maxCov) },
      { key: 'overlaps', title: 'overlaps', num: true, cell: (r) => barCell(pct(r.overlaps), r.overlaps / maxCov) },
      { key: 'conflicts', title: 'conflicts', num: true, cell: (r) => barCell(pct(r.conflicts), r.conflicts / maxCov, 'warn') },
    ];
    if (gold) {
      cols.push(
        { key: 'correct', title: 'correct', num: true, cell: (r) => h('td', { class: 'num', text: int(r.correct) }) },
        { key: 'incorrect', title: 'incorrect', num: true, cell: (r) => h('td', { class: 'num', text: int(r.incorrect) }) },
        {
          key: 'empiricalAccuracy',
          title: 'empirical acc. (95% CI)',
          num: true,
          value: (r) => (r.correct + r.incorrect > 0 ? r.empiricalAccuracy : undefined),
          cell: (r) => {
            if (r.correct + r.incorrect === 0) return h('td', { class: 'num', text: '–' });
            const [lo, hi] = r.accuracyInterval;
            return barCell(
              `${pct(r.empiricalAccuracy)} (${pct(lo, 0)}–${pct(hi, 0)})`,
              r.empiricalAccuracy,
              r.empiricalAccuracy < 0.5 ? 'bad' : 'good',
            );
          },
        },
      );
    }
    if (learned)
      cols.push({
        key: 'learnedAccuracy',
        title: 'learned acc.',
        num: true,
        cell: (r) =>
          r.learnedAccuracy === undefined ? h('td', { class: 'num', text: '–' }) : barCell(pct(r.learnedAccuracy), r.learnedAccuracy, 'model'),
      });
    cols.push({
      key: 'errors',
      title: 'errors',
      num: true,
      help: 'rows where the LF threw (recorded as abstain)',
      cell: (r) => barCell(int(r.errors), r.errors / maxErr, 'bad'),
    });
    sortableTable($('lf-table'), D.lfs, cols, 'coverage');
  }

  // ---- charts
  let chartsDone = 0;
  function charts() {
    const box = $('charts');
    const pending = [];
    for (const c of CHARTS) {
      const fig = h('figure', { class: 'chart', id: `chart-${c.id}`, 'data-chart': c.id }, h('h3', { text: c.title }));
      const area = h('div', { class: 'chart-area' });
      fig.append(area, h('figcaption', { text: c.missing ? `Not shown: ${c.missing}.` : c.caption }));
      box.append(fig);
      if (!c.vega) {
        fig.classList.add('missing');
        continue;
      }
      const view = new vega.View(vega.parse(c.vega), { renderer: 'svg', container: area, hover: true });
      view.addEventListener('click', (_e, item) => {
        const lf = item?.datum && (item.datum.lf || item.datum.a);
        if (lf && D.lfNames.includes(lf)) {
          setLF(lf);
          $('flags').scrollIntoView();
        }
      });
      pending.push(
        view.runAsync().then(() => {
          chartsDone++;
          fig.setAttribute('data-rendered', '1');
        }),
      );
    }
    return Promise.all(pending);
  }

  // ---- flags browser
  const KIND_NAMES = { 'label-error': 'label error', 'lf-conflict': 'LF conflict', 'lf-mistake': 'LF mistake', 'end-model': 'end model' };
  const state = { kind: '', lf: '', given: '', predicted: '', q: '', sort: 'score-desc', shown: 100 };
  let view = [];

  function matches(f) {
    if (state.kind && f.kind !== state.kind) return false;
    if (state.lf && f.lf !== state.lf && !(state.lf in f.votes)) return false;
    if (state.given) {
      const g = f.given === undefined || f.given === null ? '(unknown)' : f.given;
      if (g !== state.given) return false;
    }
    if (state.predicted) {
      const p = f.predicted === null ? '(tie)' : f.predicted;
      if (p !== state.predicted) return false;
    }
    if (state.q) {
      const hay = `${f.text || ''}\n${f.reason}\n${f.lf || ''}\n${f.row}`.toLowerCase();
      if (!hay.includes(state.q)) return false;
    }
    return true;
  }

  function select(id, options, key) {
    const s = $(id);
    s.append(...options.map(([v, label]) => h('option', { value: v, text: label })));
    s.addEventListener('change', () => {
      state[key] = s.value;
      state.shown = 100;
      renderFlags();
    });
  }

  function setLF(lf) {
    state.lf = lf;
    state.shown = 100;
    $('f-lf').value = lf;
    renderFlags();
  }

  function probText(p) {
    return p.map((x, y) => `${D.labels[y]} ${x.toFixed(2)}`).join(' · ');
  }

  function renderFlags() {
    view = D.flags.filter(matches);
    const [by, dir] = state.sort.split('-');
    const sgn = dir === 'asc' ? 1 : -1;
    view.sort(by === 'row' ? (a, b) => (a.row - b.row) * sgn : (a, b) => (a.score - b.score) * sgn || a.row - b.row);
    $('flag-count').textContent = String(view.length);
    const body = $('flag-rows');
    const rows = view.slice(0, state.shown).map((f) =>
      h(
        'tr',
        { class: `k-${f.kind}` },
        h('td', null, h('span', { class: `kind k-${f.kind}`, text: KIND_NAMES[f.kind] || f.kind })),
        h('td', { class: 'num', text: String(f.row) }),
        h('td', { class: 'num', text: f.score.toFixed(3) }),
        h('td', { text: f.lf || '' }),
        h('td', { text: f.given === undefined ? '' : f.given === null ? '(unknown)' : f.given }),
        h('td', { text: f.predicted === null ? '(tie)' : f.predicted }),
        h('td', { class: 'probs' }, probText(f.probs), f.endProbs ? h('div', { class: 'end', text: `end: ${probText(f.endProbs)}` }) : null),
        h(
          'td',
          { class: 'votes' },
          Object.entries(f.votes).map(([lf, v]) => h('span', { class: 'vote', title: lf }, h('b', { text: lf }), ` ${v}`)),
        ),
        h('td', { class: 'reason', text: f.reason }),
        h('td', { class: 'text', text: f.text === undefined ? '' : f.text }),
      ),
    );
    body.replaceChildren(...rows);
    const more = $('flag-more');
    more.hidden = view.length <= state.shown;
    more.textContent = `show ${Math.min(500, view.length - state.shown)} more (${view.length - state.shown} not shown)`;
  }

  function csvCell(v) {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  /** The current view (all its rows, not only those on screen) as CSV. */
  function viewCSV() {
    const head = [
      'kind',
      'rank',
      'row',
      'score',
      'lf',
      'given',
      'predicted',
      ...D.labels.map((c) => `prob_${c}`),
      'end_predicted',
      'votes',
      'reason',
      'text',
    ];
    const lines = [head.map(csvCell).join(',')];
    for (const f of view) {
      lines.push(
        [
          f.kind,
          f.rank,
          f.row,
          f.score,
          f.lf,
          f.given,
          f.predicted === null ? '' : f.predicted,
          ...f.probs,
          f.endPredicted,
          Object.entries(f.votes)
            .map(([a, b]) => `${a}=${b}`)
            .join('; '),
          f.reason,
          f.text,
        ]
          .map(csvCell)
          .join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }

  function flagsBrowser() {
    const kinds = Object.keys(D.found);
    $('found').append(
      ...kinds.map((k) =>
        h(
          'span',
          { class: `found k-${k}`, 'data-kind': k },
          h('b', { text: KIND_NAMES[k] || k }),
          ` ${int(D.found[k])} found, ${int(D.flags.filter((f) => f.kind === k).length)} listed`,
        ),
      ),
    );
    select('f-kind', [['', 'all kinds'], ...kinds.map((k) => [k, KIND_NAMES[k] || k])], 'kind');
    select('f-lf', [['', 'any LF (flagged or voting)'], ...D.lfNames.map((lf) => [lf, lf])], 'lf');
    const hasGiven = D.flags.some((f) => f.given !== undefined);
    if (hasGiven) select('f-given', [['', 'any given label'], ...D.labels.map((c) => [c, c]), ['(unknown)', '(unknown)']], 'given');
    else $('f-given').hidden = true;
    select('f-predicted', [['', 'any predicted class'], ...D.labels.map((c) => [c, c]), ['(tie)', '(tie)']], 'predicted');
    $('f-sort').addEventListener('change', (e) => {
      state.sort = e.target.value;
      renderFlags();
    });
    $('f-q').addEventListener('input', (e) => {
      state.q = e.target.value.trim().toLowerCase();
      state.shown = 100;
      renderFlags();
    });
    $('flag-more').addEventListener('click', () => {
      state.shown += 500;
      renderFlags();
    });
    $('f-export').addEventListener('click', () => {
      const url = URL.createObjectURL(new Blob([viewCSV()], { type: 'text/csv' }));
      const a = h('a', { href: url, download: 'flags.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    $('flag-total').textContent = String(D.flags.length);
    renderFlags();
  }

  // ---- slices
  function slices() {
    if (!D.slices) {
      $('slices-section').hidden = true;
      return;
    }
    const S = D.slices;
    $('slices-column').textContent = S.column;
    const cols = [
      { key: 'value', title: S.column, cell: (r) => h('td', { text: r.value }) },
      { key: 'rows', title: 'rows', num: true, cell: (r) => h('td', { class: 'num', text: int(r.rows) }) },
      { key: 'coverage', title: 'coverage', num: true, cell: (r) => barCell(pct(r.coverage), r.coverage) },
      { key: 'conflict', title: 'conflict', num: true, cell: (r) => barCell(pct(r.conflict), r.conflict, 'warn') },
    ];
    if (S.slices.some((r) => r.labelModelAccuracy !== undefined)) {
      cols.push({
        key: 'labelModelAccuracy',
        title: 'label-model acc.',
        num: true,
        cell: (r) =>
          r.labelModelAccuracy === undefined
            ? h('td', { class: 'num', text: '–' })
            : barCell(pct(r.labelModelAccuracy), r.labelModelAccuracy, 'model'),
      });
    }
    cols.push({ key: 'n_gold', title: 'rows with gold', num: true, cell: (r) => h('td', { class: 'num', text: int(r.n_gold) }) });
    sortableTable($('slices-table'), S.slices, cols, 'rows');
    if (S.omitted)
      $('slices-table').append(h('p', { class: 'note', text: `${int(S.omitted.values)} more values (${int(S.omitted.rows)} rows) not listed.` }));
  }

  // Milliseconds since navigation start at each step, for bench/report.ts.
  const timings = { script: performance.now() };
  overview();
  lfTable();
  flagsBrowser();
  slices();
  timings.tables = performance.now();
  charts()
    .then(() => {
      timings.charts = performance.now();
      window.__reportTimings = timings;
      document.documentElement.setAttribute('data-ready', String(chartsDone));
    })
    .catch((e) => {
      console.error(`chart failed: ${e?.message}`);
      document.documentElement.setAttribute('data-ready', 'error');
    });
})();
