// The package as a user gets it: `npm pack`, the tarball installed (offline, from the npm cache) into a fresh project,
// then used from plain Node ESM, CommonJS require, strict TypeScript (node16 and bundler resolution) and the CLI. One
// pack; the consumer and a `ballot init` project install side by side, and the cases run concurrently.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './build-helper.js';

const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
let dir: string;
let project: string;
let install: { out: string; code: number };
let tarball: string;

/**
 * The environment of a user's shell: without the npm_config_* variables npm sets for the scripts of this repo (its
 * .npmrc's onnxruntime-node-install would reach the consumer's npm as an unknown env config).
 */
const USER_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));

/** Runs a command as a user's shell would (stdin closed unless given), without blocking the other tests. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ out: string; err: string; code: number }> {
  return new Promise((done) => {
    const c = spawn(cmd, args, { cwd, env: { ...USER_ENV, NO_COLOR: '1', BALLOT_FROM_SOURCE: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => done({ out, err, code: code ?? -1 }));
  });
}

/** npm install, offline from the npm cache, as a user types it. */
const npmInstall = (cwd: string, ...specs: string[]) => run('npm', ['install', ...specs, '--prefer-offline', '--no-audit', '--no-fund'], cwd);

function write(rel: string, text: string): void {
  mkdirSync(join(project, rel, '..'), { recursive: true });
  writeFileSync(join(project, rel), text);
}

const EXPECTED = {
  votes: [
    [1, -1],
    [-1, 0],
    [-1, -1],
  ],
  preds: [1, 0, -1],
};
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
      target: 'ES2022',
      module,
      moduleResolution,
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      outDir: 'out',
      types: [],
    },
    include: ['main.ts'],
  });

