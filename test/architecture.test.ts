import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers of src/, lowest first. A module may import its own folder or a lower layer, never a higher one or a
// sibling on the same rank; nothing in src imports the CLI (except the CLI) or anything outside src.
const RANK: Record<string, number> = {
  util: 0,
  matrix: 1,
  data: 2,
  lf: 2,
  'label-model': 3,
  'end-model': 4,
  analysis: 5,
  sampling: 6,
  report: 7,
  project: 8,
  cli: 9,
};
const ROOT_FILES = new Set(['index.ts', 'internal.ts']); // the package's faces: they may re-export any layer but the CLI

const SRC = resolve(__dirname, '../src');
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs)$/.test(f))
    .map((f) => join(dir, f));
}

function edges(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec?.startsWith('.')) continue;
      out.push({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), spec)) });
    }
  }
  return out;
}

const layerOf = (path: string) => path.split('/')[0];

describe('architecture', () => {
  const all = edges();

  it('finds the imports (the scan itself works)', () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all.some((e) => e.from.startsWith('label-model/') && e.to.startsWith('matrix/'))).toBe(true);
  });

  it('every folder of src is a known layer', () => {
    const folders = new Set(
      sourceFiles(SRC)
        .map((f) => relative(SRC, f))
        .filter((f) => f.includes('/'))
        .map(layerOf),
    );
    expect([...folders].filter((f) => !(f in RANK))).toEqual([]);
  });

  it('imports point down only: no module imports a higher layer or a sibling layer', () => {
    const bad = all.filter(({ from, to }) => {
      if (to.startsWith('..')) return true; // outside src (examples, bench, test)
      if (ROOT_FILES.has(from)) return layerOf(to) === 'cli';
      const a = layerOf(from),
        b = layerOf(to);
      if (ROOT_FILES.has(to)) return true; // the public faces are for users, not for the layers
      return a !== b && !(RANK[b] < RANK[a]);
    });
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('nothing outside the CLI imports the CLI', () => {
    const bad = all.filter(({ from, to }) => layerOf(to) === 'cli' && layerOf(from) !== 'cli');
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('the LF core touches no file system (only ONNX LFs read a model file)', () => {
    const fs = sourceFiles(join(SRC, 'lf')).filter((f) => /from ['"]node:fs(\/promises)?['"]/.test(readFileSync(f, 'utf8')));
    expect(fs.map((f) => relative(SRC, f))).toEqual(['lf/onnx.ts']);
  });
});
