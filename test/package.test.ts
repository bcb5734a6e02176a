// The package as a user gets it: `npm pack`, the tarball installed (offline, from the npm cache) into a fresh project,
// then used from plain Node ESM, CommonJS require, strict TypeScript (node16 and bundler resolution) and the CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
let dir: string;
let project: string;
let install: { out: string; code: number };

/** Newest mtime under a folder (ms). */
function newest(d: string): number {
  let t = 0;
  for (const e of readdirSync(d, { withFileTypes: true, recursive: true })) if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

function run(cmd: string, args: string[], cwd: string, input?: string): { out: string; err: string; code: number } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1', BALLOT_FROM_SOURCE: '' } });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

function write(rel: string, text: string): void {
  mkdirSync(join(project, rel, '..'), { recursive: true });
  writeFileSync(join(project, rel), text);
}

const EXPECTED = { votes: [[1, -1], [-1, 0], [-1, -1]], preds: [1, 0, -1] };
const ESM = `import { applyLFs, defineLabels, keywordLF, MajorityVote, ABSTAIN, labelingFunction } from 'ballot';
const labels = defineLabels(['HAM', 'SPAM']);
const lfs = [keywordLF({ name: 'check', field: 'text', keywords: ['check out'], label: 'SPAM' }), labelingFunction({ name: 'short', vote: (r) => (r.text.length < 20 ? 'HAM' : ABSTAIN) })];
const rows = [{ text: 'check out my channel please' }, { text: 'nice song' }, { text: 'a long comment about the video itself' }];
const L = applyLFs(rows, lfs, labels);
const mv = new MajorityVote(); mv.fit(L);
console.log(JSON.stringify({ votes: L.toRows(), preds: Array.from(mv.predict(L)) }));
`;
const TS = `import { applyLFs, defineLabels, keywordLF, MajorityVote, ABSTAIN, labelingFunction, type LabelMatrix } from 'ballot';
import { scoreSummary } from 'ballot/internal';
interface Comment { text: string }
const labels = defineLabels(['HAM', 'SPAM'] as const);
const lfs = [
  keywordLF<Comment, 'SPAM'>({ name: 'check', field: 'text', keywords: ['check out'], label: 'SPAM' }),
  labelingFunction<Comment, 'HAM' | typeof ABSTAIN>({ name: 'short', vote: (r) => (r.text.length < 20 ? 'HAM' : ABSTAIN) }),
];
const rows: Comment[] = [{ text: 'check out my channel please' }, { text: 'nice song' }, { text: 'a long comment about the video itself' }];
const L: LabelMatrix = applyLFs(rows, lfs, labels);
const mv = new MajorityVote();
mv.fit(L);
const preds = mv.predict(L);
const first: number | undefined = L.toRows()[0]?.[0];
if (first === undefined || scoreSummary([1, 0, 0], preds, L.labels).scored !== 3) throw new Error('unexpected');
console.log(JSON.stringify({ votes: L.toRows(), preds: Array.from(preds) }));
`;
const tsconfig = (module: string, moduleResolution: string) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module, moduleResolution, strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true,
      skipLibCheck: false, outDir: 'out', types: [],
    },
    include: ['main.ts'],
  });

