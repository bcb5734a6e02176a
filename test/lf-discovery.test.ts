import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { discoverLFs, expandLFPatterns, globToRegExp } from '../src/internal.js';

const FIX = fileURLToPath(new URL('./fixtures/lfs/', import.meta.url));

describe('LF discovery', () => {
  it('lists every exported LF with its name, file:line and doc comment', async () => {
    const d = await discoverLFs('project/lfs/**/*.ts', { cwd: FIX });
    expect(d.labels?.names).toEqual(['HAM', 'SPAM']);
    const byName = new Map(d.lfs.map((lf) => [lf.name, lf]));
    expect([...byName.keys()].sort()).toEqual(['check_out', 'has_link', 'long_comment', 'love_song', 'short', 'shouting']);

    const spam = join(FIX, 'project/lfs/spam.ts');
    const more = join(FIX, 'project/lfs/more.ts');
    expect(byName.get('check_out')).toMatchObject({
      declaredIn: spam,
      line: 15,
      exportName: 'lfCheckOut',
      doc: 'Self-promotion: asks people to look at a channel.',
    });
    // A multi-line JSDoc keeps its tags.
    expect(byName.get('has_link')).toMatchObject({ line: 21, doc: 'Links are mostly spam.\n@tags cheap' });
    // `export const lfShort = makeShortLF()` — the doc sits on the factory, not on this export.
    expect(byName.get('short')).toMatchObject({ line: 34, doc: undefined });
    // LFs inside an exported array: the element's own line and its leading doc comment.
    expect(byName.get('love_song')).toMatchObject({ declaredIn: more, exportName: 'extraLFs', index: 0, line: 8, doc: 'Praise for the song.' });
    expect(byName.get('shouting')).toMatchObject({ exportName: 'extraLFs', index: 1, line: 9 });
    // The helper module is part of the source set (for watch) though it exports no LF.
    expect(d.sourceFiles).toContain(join(FIX, 'project/lfs/helpers.ts'));
    for (const lf of d.lfs) expect(lf.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects duplicate LF names, naming both declarations', async () => {
    await expect(discoverLFs('dup/*.ts', { cwd: FIX })).rejects.toThrow(
      /two LFs are named "same_name": dup\/a\.ts:3 \(export first\) and dup\/b\.ts:6 \(export second\)/,
    );
  });

  it('says why an LF cannot be fingerprinted (files read at load time) and fingerprints loop-built LFs', async () => {
    const d = await discoverLFs('dynamic/loop.ts', { cwd: FIX });
    const blocked = d.lfs.find((lf) => lf.name === 'blocked_author')!;
    expect(blocked.codeHash).toBeNull();
    expect(blocked.codeHashNote).toMatch(/loop\.ts:12 reads files or the network \(node:fs\) at load time/);
    const words = d.lfs.filter((lf) => lf.name.startsWith('word_'));
    expect(words.map((w) => w.name)).toEqual(['word_free', 'word_win', 'word_prize']);
    // Built in a loop: the loop statement is part of the code closure, so each gets a real fingerprint.
    for (const w of words) expect(w.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('expands globs with **, * and {a,b}, skipping .d.ts files', () => {
    expect(globToRegExp('**/*.ts').test('a/b/c.ts')).toBe(true);
    expect(globToRegExp('**/*.ts').test('c.ts')).toBe(true);
    expect(globToRegExp('*.ts').test('a/c.ts')).toBe(false);
    expect(globToRegExp('{spam,more}.ts').test('more.ts')).toBe(true);
    const files = expandLFPatterns(['project/lfs/{spam,more}.ts'], FIX);
    expect(files).toEqual([join(FIX, 'project/lfs/more.ts'), join(FIX, 'project/lfs/spam.ts')]);
    expect(() => expandLFPatterns(['nothing/**/*.ts'], FIX)).toThrow(/no LF files match "nothing\/\*\*\/\*\.ts"/);
  });
});