let initRun: { out: string; err: string; code: number };
let initInstall: { out: string; err: string; code: number };

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ballot-package-'));
  // --ignore-scripts: dist/ is fresh (above); prepack would type-check everything again.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  tarball = join(dir, packed);
  project = join(dir, 'consumer');
  mkdirSync(project);
  // A project as a user has it: no allowScripts, no .npmrc; npm 11 would name any dependency's install script.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  // The consumer and the `ballot init` project install side by side (the project is made by this checkout's compiled
  // CLI, which is the packed code; the installed package's own `init` is compared with it below).
  const proj = join(dir, 'proj');
  initRun = await run(process.execPath, [join(ROOT, 'bin', 'ballot.mjs'), 'init', proj, '--ballot', tarball], dir);
  const [consumer, initProject] = await Promise.all([npmInstall(project, tarball), npmInstall(proj)]);
  install = { out: `${consumer.out}${consumer.err}`, code: consumer.code };
  initInstall = initProject;
}, 300_000); // npm pack + two npm installs: ~15 s on an idle machine, much more on a loaded one

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The cases run side by side: each is a few processes of its own, mostly waiting on npm, tsc or node start-up.
describe.concurrent('the packed package in a fresh project', () => {
  it('installs offline with no warning or notice (no install scripts: no allowScripts needed), without onnxruntime or tsx, in under 100 MB', () => {
    expect(install.code, install.out).toBe(0);
    expect(install.out).not.toMatch(/warn|notice|install-scripts|allowScripts/i);
    expect(install.out.trim()).toMatch(/^added \d+ packages in [\d.]+m?s$/);
    const nm = join(project, 'node_modules');
    for (const absent of ['onnxruntime-node', 'tsx', 'esbuild']) expect(existsSync(join(nm, absent)), absent).toBe(false);
    const kb = Number(execFileSync('du', ['-sk', nm], { encoding: 'utf8' }).split('\t')[0]);
    expect(kb / 1024).toBeLessThan(100);
    // Only what users need: compiled code and declarations, no TypeScript sources or tests.
    const pkg = join(nm, 'ballot');
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
    expect(existsSync(join(pkg, 'dist', 'src', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'src', 'cli', 'help.txt'))).toBe(true);
  });

  it('runs from plain Node ESM (.mjs)', async () => {
    write('esm.mjs', ESM);
    const r = await run(process.execPath, ['esm.mjs'], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(EXPECTED);
  });

  it('runs from CommonJS require (require(esm), Node ≥ 20.19) without a warning', async () => {
    write('cjs.cjs', ESM.replace(/^import \{([^}]+)\} from 'ballot';/, "const {$1} = require('ballot');"));
    const r = await run(process.execPath, ['cjs.cjs'], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual(EXPECTED);
  });

  it('type-checks under strict + noUncheckedIndexedAccess + exactOptionalPropertyTypes, skipLibCheck off (moduleResolution node16 and bundler), and runs', async () => {
    const kinds = [
      ['node16', 'node16', 'node16'],
      ['bundler', 'preserve', 'bundler'],
    ] as const;
    for (const [name, module, resolution] of kinds) {
      write(`ts-${name}/package.json`, '{ "type": "module" }');
      write(`ts-${name}/tsconfig.json`, tsconfig(module, resolution));
      write(`ts-${name}/main.ts`, TS);
    }
    // The two type-checks run side by side (each checks every declaration file it reaches).
    const checks = await Promise.all(kinds.map(([name]) => run(TSC, ['-p', `ts-${name}/tsconfig.json`], project)));
    for (const [i, [name]] of kinds.entries()) {
      expect(`${checks[i]!.out}${checks[i]!.err}`, name).toBe('');
      const r = await run(process.execPath, [`ts-${name}/out/main.js`], project);
      expect(r.err).toBe('');
      expect(JSON.parse(r.out)).toEqual(EXPECTED);
    }
  }, 120_000);

  it("runs the CLI from dist: --help, --version, apply on a TypeScript LF file importing ballot (ballot's own TypeScript hooks), the demo, export", async () => {
    const bin = join(project, 'node_modules', '.bin', 'ballot');
    const [v, help] = await Promise.all([run(bin, ['--version'], project), run(bin, ['--help'], project)]);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(help.out).toBe(readFileSync(join(ROOT, 'dist', 'src', 'cli', 'help.txt'), 'utf8'));
    write(
      'lfs/spam.ts',
      "import { defineLabels, keywordLF } from 'ballot';\nimport { WORDS } from './words.js';\nexport const labels = defineLabels(['HAM', 'SPAM'] as const);\nexport const check = keywordLF({ name: 'check', keywords: WORDS, label: 'SPAM' });\n",
    );
    write('lfs/words.ts', "export const WORDS: string[] = ['check out'];\n");
    write('data.csv', 'text\ncheck out my channel\nnice song\n');
    // The demo runs from the package: compiled code, with the data and recipe shipped in examples/spam/.
    const [r, demo] = await Promise.all([
      run(bin, ['apply', '--data', 'data.csv', '--out', 'L.arrow', '--workers', '1', '--json'], project),
      run(bin, ['demo', '--quick', '--out', 'demo', '--json'], project),
    ]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).rows).toBe(2);
    expect(demo.err).toBe('');
    expect(JSON.parse(demo.out).test.rows).toBe(250);
    expect(existsSync(join(project, 'demo', 'test.csv'))).toBe(true);
    const e = await run(bin, ['export', '--L', 'L.arrow', '--out', '-'], project);
    expect(e.out).toBe('check\nSPAM\n""\n'); // an empty one-column row is quoted: a blank line would be skipped
  }, 120_000);

  it('an ONNX LF without onnxruntime-node fails with the install line', async () => {
    copyFileSync(join(ROOT, 'examples', 'onnx', 'spam-logreg.onnx'), join(project, 'm.onnx'));
    write(
      'onnx.mjs',
      `import { onnxLabelingFunction, applyLFsAsync, defineLabels, ABSTAIN } from 'ballot';
const lf = onnxLabelingFunction({ name: 'm', model: 'm.onnx', features: () => [0, 0, 0, 0], vote: () => ABSTAIN });
try { await applyLFsAsync([{ text: 'x' }], [lf], defineLabels(['HAM', 'SPAM'])); console.log('ran'); } catch (e) { console.log(e.message); }
`,
    );
    const r = await run(process.execPath, ['onnx.mjs'], project);
    expect(r.out).toMatch(/needs onnxruntime-node.*npm install onnxruntime-node/);
  });

  it('ballot init --ballot <tarball>: a portable project that installs, type-checks and runs its scripts', async () => {
    expect(initRun.err).toBe('');
    expect(initRun.out).toMatch(/ballot dependency: "file:.*\.tgz" \(as given with --ballot\)/);
    const proj = join(dir, 'proj');
    // The installed package's own `init` writes the same project (its templates are in the package).
    const again = await run(join(project, 'node_modules', '.bin', 'ballot'), ['init', 'proj2', '--ballot', tarball], project);
    expect(again.err).toBe('');
    const files = (d: string) =>
      readdirSync(d, { recursive: true, encoding: 'utf8' })
        .filter((f) => !f.startsWith('node_modules') && statSync(join(d, f)).isFile())
        .sort();
    expect(files(join(project, 'proj2'))).toEqual(files(proj).filter((f) => f !== 'package-lock.json'));
    for (const f of files(join(project, 'proj2'))) {
      const [a, b] = [readFileSync(join(project, 'proj2', f), 'utf8'), readFileSync(join(proj, f), 'utf8')];
      expect(a.replaceAll('proj2', 'proj'), f).toBe(b);
    }
    const pkg = JSON.parse(readFileSync(join(proj, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'tsx', 'typescript']);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['lfs', 'apply', 'fit', 'train', 'sample', 'watch', 'score']));
    expect(initInstall.code, initInstall.out + initInstall.err).toBe(0);
    expect(initInstall.out + initInstall.err).not.toMatch(/warn|notice|install-scripts/i);
    const npmRun = (script: string) => run('npm', ['run', '--silent', script], proj);
    const [tc, apply] = await Promise.all([npmRun('typecheck'), npmRun('apply')]);
    expect(tc.out + tc.err).toBe('');
    expect(apply.code, apply.err).toBe(0);
    expect(apply.out).toMatch(/20 rows/);
    expect((await npmRun('fit')).code).toBe(0);
    // The whole loop: the scaffolded recipe's parts use the end model, so sample follows train.
    const train = await npmRun('train');
    expect(train.code, train.err).toBe(0);
    const sample = await npmRun('sample');
    expect(sample.code, sample.err).toBe(0);
    expect(sample.out).toMatch(/selected 8 of budget 8/);
    // Scripts of the user's own run through the project's tsx.
    writeFileSync(join(proj, 'count.ts'), "import { loadLabelMatrix } from 'ballot/internal';\nconsole.log(loadLabelMatrix('out/L.arrow').n);\n");
    const [score, count] = await Promise.all([npmRun('score'), run(join(proj, 'node_modules', '.bin', 'tsx'), ['count.ts'], proj)]);
    expect(score.out).toMatch(/accuracy \d+\.\d%/);
    expect(count.out.trim()).toBe('20');
  }, 240_000);
});
