import { describe, expect, it } from 'vitest';
import {
  ABSTAIN,
  applyLFs,
  defineLabels,
  keywordLF,
  LabelingFunctionError,
  labelingFunction,
  LabelMatrix,
  lookupLF,
  MajorityVote,
  preprocessor,
  probsToPreds,
  regexLF,
  thresholdLF,
} from '../src/internal.js';

const labels = defineLabels(['HAM', 'SPAM'] as const);
type Row = { text: string; stars: number | string };

const rows: Row[] = [
  { text: 'check out my channel', stars: 1 },
  { text: 'I love this song', stars: 5 },
  { text: 'subscribe please', stars: 2 },
  { text: 'great', stars: 4 },
  { text: 'http://spam.example buy now', stars: 1 },
  { text: 'song of the year, check it out', stars: 5 },
  { text: 'Mystery video', stars: 3 },
  { text: 'my favourite SONG', stars: 5 },
  { text: '', stars: '' },
  { text: 'CHECK THIS OUT my friends', stars: 2 },
];

const lfs = [
  keywordLF({ name: 'kw_my', keywords: ['my'], label: 'SPAM' }),
  keywordLF({ name: 'kw_song', keywords: ['song'], label: 'HAM' }),
  regexLF({ name: 're_check_out', pattern: /check.*out/i, label: 'SPAM' }),
  thresholdLF({ name: 'stars_high', field: 'stars', atLeast: 4, label: 'HAM' }),
];

describe('applyLFs on a hand-made 10-row case', () => {
  const L = applyLFs(rows, lfs, labels);
  it('builds the expected matrix (rows × LFs, -1 abstain, class indices)', () => {
    // HAM = 0, SPAM = 1. "Mystery" does not match the whole word "my"; "SONG" matches case-insensitively.
    expect(L.toRows()).toEqual([
      [1, -1, 1, -1],
      [-1, 0, -1, 0],
      [-1, -1, -1, -1],
      [-1, -1, -1, 0],
      [-1, -1, -1, -1],
      [-1, 0, 1, 0],
      [-1, -1, -1, -1],
      [1, 0, -1, 0],
      [-1, -1, -1, -1],
      [1, -1, 1, -1],
    ]);
    expect(L.n).toBe(10);
    expect(L.m).toBe(4);
    expect(L.k).toBe(2);
    expect(L.lfNames).toEqual(['kw_my', 'kw_song', 're_check_out', 'stars_high']);
    expect(L.labels).toEqual(['HAM', 'SPAM']);
  });
  it('gives column and row views that agree with get()', () => {
    expect(Array.from(L.column(2))).toEqual([1, -1, -1, -1, -1, 1, -1, -1, -1, 1]);
    expect(Array.from(L.row(5))).toEqual([-1, 0, 1, 0]);
    expect(Array.from(L.voteCounts())).toEqual([2, 2, 0, 1, 0, 3, 0, 3, 0, 2]);
    expect(L.selectLFs(['stars_high', 'kw_my']).toRows()[7]).toEqual([0, 1]);
    expect(L.selectRows([9, 0]).toRows()).toEqual([
      [1, -1, 1, -1],
      [1, -1, 1, -1],
    ]);
  });
});

