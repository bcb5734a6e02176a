import { copyFileSync, linkSync, readFileSync, symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO_OPTIONS } from '../../src/cli/io-options.js';
import { commands } from '../../src/cli/commands/index.js';
import { DATA, fails, makeProject, type Project } from './project.js';

// Class 1: an output that resolves to one of the command's inputs (same path, symlink, hard link) is refused before
// anything is computed, and the input is left byte for byte as it was.
let P: Project;
beforeAll(async () => {
  P = await makeProject('io', { fitted: true });
  copyFileSync(P.p('data.csv'), P.p('gold.csv'));
  linkSync(P.p('data.csv'), P.p('data-hardlink.csv'));
  symlinkSync(P.p('out', 'L.arrow'), P.p('L-link.arrow'));
}, 60_000);
afterAll(() => P.cleanup());

const sample = (...a: string[]) => [
  'sample',
  '--recipe',
  P.p('recipe.json'),
  '--L',
  P.p('out', 'L.arrow'),
  '--model',
  P.p('out', 'model.json'),
  ...a,
];

const CASES: [string, () => string[], string][] = [
  ['sample --out = --data', () => sample('--data', P.p('data.csv'), '--out', P.p('data.csv')), '--data'],
  ['sample --out = hard link of --data', () => sample('--data', P.p('data.csv'), '--out', P.p('data-hardlink.csv')), '--data'],
  ['sample --out = --L', () => sample('--out', P.p('out', 'L.arrow')), '--L'],
  ['sample --out = symlink to --L', () => sample('--out', P.p('L-link.arrow')), '--L'],
  ['sample --report = --recipe', () => sample('--out', P.p('next.csv'), '--report', P.p('recipe.json')), '--recipe'],
  ['sample --out = --report', () => sample('--out', P.p('same.json'), '--report', P.p('same.json')), 'two outputs'],
  [
    'apply --out = --data',
    () => ['apply', '--lfs', P.p('lfs', 'spam.ts'), '--workers', '1', '--data', P.p('out', 'L.arrow'), '--out', P.p('out', 'L.arrow')],
    '--data',
  ],
  [
    'predict --out = --L',
    () => ['predict', '--model', P.p('out', 'model.json'), '--L', P.p('out', 'L.arrow'), '--out', P.p('out', 'L.arrow')],
    '--L',
  ],
  [
    'predict --out = --model',
    () => ['predict', '--model', P.p('out', 'model.json'), '--L', P.p('out', 'L.arrow'), '--out', P.p('out', 'model.json')],
    '--model',
  ],
  [
    'fit --out = --dev',
    () => ['fit', '--L', P.p('out', 'L.arrow'), '--dev', P.p('gold.csv'), '--label-column', 'label', '--out', P.p('gold.csv')],
    '--dev',
  ],
  [
    'analyze --out = --gold',
    () => ['analyze', '--L', P.p('out', 'L.arrow'), '--gold', P.p('gold.csv'), '--label-column', 'label', '--out', P.p('gold.csv')],
    '--gold',
  ],
  ['analyze --pairs-out = --L', () => ['analyze', '--L', P.p('out', 'L.arrow'), '--pairs-out', P.p('out', 'L.arrow')], '--L'],
  [
    'disagreements --out = --gold',
    () => ['disagreements', '--L', P.p('out', 'L.arrow'), '--gold', P.p('gold.csv'), '--label-column', 'label', '--out', P.p('gold.csv')],
    '--gold',
  ],
  [
    'disagreements --out = --data',
    () => ['disagreements', '--L', P.p('out', 'L.arrow'), '--data', P.p('data.csv'), '--show', 'text', '--out', P.p('data-hardlink.csv')],
    '--data',
  ],
];

describe('class 1: outputs never overwrite inputs', () => {
  for (const [name, args, clash] of CASES) {
    it(name, async () => {
      const before = [
        readFileSync(P.p('data.csv')),
        readFileSync(P.p('out', 'L.arrow')),
        readFileSync(P.p('recipe.json')),
        readFileSync(P.p('gold.csv')),
      ];
      const msg = await fails(1, ...args());
      expect(msg).toContain(clash);
      expect(msg).toMatch(/same file/);
      expect([
        readFileSync(P.p('data.csv')),
        readFileSync(P.p('out', 'L.arrow')),
        readFileSync(P.p('recipe.json')),
        readFileSync(P.p('gold.csv')),
      ]).toEqual(before);
      expect(readFileSync(P.p('data.csv'), 'utf8')).toBe(DATA);
    });
  }

  it('every command that has file options is in the table', () => {
    const fileCommands = commands.map((c) => String(c.command).split(' ')[0]).filter((c) => !['demo', 'lfs', 'init'].includes(c));
    for (const c of fileCommands) expect(IO_OPTIONS[c], c).toBeDefined();
  });
});