beforeAll(() => {
  // CI builds first (`npm run build`); a checkout with a stale dist/ is rebuilt (emit only: the type-check is tsc -p).
  const stamp = join(ROOT, 'dist', '.build-stamp');
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'examples', 'spam')))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  }
  dir = mkdtempSync(join(tmpdir(), 'ballot-package-'));
  // --ignore-scripts: dist/ is fresh (above); prepack would type-check everything again.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  project = join(dir, 'consumer');
  mkdirSync(project);
  // allowScripts: npm 11 asks every project to review dependencies' install scripts (esbuild's, via tsx).
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, allowScripts: { esbuild: true } }));
  const r = spawnSync('npm', ['install', join(dir, packed), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, encoding: 'utf8' });
  install = { out: `${r.stdout}${r.stderr}`, code: r.status ?? -1 };
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package in a fresh project', () => {
  it('installs offline without a warning, without onnxruntime, in under 100 MB', () => {
    expect(install.code, install.out).toBe(0);
    expect(install.out).not.toMatch(/warn/i);
    const nm = join(project, 'node_modules');
    expect(existsSync(join(nm, 'onnxruntime-node'))).toBe(false);
    const kb = Number(execFileSync('du', ['-sk', nm], { encoding: 'utf8' }).split('\t')[0]);
    expect(kb / 1024).toBeLessThan(100);
    // Only what users need: compiled code and declarations, no TypeScript sources or tests.
    const pkg = join(nm, 'ballot');
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
    expect(existsSync(join(pkg, 'dist', 'src', 'index.d.ts'))).toBe(true);
  });

  it('runs from plain Node ESM (.mjs)', () => {
    write('esm.mjs', ESM);
    const r = run(process.execPath, ['esm.mjs'], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(EXPECTED);
  });

  it('runs from CommonJS require (require(esm), Node ≥ 20.19) without a warning', () => {
    write('cjs.cjs', ESM.replace(/^import \{([^}]+)\} from 'ballot';/, "const {$1} = require('ballot');"));
    const r = run(process.execPath, ['cjs.cjs'], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(EXPECTED);
  });

  for (const [name, module, resolution] of [['node16', 'node16', 'node16'], ['bundler', 'preserve', 'bundler']] as const) {
    it(`type-checks under strict + noUncheckedIndexedAccess + exactOptionalPropertyTypes (moduleResolution ${name}, skipLibCheck off) and runs`, () => {
      write(`ts-${name}/package.json`, '{ "type": "module" }');
      write(`ts-${name}/tsconfig.json`, tsconfig(module, resolution));
      write(`ts-${name}/main.ts`, TS);
      const tsc = run(TSC, ['-p', `ts-${name}/tsconfig.json`], project);
      expect(`${tsc.out}${tsc.err}`).toBe('');
      const r = run(process.execPath, [`ts-${name}/out/main.js`], project);
      expect(r.err).toBe('');
      expect(JSON.parse(r.out)).toEqual(EXPECTED);
    });
  }

  it('runs the CLI from dist: --version, and apply on a TypeScript LF file importing ballot (tsx loaded on demand)', () => {
    const bin = join(project, 'node_modules', '.bin', 'ballot');
    const v = run(bin, ['--version'], project);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    write('lfs/spam.ts', "import { defineLabels, keywordLF } from 'ballot';\nexport const labels = defineLabels(['HAM', 'SPAM'] as const);\nexport const check = keywordLF({ name: 'check', keywords: ['check out'], label: 'SPAM' });\n");
    write('data.csv', 'text\ncheck out my channel\nnice song\n');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    const r = run(bin, ['apply', '--data', 'data.csv', '--out', 'L.arrow', '--workers', '1', '--json'], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).rows ?? JSON.parse(r.out).n).toBe(2);
    const e = run(bin, ['export', '--L', 'L.arrow', '--out', '-'], project);
    expect(e.out).toBe('check\nSPAM\n\n');
  });

  it('an ONNX LF without onnxruntime-node fails with the install line', () => {
    copyFileSync(join(ROOT, 'examples', 'onnx', 'spam-logreg.onnx'), join(project, 'm.onnx'));
    write('onnx.mjs', `import { onnxLabelingFunction, applyLFsAsync, defineLabels, ABSTAIN } from 'ballot';
const lf = onnxLabelingFunction({ name: 'm', model: 'm.onnx', features: () => [0, 0, 0, 0], vote: () => ABSTAIN });
try { await applyLFsAsync([{ text: 'x' }], [lf], defineLabels(['HAM', 'SPAM'])); console.log('ran'); } catch (e) { console.log(e.message); }
`);
    const r = run(process.execPath, ['onnx.mjs'], project);
    expect(r.out).toMatch(/needs onnxruntime-node.*npm install onnxruntime-node/);
  });
});
