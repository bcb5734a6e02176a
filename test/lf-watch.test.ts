import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffSummaries, watchLFs, type WatchRun, BALLOT_ROOT, scaffoldProject, type LFSummaryRow, type MatrixSummary } from '../src/internal.js';
import { formatChanges, formatRun } from '../src/cli/format/watch.js';

const row = (lf: string, coverage: number, empiricalAccuracy?: number): LFSummaryRow => ({
  lf,
  polarity: ['SPAM'],
  coverage,
  overlaps: coverage / 2,
  conflicts: 0,
  errors: 0,
  ...(empiricalAccuracy === undefined ? {} : { empiricalAccuracy }),
});
const matrix = (coverage: number): MatrixSummary => ({
  n: 10,
  m: 2,
  k: 2,
  coverage,
  overlap: 0.1,
  conflict: 0,
  uncoveredRows: 0,
  meanVotesPerRow: 1,
  votesPerClass: [1, 1],
});

describe('watch summary diff', () => {
  it('reports only what moved, plus added, removed and re-applied-but-unchanged LFs', () => {
    const before = { summary: [row('a', 0.5, 0.9), row('b', 0.2, 1), row('gone', 0.1)], matrix: matrix(0.6) };
    const after = { summary: [row('a', 0.6, 0.8), row('b', 0.2, 1), row('new', 0.3)], matrix: matrix(0.7) };
    const c = diffSummaries(before, after, ['a', 'b']);
    expect(c.lfs.map((x) => [x.lf, x.kind])).toEqual([
      ['a', 'changed'],
      ['b', 're-applied'],
      ['new', 'added'],
      ['gone', 'removed'],
    ]);
    expect(c.lfs[0].deltas).toEqual({ coverage: [0.5, 0.6], overlaps: [0.25, 0.3], empiricalAccuracy: [0.9, 0.8] });
    expect(c.matrix).toEqual({ coverage: [0.6, 0.7] });
    const lines = formatChanges(c);
    expect(lines[0]).toBe('~ a: coverage 50.0% → 60.0% (+10.0), overlaps 25.0% → 30.0% (+5.0), accuracy 0.900 → 0.800 (-0.100)');
    // b was re-applied but did not move: it prints nothing.
    expect(lines.some((l) => l.includes(' b:'))).toBe(false);
    expect(lines).toContain('- gone: removed');
    expect(lines.at(-1)).toBe('all LFs: coverage 60.0% → 70.0% (+10.0)');
    expect(diffSummaries(after, after).lfs).toEqual([]);
  });
});

describe('watchLFs', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'ballot-watch-')), 'proj');
    scaffoldProject(dir);
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(BALLOT_ROOT, join(dir, 'node_modules', 'ballot'), 'dir');
  });
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('re-applies the edited LF on save and reports its new coverage and accuracy', async () => {
    const runs: WatchRun[] = [];
    let notify = () => {};
    const next = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for run ${count}; got ${runs.length}`)), 30_000);
        notify = () => {
          if (runs.length >= count) {
            clearTimeout(t);
            resolve();
          }
        };
        notify();
      });
    const ac = new AbortController();
    const watching = watchLFs({
      cwd: dir,
      data: 'data/tiny.csv',
      out: 'out/L.arrow',
      goldColumn: 'label',
      workers: 1,
      debounceMs: 100,
      signal: ac.signal,
      onRun: (r) => {
        runs.push(r);
        notify();
      },
    });
    try {
      await next(1);
      const first = runs[0];
      if (!first.ok) throw first.error;
      expect(first.result.report.applied.sort()).toEqual(['call_to_action', 'short_personal']);
      expect(first.result.summary.find((r) => r.lf === 'call_to_action')!.empiricalAccuracy).toBeCloseTo(10 / 11, 10);

      // Drop "free" from the keyword LF: it stops misfiring on "free to talk" and covers fewer rows.
      const file = join(dir, 'lfs/example.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace("'claim', 'free', ", "'claim', "));
      await next(2);
      const second = runs[1];
      if (!second.ok) throw second.error;
      expect(second.result.report.applied).toEqual(['call_to_action']);
      expect(second.result.report.cached).toEqual(['short_personal']);
      const change = second.changes.lfs.find((c) => c.lf === 'call_to_action')!;
      expect(change.kind).toBe('changed');
      expect(change.deltas.empiricalAccuracy![1]).toBe(1);
      expect(change.deltas.coverage![1]).toBeLessThan(change.deltas.coverage![0]);
      expect(second.changes.lfs.map((c) => c.lf)).toEqual(['call_to_action']);
      // The label model's dev score on the 20 gold rows, and its move since the first run.
      expect(first.result.model).toMatchObject({ kind: 'mc', scored: 20 });
      expect(second.previousModel).toEqual(first.result.model);
      const text = formatRun(second, false).join('\n');
      const m = /label model mc on 20 gold rows: accuracy (\d+\.\d)%(?: → (\d+\.\d)% \(([+-]\d+\.\d)\)| \(=\))/.exec(text);
      expect(m, text).not.toBeNull();
      expect(Number(m![1])).toBeCloseTo(100 * first.result.model!.accuracy, 1);
      if (m![2]) expect(Number(m![2])).toBeCloseTo(100 * second.result.model!.accuracy, 1);

      // The gold labels are carried from run to run while the data file is unchanged; an edit to it reads them anew.
      const data = join(dir, 'data/tiny.csv');
      const lines = readFileSync(data, 'utf8').split('\n');
      writeFileSync(data, lines.map((l, i) => (i >= 1 && i <= 5 ? l.replace(/,(HAM|SPAM)$/, ',') : l)).join('\n'));
      await next(3);
      const third = runs[2];
      if (!third.ok) throw third.error;
      expect(third.result.model).toMatchObject({ kind: 'mc', scored: 15 });
    } finally {
      ac.abort();
      await watching;
    }
  });
});
