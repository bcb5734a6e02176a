import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../src/index.js';
import { prepareRecipe } from '../../src/internal.js';
import { fails, makeProject, runCli, type Project } from './project.js';

// Class 6: numbers are never silently changed (unsafe integers, 1e400) and sizes are bounded before allocating.
let P: Project;
beforeAll(async () => {
  P = await makeProject('numbers', { fitted: true });
}, 60_000);
afterAll(() => P.cleanup());

const JSONL: [string, string, RegExp][] = [
  ['an unsafe integer id', '{"id": 12345678901234567891}', /line 2.*"id".*12345678901234567891/],
  ['2^53 + 1', '{"id": 9007199254740993}', /line 2.*"id".*9007199254740993/],
  ['1e400', '{"v": 1e400}', /line 2.*"v".*1e400/],
  ['-1e400 nested in an array', '{"v": [1, -1e400]}', /line 2.*"v\[1\]".*-1e400/],
  ['an unsafe integer nested in an object', '{"o": {"n": -99999999999999999999}}', /line 2.*"o\.n"/],
];

describe('class 6: numbers', () => {
  for (const [name, line, want] of JSONL) {
    it(`JSON Lines: ${name} → refused with line and key`, () => {
      writeFileSync(P.p('n.jsonl'), `{"id": 1}\n${line}\n`);
      expect(() => readRows(P.p('n.jsonl'))).toThrow(want);
    });
  }

  it('JSON Lines: unsafe numbers kept as strings when asked, exact digits', () => {
    writeFileSync(P.p('s.jsonl'), '{"id": 12345678901234567891, "v": 1e400, "ok": 3, "t": "12345678901234567891"}\n');
    const row = readRows(P.p('s.jsonl'), { unsafeNumbers: 'string' }).rows[0];
    expect(row).toEqual({ id: '12345678901234567891', v: '1e400', ok: 3, t: '12345678901234567891' });
  });

  it('JSON Lines: large floats in exponent form and safe integers are fine', () => {
    writeFileSync(P.p('f.jsonl'), '{"a": 1.5e300, "b": 9007199254740991, "c": -0.5}\n');
    expect(readRows(P.p('f.jsonl')).rows[0]).toEqual({ a: 1.5e300, b: 9007199254740991, c: -0.5 });
  });

  for (const budget of [1e21, 2 ** 31, -1, 1.5]) {
    it(`recipe budget ${budget} → a clear error`, () => {
      expect(() => prepareRecipe({ budget, parts: [{ random: 1 }] }, 'r.json')).toThrow(
        /r\.json: budget must be a whole number from 0 to 2147483647/,
      );
    });
  }

  it('sample --budget 1e21 → a clear error, not "Invalid array length"', async () => {
    const msg = await fails(1, 'sample', '--recipe', P.p('recipe.json'), '--L', P.p('out', 'L.arrow'), '--budget', '1e21', '--out', P.p('b.csv'));
    expect(msg).toMatch(/budget must be a whole number from 0 to 2147483647/);
  });

  it('the largest budget on a 20-row pool selects the pool and says so', async () => {
    writeFileSync(P.p('big.json'), JSON.stringify({ budget: 2 ** 31 - 1, seed: 1, parts: [{ random: 1 }] }));
    const r = await runCli('sample', '--recipe', P.p('big.json'), '--L', P.p('out', 'L.arrow'), '--out', P.p('big.csv'), '--json');
    expect(r.err).toBe('');
    const rep = JSON.parse(r.out);
    expect(rep.selected ?? rep.total ?? rep.parts?.[0]?.selected).toBe(20);
  });
});
