import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows, writeRows } from '../../src/index.js';
import { prepareRecipe } from '../../src/internal.js';
import { fails, makeProject, runCli, type Project } from './project.js';

// Class 5: keys that come from data or files ("constructor", "__proto__", "toString") are ordinary keys everywhere.
let P: Project;
beforeAll(async () => {
  P = await makeProject('keys', { fitted: true });
  // Same 20 rows, with a "constructor" and a "toString" column.
  const lines = readFileSync(P.p('data.csv'), 'utf8').trimEnd().split('\n');
  writeFileSync(P.p('proto.csv'), `${lines.map((l, i) => (i === 0 ? `${l},constructor,toString` : `${l},c${i},t${i}`)).join('\n')}\n`);
}, 60_000);
afterAll(() => P.cleanup());

describe('class 5: objects keyed by data', () => {
  for (const ext of ['csv', 'tsv', 'jsonl', 'arrow']) {
    it(`a "constructor" column survives sample output as .${ext}`, async () => {
      const out = P.p(`next-proto.${ext}`);
      const r = await runCli(
        'sample',
        '--recipe',
        P.p('recipe.json'),
        '--L',
        P.p('out', 'L.arrow'),
        '--model',
        'mv',
        '--data',
        P.p('proto.csv'),
        '--out',
        out,
      );
      expect(r.err).toBe('');
      const back = readRows(out).rows;
      expect(back).toHaveLength(6);
      for (const row of back) {
        expect(String(row.constructor)).toBe(`c${Number(row._row) + 1}`);
        expect(String(row.toString)).toBe(`t${Number(row._row) + 1}`);
      }
    });
  }

  it('rows missing a "constructor" key write empty cells, never the Object function', () => {
    for (const ext of ['csv', 'jsonl', 'arrow']) {
      writeRows(P.p(`partial.${ext}`), [{ constructor: 'x', a: 1 }, { a: 2 }], { columns: ['a', 'constructor'] });
      const back = readRows(P.p(`partial.${ext}`)).rows;
      expect([null, undefined, ''].includes(back[1].constructor as never), ext).toBe(true);
    }
  });

  it('a JSON Lines "__proto__" key is an ordinary column', () => {
    writeFileSync(P.p('proto.jsonl'), '{"__proto__": "p", "a": 1}\n{"a": 2}\n');
    const d = readRows(P.p('proto.jsonl'));
    expect(d.columns).toEqual(['__proto__', 'a']);
    expect(Object.hasOwn(d.rows[0], '__proto__')).toBe(true);
    expect(d.rows[0]['__proto__']).toBe('p');
    writeRows(P.p('proto-out.jsonl'), d);
    expect(readFileSync(P.p('proto-out.jsonl'), 'utf8')).toBe('{"__proto__":"p","a":1}\n{"a":2}\n');
  });

  const RECIPES: [string, unknown, RegExp][] = [
    ['sampler named constructor', { budget: 2, parts: [{ constructor: 1 }] }, /unknown sampler|no sampler|sampler/],
    ['sampler named __proto__', JSON.parse('{"budget": 2, "parts": [{"__proto__": 1}]}'), /sampler/],
    ['option named toString', { budget: 2, parts: [{ random: 1, toString: 1 }] }, /no option "toString"/],
    ['dedupe option named constructor', { budget: 2, parts: [{ random: 1 }], dedupe: { constructor: 1 } }, /unknown option "constructor"/],
  ];
  for (const [name, recipe, want] of RECIPES) {
    it(`recipe: ${name} → a clear error`, () => {
      expect(() => prepareRecipe(recipe, 'r.json')).toThrow(want);
      expect(() => prepareRecipe(recipe, 'r.json')).not.toThrow(/is not a function/);
    });
  }

  it('sample CLI with a recipe part "constructor" names the recipe', async () => {
    writeFileSync(P.p('ctor-recipe.json'), JSON.stringify({ budget: 2, parts: [{ constructor: 1 }] }));
    const msg = await fails(1, 'sample', '--recipe', P.p('ctor-recipe.json'), '--L', P.p('out', 'L.arrow'), '--out', P.p('x.csv'));
    expect(msg).toContain('ctor-recipe.json');
  });
});