describe('LF error policies', () => {
  const boom = labelingFunction({
    name: 'boom',
    vote: (r: Row) => {
      if (r.text === 'great') throw new Error('cannot parse');
      return ABSTAIN;
    },
  });
  it('by default stops with the LF name, the row index and the original message', () => {
    expect(() => applyLFs(rows, [lfs[0], boom], labels)).toThrowError(LabelingFunctionError);
    expect(() => applyLFs(rows, [lfs[0], boom], labels)).toThrow(/"boom" failed on row 3: cannot parse/);
  });
  it('row indices in errors are offset for batches of a larger file', () => {
    expect(() => applyLFs(rows, [boom], labels, { rowOffset: 1000 })).toThrow(/row 1003/);
  });
  it("onError: 'abstain' records -1 and counts the failures per LF", () => {
    const L = applyLFs(rows, [lfs[0], boom], labels, { onError: 'abstain' });
    expect(Array.from(L.errorCounts)).toEqual([0, 1]);
    expect(L.get(3, 1)).toBe(-1);
    expect(L.get(0, 0)).toBe(1);
  });
  it('a vote outside the label space is an error naming the LF and row, even with onError abstain', () => {
    const bad = labelingFunction({ name: 'bad', vote: (r: Row) => (r.text === 'great' ? ('MAYBE' as 'HAM') : ABSTAIN) });
    expect(() => applyLFs(rows, [bad], labels, { onError: 'abstain' })).toThrow(/"bad" failed on row 3: voted "MAYBE"/);
    const undef = labelingFunction({ name: 'undef', vote: () => undefined as unknown as 'HAM' });
    expect(() => applyLFs(rows, [undef], labels)).toThrow(/"undef" failed on row 0: voted undefined/);
  });
  it('duplicate LF names are rejected', () => {
    expect(() => applyLFs(rows, [lfs[0], lfs[0]], labels)).toThrow(/two labeling functions are named "kw_my"/);
  });
  it('errors say how to fix Snorkel habits: integer votes, a missing return', () => {
    const ints = labelingFunction({ name: 'ints', vote: (r: Row) => (r.text === 'great' ? (0 as unknown as 'HAM') : ABSTAIN) });
    expect(() => applyLFs(rows, [ints], labels)).toThrow(
      'labeling function "ints" failed on row 3: voted 0, which is not a label (HAM, SPAM) nor ABSTAIN (-1); LFs vote class names: return "HAM", not 0',
    );
    const noReturn = labelingFunction({ name: 'no_return', vote: (() => {}) as unknown as () => 'HAM' });
    expect(() => applyLFs(rows, [noReturn], labels)).toThrow(/voted undefined, .*did a code path miss its return\? Return ABSTAIN to abstain$/);
  });
  it('an LF that dies reading a column the row lacks names the columns the row has', () => {
    const typo = labelingFunction({ name: 'typo', vote: (r: Row) => ((r as unknown as { txt: string }).txt.trim() ? 'HAM' : ABSTAIN) });
    expect(() => applyLFs(rows, [typo], labels)).toThrow(
      /"typo" failed on row 0: Cannot read properties of undefined \(reading 'trim'\) \(the row's columns: text, stars\)$/,
    );
  });
});

describe('columns the builders read', () => {
  it('a column no row has is an error naming the column and the LFs, not silent abstains', () => {
    const wrong = keywordLF({ name: 'kw_body', keywords: ['song'], label: 'HAM', field: 'body' });
    const t = thresholdLF({ name: 'likes', field: 'likes', atLeast: 3, label: 'HAM' });
    expect(() => applyLFs(rows, [lfs[0], wrong, t], labels)).toThrow(
      'the data has no column "body" (read by "kw_body"), "likes" (read by "likes"); its columns are: text, stars',
    );
    expect(() => applyLFs(rows, [regexLF({ name: 'rx', pattern: 'song', label: 'HAM' })], labels)).not.toThrow(); // default field text
    expect(() => applyLFs(rows, [lookupLF({ name: 'lk', field: 'author', table: {} as Record<string, 'HAM'> })], labels)).toThrow(
      /no column "author"/,
    );
  });
  it('a key missing from some rows only (JSON Lines) still abstains there', () => {
    const sparse = [{ text: 'x' }, { text: 'song', likes: 5 }];
    const L = applyLFs(sparse, [thresholdLF({ name: 'likes', field: 'likes', atLeast: 3, label: 'HAM' })], labels);
    expect(Array.from(L.column(0))).toEqual([-1, 0]);
  });
  it('fields computed by a preprocessor or a function are not checked', () => {
    const words = preprocessor('words', (r: Row) => ({ ...r, words: r.text.split(' ') }));
    const many = keywordLF({ name: 'kw_words', keywords: ['song'], label: 'HAM', field: 'words', pre: [words] });
    expect(many.columns).toBeUndefined();
    expect(keywordLF({ name: 'f', keywords: ['a'], label: 'HAM', field: (r: Row) => r.text }).columns).toBeUndefined();
    expect(keywordLF({ name: 'g', keywords: ['a'], label: 'HAM' }).columns).toEqual(['text']);
    expect(() => applyLFs(rows, [many], labels)).not.toThrow();
  });
});

describe('preprocessors', () => {
  it('run once per row and are shared across LFs', () => {
    let calls = 0;
    const lower = preprocessor('lower', (r: Row) => {
      calls++;
      return { ...r, lower: r.text.toLowerCase() };
    });
    const a = labelingFunction({ name: 'a', pre: [lower], vote: (r: Row & { lower: string }) => (r.lower.includes('check') ? 'SPAM' : ABSTAIN) });
    const b = labelingFunction({ name: 'b', pre: [lower], vote: (r: Row & { lower: string }) => (r.lower.includes('song') ? 'HAM' : ABSTAIN) });
    const L = applyLFs(rows, [a, b], labels);
    expect(calls).toBe(rows.length);
    expect(L.get(9, 0)).toBe(1);
    expect(L.get(7, 1)).toBe(0);
  });
  it('a preprocessor returning nothing is an LF error', () => {
    const broken = preprocessor('broken', () => undefined);
    const a = labelingFunction({ name: 'a', pre: [broken], vote: () => ABSTAIN });
    expect(() => applyLFs(rows, [a], labels)).toThrow(/"a" failed on row 0: preprocessor "broken" returned undefined/);
  });
});

describe('builders', () => {
  it('keywordLF substring mode matches inside words, word mode does not', () => {
    const sub = keywordLF({ name: 's', keywords: ['my'], label: 'SPAM', match: 'substring' });
    const word = keywordLF({ name: 'w', keywords: ['my'], label: 'SPAM' });
    const r = { text: 'Mystery video', stars: 3 };
    expect(sub.vote(r, undefined)).toBe('SPAM');
    expect(word.vote(r, undefined)).toBe(ABSTAIN);
  });
  it('regexLF with a global flag still matches every row (no lastIndex carry-over)', () => {
    const g = regexLF({ name: 'g', pattern: /out/g, label: 'SPAM' });
    const r = { text: 'check out', stars: 0 };
    expect([g.vote(r, undefined), g.vote(r, undefined), g.vote(r, undefined)]).toEqual(['SPAM', 'SPAM', 'SPAM']);
  });
  it('thresholdLF parses numeric strings and abstains (or errors) on missing values', () => {
    const t = thresholdLF({ name: 't', field: 'stars', below: 3, label: 'SPAM' });
    expect(t.vote({ text: '', stars: '2' }, undefined)).toBe('SPAM');
    expect(t.vote({ text: '', stars: '' }, undefined)).toBe(ABSTAIN);
    const strict = thresholdLF({ name: 't2', field: 'stars', below: 3, label: 'SPAM', onMissing: 'error' });
    expect(() => applyLFs([{ text: '', stars: 'n/a' }], [strict], labels)).toThrow(/"t2" failed on row 0: value "n\/a" is not a number/);
    expect(() => thresholdLF({ name: 'x', field: 'stars', label: 'HAM' })).toThrow(/exactly one of/);
  });
  it('lookupLF votes the table entry or abstains', () => {
    const lk = lookupLF({ name: 'author', field: 'text', table: { great: 'HAM' } });
    const L = applyLFs(rows, [lk], labels);
    expect(Array.from(L.column(0))).toEqual([-1, -1, -1, 0, -1, -1, -1, -1, -1, -1]);
  });
  it('rejects invalid LF names and label spaces', () => {
    expect(() => labelingFunction({ name: '1bad name', vote: () => ABSTAIN })).toThrow(/invalid/);
    expect(() => defineLabels(['A'] as const)).toThrow(/at least 2/);
    expect(() => defineLabels(['A', 'A'] as const)).toThrow(/appears twice/);
  });
});

describe('MajorityVote', () => {
  const L = LabelMatrix.fromRows(
    [
      [0, 0, 1], // clear HAM
      [1, 1, -1], // clear SPAM
      [0, 1, -1], // tie
      [-1, -1, -1], // no votes
    ],
    ['HAM', 'SPAM'],
  );
  const mv = new MajorityVote();
  mv.fit(L);
  it('gives the indicator of the most-voted classes, uniform on ties and on uncovered rows', () => {
    expect(Array.from(mv.predictProba(L))).toEqual([1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5]);
  });
  it("tie policy 'abstain' returns -1 on ties", () => {
    expect(Array.from(mv.predict(L, 'abstain'))).toEqual([0, 1, -1, -1]);
  });
  it("tie policy 'random' is seeded: same seed, same picks; picks cover both classes across seeds", () => {
    const a = mv.predict(L, 'random', 7);
    expect(Array.from(mv.predict(L, 'random', 7))).toEqual(Array.from(a));
    expect(a[0]).toBe(0);
    expect(a[1]).toBe(1);
    const picks = new Set<number>();
    for (let s = 0; s < 32; s++) picks.add(mv.predict(L, 'random', s)[2]);
    expect(picks).toEqual(new Set([0, 1]));
  });
  it('k = 3 ties split over the tied classes only', () => {
    const L3 = LabelMatrix.fromRows([[0, 2, 2, 0, 1]], ['A', 'B', 'C']);
    expect(Array.from(new MajorityVote().predictProba(L3))).toEqual([0.5, 0, 0.5]);
    expect(Array.from(probsToPreds(Float64Array.of(0.2, 0.8, 0), 3))).toEqual([1]);
  });
});
