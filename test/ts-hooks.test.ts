// The compiled CLI loads users' TypeScript through its own hooks (src/util/ts-hooks.ts: TypeScript's transpileModule,
// no tsx/esbuild). Run as an installed ballot runs: dist/, in a project whose node_modules/ballot is this package.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build-helper.js';

let dir: string;
const BIN = join(ROOT, 'bin', 'ballot.mjs');
function ballot(...args: string[]): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, BALLOT_FROM_SOURCE: '', NO_COLOR: '1' },
  });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}
function write(rel: string, text: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ballot-ts-hooks-'));
  write('package.json', '{ "type": "module" }\n');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'ballot'), 'dir');
  // node16-style `./words.js` for words.ts, bundler-style extensionless `./rules` and a folder, an enum, type-only
  // imports, a .mts and a .cts module: what tsc accepts, all loaded with no build step.
  write('lfs/words.ts', "export const SPAM_WORDS: readonly string[] = ['check out', 'subscribe'];\n");
  write('lfs/rules/index.ts', 'export enum Min { Words = 4 }\n');
  write('lfs/limits.mts', 'export const LONG: number = 60;\n');
  write('lfs/legacy.cts', 'const HAM_WORDS: string[] = ["love"];\nexport = HAM_WORDS;\n');
  write(
    'lfs/spam.ts',
    `import { ABSTAIN, defineLabels, keywordLF, labelingFunction, type LabelingFunction } from 'ballot';
import { SPAM_WORDS } from './words.js';
import { Min } from './rules';
import { LONG } from './limits.mjs';
import HAM_WORDS from './legacy.cjs';
interface Comment { text: string }
export const labels = defineLabels(['HAM', 'SPAM'] as const);
export const kw = keywordLF({ name: 'kw', keywords: [...SPAM_WORDS], label: 'SPAM' });
export const ham = keywordLF({ name: 'ham', keywords: HAM_WORDS, label: 'HAM' });
/** Short comments are personal. */
export const short: LabelingFunction = labelingFunction({
  name: 'short',
  vote: (c: Comment) => (c.text.split(' ').length < Min.Words ? 'HAM' : c.text.length > LONG ? 'SPAM' : ABSTAIN),
});
`,
  );
  const rows = ['text', 'check out my channel', 'love it', 'nice', 'a very long comment that goes on and on about nothing at all really'];
  write(
    'data.csv',
    `${[...rows, ...Array.from({ length: 400 }, (_, i) => (i % 2 ? 'subscribe now please friends' : 'i love this song'))].join('\n')}\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the compiled CLI's TypeScript hooks", () => {
  it('load LF files with tsc-style imports, enums, .mts and .cts, in one thread and on two workers', () => {
    const list = ballot('lfs', 'list', '--lfs', 'lfs/spam.ts', '--json');
    expect(list.err).toBe('');
    expect(JSON.parse(list.out).lfs.map((l: { name: string }) => l.name)).toEqual(['ham', 'kw', 'short']);
    const one = ballot('apply', '--lfs', 'lfs/spam.ts', '--data', 'data.csv', '--out', 'L1.arrow', '--workers', '1', '--no-cache', '--json');
    expect(one.err).toBe('');
    expect(JSON.parse(one.out).rows).toBe(404);
    const two = ballot(
      'apply',
      '--lfs',
      'lfs/spam.ts',
      '--data',
      'data.csv',
      '--out',
      'L2.arrow',
      '--workers',
      '2',
      '--batch-size',
      '50',
      '--no-cache',
      '--json',
    );
    expect(two.err).toBe('');
    expect(JSON.parse(two.out).rows).toBe(404);
    const a = ballot('export', '--L', 'L1.arrow', '--out', '-').out;
    expect(a.split('\n').slice(0, 5)).toEqual(['ham,kw,short', ',SPAM,', 'HAM,,HAM', ',,HAM', ',,SPAM']);
    expect(ballot('export', '--L', 'L2.arrow', '--out', '-').out).toBe(a);
    // The compiler's V8 code cache, kept beside the node_modules that holds it.
    expect(readdirSync(join(ROOT, 'node_modules', '.cache', 'ballot')).some((f) => f.startsWith('typescript-'))).toBe(true);
  });

  it('a syntax error is one line with its place; a .ts file in a CommonJS package says how to fix it', () => {
    write(
      'bad/broken.ts',
      "import { ABSTAIN, labelingFunction } from 'ballot';\nexport const b = labelingFunction({ name: 'b', vote: () => { return ABSTAIN; ); });\n",
    );
    const r = ballot('lfs', 'list', '--lfs', 'bad/broken.ts');
    expect(r.code).toBe(1);
    expect(r.err).toBe('ballot: could not load LF file bad/broken.ts: syntax error at line 2, column 78: Declaration or statement expected.\n');
    write('cjs/package.json', '{}\n');
    write('cjs/a.ts', "import { keywordLF } from 'ballot';\nexport const a = keywordLF({ name: 'a', keywords: ['x'], label: 'SPAM' });\n");
    const c = ballot('lfs', 'list', '--lfs', 'cjs/a.ts');
    expect(c.code).toBe(1);
    expect(c.err).toBe(
      'ballot: could not load LF file cjs/a.ts: it loads as CommonJS, but LF files are ES modules: add "type": "module" to the nearest package.json, or name the file .mts\n',
    );
    expect(existsSync(join(dir, 'cjs', 'L.arrow'))).toBe(false);
  });
});
