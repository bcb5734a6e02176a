import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceAnalyzer } from '../src/internal.js';

const FIX = fileURLToPath(new URL('./fixtures/lfs/', import.meta.url));

// Every LF export of the fixtures, as [label, file, export, index].
const TARGETS: [string, string, string, number?][] = [
  ['check_out', 'lfs/spam.ts', 'lfCheckOut'],
  ['has_link', 'lfs/spam.ts', 'lfLink'],
  ['short', 'lfs/spam.ts', 'lfShort'],
  ['long_comment', 'lfs/spam.ts', 'lfLong'],
  ['love_song', 'lfs/more.ts', 'extraLFs', 0],
  ['shouting', 'lfs/more.ts', 'extraLFs', 1],
  ['word_free', 'dynamic/loop.ts', 'wordLFs', 0],
  ['word_win', 'dynamic/loop.ts', 'wordLFs', 1],
];

let dir: string;
let original: Record<string, string>;

function hashes(): Record<string, string | null> {
  const a = new SourceAnalyzer();
  return Object.fromEntries(TARGETS.map(([label, file, exp, index]) => [label, a.fingerprint(join(dir, file), exp, index).hash]));
}

/** Applies an edit to one file, returns which LFs' fingerprints changed, and restores the file. */
function changedBy(file: string, edit: (src: string) => string): string[] {
  const before = hashes();
  const path = join(dir, file);
  const src = readFileSync(path, 'utf8');
  const next = edit(src);
  expect(next, 'the edit must change the file').not.toBe(src);
  writeFileSync(path, next);
  try {
    const after = hashes();
    return Object.keys(before).filter((k) => before[k] !== after[k]);
  } finally {
    writeFileSync(path, src);
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballot-fp-'));
  cpSync(join(FIX, 'project/lfs'), join(dir, 'lfs'), { recursive: true });
  cpSync(join(FIX, 'dynamic'), join(dir, 'dynamic'), { recursive: true });
  original = hashes() as Record<string, string>;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LF fingerprints', () => {
  it('gives every LF its own stable fingerprint', () => {
    for (const h of Object.values(original)) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(original)).size).toBe(TARGETS.length - 1); // the loop-built LFs share their code
    expect(original.word_free).toBe(original.word_win);
    expect(hashes()).toEqual(original);
  });

  it('changes only the edited LF', () => {
    expect(changedBy('lfs/spam.ts', (s) => s.replace("'subscribe'", "'subscribe', 'follow'"))).toEqual(['check_out']);
    expect(changedBy('lfs/spam.ts', (s) => s.replace('above: 200', 'above: 300'))).toEqual(['long_comment']);
    // One element of an exported array: its neighbour keeps its fingerprint.
    expect(changedBy('lfs/more.ts', (s) => s.replace("'song']", "'song', 'voice']"))).toEqual(['love_song']);
  });

  it('changes when a helper or constant the LF uses changes, also across modules', () => {
    expect(changedBy('lfs/spam.ts', (s) => s.replace('const MIN_WORDS = 3;', 'const MIN_WORDS = 4;'))).toEqual(['short']);
    expect(changedBy('lfs/spam.ts', (s) => s.replace('.filter(Boolean).length', '.length'))).toEqual(['short']);
    expect(changedBy('lfs/helpers.ts', (s) => s.replace('/https?:\\/\\/|www\\./i', '/https?:\\/\\//i'))).toEqual(['has_link']);
    expect(changedBy('lfs/helpers.ts', (s) => s.replace('text.length > 3', 'text.length > 5'))).toEqual(['shouting']);
    expect(changedBy('dynamic/loop.ts', (s) => s.replace("'prize']", "'prize', 'cash']"))).toEqual(['word_free', 'word_win']);
  });

  it('does not change for comments, formatting, types or code no LF uses', () => {
    expect(
      changedBy('lfs/spam.ts', (s) =>
        s.replace(
          "vote: (r: Comment) => (hasLink(r.CONTENT) ? 'SPAM' : ABSTAIN),",
          "// a comment\n  vote: (r: Comment) =>   (hasLink(r.CONTENT)  ? 'SPAM' : ABSTAIN), /* more */",
        ),
      ),
    ).toEqual([]);
    expect(changedBy('lfs/spam.ts', (s) => s.replace('/** Self-promotion', '/** Edited doc. Self-promotion'))).toEqual([]);
    expect(
      changedBy('lfs/spam.ts', (s) =>
        s.replace('type Comment = { CONTENT: string; AUTHOR: string };', 'type Comment = { CONTENT: string; AUTHOR: string; DATE?: string };'),
      ),
    ).toEqual([]);
    expect(changedBy('lfs/helpers.ts', (s) => s.replace('return 42;', 'return 43;'))).toEqual([]);
    expect(changedBy('lfs/spam.ts', (s) => `${s}\nexport const unrelated = 1;\n`)).toEqual([]);
  });

  it('falls back to the whole array when top-level code reorders it', () => {
    // After `extraLFs.reverse()` element 0 at run time is no longer the literal's element 0.
    expect(changedBy('lfs/more.ts', (s) => `${s}\nextraLFs.reverse();\n`).sort()).toEqual(['love_song', 'shouting']);
  });

  it('reports no fingerprint, with the reason, for code it cannot see', () => {
    const a = new SourceAnalyzer();
    const blocked = a.fingerprint(join(dir, 'dynamic/loop.ts'), 'lfBlocked');
    expect(blocked.hash).toBeNull();
    expect(blocked.reason).toMatch(/reads files or the network/);
    const missing = a.fingerprint(join(dir, 'lfs/spam.ts'), 'noSuchExport');
    expect(missing).toMatchObject({ hash: null, reason: expect.stringMatching(/export "noSuchExport" .* not found/) });
    const path = join(dir, 'lfs/dyn.ts');
    writeFileSync(path, "const mod = 'x';\nexport const lf = await import(mod);\n");
    expect(new SourceAnalyzer().fingerprint(path, 'lf')).toMatchObject({
      hash: null,
      reason: expect.stringMatching(/imports a computed module path/),
    });
    rmSync(path);
  });
});
