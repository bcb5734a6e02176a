import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCli } from '../cli-helpers.js';

// A throwaway ballot project for the hostile suite: two LFs, a 20-row CSV, its label matrix and an mv-free fitted model.
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export const LFS = `import { ABSTAIN, defineLabels, keywordLF, labelingFunction } from 'ballot';
export const labels = defineLabels(['HAM', 'SPAM'] as const);
export const callToAction = keywordLF({ name: 'call_to_action', keywords: ['click', 'free'], label: 'SPAM', field: 'text' });
export const shortPersonal = labelingFunction({
  name: 'short_personal',
  vote: (m: { text: string }) => (m.text.split(' ').length <= 4 && /you/i.test(m.text) ? 'HAM' : ABSTAIN),
});
`;

const TEXTS = [
  'are you there',
  'click for a free prize',
  'see you soon',
  'free money',
  'free for you',
  'you win free stuff',
  'call me',
  'click here now',
  'thank you',
  'free free free',
];
export const DATA_ROWS = Array.from({ length: 20 }, (_, i) => `${i + 1},${TEXTS[i % TEXTS.length]} ${i},${i % 2 ? 'SPAM' : 'HAM'}`);
export const DATA = `${['id,text,label', ...DATA_ROWS].join('\n')}\n`;

export interface Project {
  dir: string;
  p: (...parts: string[]) => string;
  cleanup: () => void;
}

/** Makes a project folder with lfs/spam.ts, data.csv, recipe.json; with `fitted`, also out/L.arrow and out/model.json. */
export async function makeProject(name: string, options: { fitted?: boolean } = {}): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), `ballot-hostile-${name}-`));
  const p = (...parts: string[]) => join(dir, ...parts);
  writeFileSync(p('package.json'), '{ "type": "module" }\n');
  mkdirSync(p('node_modules'));
  symlinkSync(REPO, p('node_modules', 'ballot'), 'dir');
  mkdirSync(p('lfs'));
  writeFileSync(p('lfs', 'spam.ts'), LFS);
  writeFileSync(p('data.csv'), DATA);
  writeFileSync(p('recipe.json'), JSON.stringify({ budget: 6, seed: 1, parts: [{ random: 1 }] }));
  if (options.fitted) {
    const ok = await runCli('apply', '--lfs', p('lfs', 'spam.ts'), '--workers', '1', '--data', p('data.csv'), '--out', p('out', 'L.arrow'));
    expect(ok.err).toBe('');
    const fit = await runCli('fit', '--model', 'mc', '--L', p('out', 'L.arrow'), '--out', p('out', 'model.json'));
    expect(fit.err).toBe('');
  }
  return { dir, p, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a command that must fail with one clear line on stderr (no stack frames); returns the message. */
export async function fails(code: number, ...args: string[]): Promise<string> {
  const r = await runCli(...args);
  expect(r.code, `${args.join(' ')} → ${r.err}`).toBe(code);
  expect(r.err).toMatch(/^ballot: [^\n]+\n$/);
  expect(r.err).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  return r.err.slice('ballot: '.length, -1);
}

export { runCli };
