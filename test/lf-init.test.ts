import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { BALLOT_ROOT, scaffoldProject, prepareRecipe } from '../src/internal.js';
import { applyFile, readRows } from '../src/index.js';
import { ensureBuilt } from './build-helper.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ballot-init-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ballot init', () => {
  it('scaffolds a project whose LFs apply cleanly', async () => {
    const dir = join(root, 'My Project');
    const r = scaffoldProject(dir);
    expect(r.files).toEqual(['.gitignore', 'README.md', 'data/tiny.csv', 'lfs/example.ts', 'package.json', 'recipe.json', 'tsconfig.json']);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-project');
    expect(pkg.type).toBe('module');
    // Run from a git checkout (this repo), the project points at it, and says so.
    expect(pkg.dependencies.ballot).toBe(`file:${BALLOT_ROOT}`);
    expect(r.dependencyFrom).toBe('checkout');
    expect(BALLOT_ROOT).toBe(REPO.replace(/\/$/, ''));
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'tsx', 'typescript']);
    // The recipe is one `ballot sample` accepts.
    expect(prepareRecipe(JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8')), 'recipe.json').parts.map((p) => p.kind)).toEqual([
      'representative',
      'modelDisagreement',
    ]);

    // What `npm install` does with a file: dependency: node_modules/ballot links to this repo.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(BALLOT_ROOT, join(dir, 'node_modules', 'ballot'), 'dir');
    const report = await applyFile({ cwd: dir, data: 'data/tiny.csv', out: 'out/L.arrow', workers: 1, progress: false, returnMatrix: true });
    expect(report.rows).toBe(20);
    expect(report.labels).toEqual(['HAM', 'SPAM']);
    expect(report.lfs.map((l) => [l.name, l.location])).toEqual([
      ['call_to_action', 'lfs/example.ts:14'],
      ['short_personal', 'lfs/example.ts:22'],
    ]);
    // The example LFs are mostly right where they vote on the tiny data (weak: "free to talk" fools the keyword LF),
    // and together they vote on most rows.
    const gold = readRows(join(dir, 'data/tiny.csv')).rows.map((row) => (row.label === 'SPAM' ? 1 : 0));
    const L = report.matrix!;
    let votes = 0;
    let right = 0;
    let covered = 0;
    for (let i = 0; i < L.n; i++) {
      let any = false;
      for (let j = 0; j < L.m; j++) {
        const v = L.get(i, j);
        if (v < 0) continue;
        if (v === gold[i]) right++;
        votes++;
        any = true;
      }
      if (any) covered++;
    }
    expect(votes).toBeGreaterThan(10);
    expect(right / votes).toBeGreaterThanOrEqual(0.9);
    expect(covered).toBeGreaterThanOrEqual(15);
  });

  it('scaffolds a project that type-checks against ballot with its own tsconfig', () => {
    // A user's `tsc -p .` type-checks ballot's sources too (ballot ships TypeScript); without this project's
    // @types/node in scope they must still compile.
    const dir = join(root, 'typed');
    scaffoldProject(dir);
    ensureBuilt(); // the project type-checks against ballot's declarations (dist/)
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(BALLOT_ROOT, join(dir, 'node_modules', 'ballot'), 'dir');
    symlinkSync(join(REPO, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('refuses a non-empty directory unless forced, and never overwrites', () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
    expect(() => scaffoldProject(dir)).toThrow(/busy is not empty \(package\.json\); set `force` to add the missing files/);
    const r = scaffoldProject(dir, { force: true, ballotDependency: '^0.1.0' });
    expect(r.skipped).toEqual(['package.json']);
    expect([r.ballotDependency, r.dependencyFrom]).toEqual(['^0.1.0', 'option']);
    expect(scaffoldProject(join(root, 'by-path'), { ballotDependency: REPO }).ballotDependency).toBe(`file:${REPO.replace(/\/$/, '')}`);
    expect(() => scaffoldProject(join(root, 'bad-path'), { ballotDependency: './no/such/ballot.tgz' })).toThrow(
      /ballot dependency path not found: \.\/no\/such\/ballot\.tgz/,
    );
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
    expect(r.files).toContain('lfs/example.ts');
  });
});
