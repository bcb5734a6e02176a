/**
 * `npm run bench:startup`: wall time of CLI start-up, beside `node -e 0` measured in the same run.
 *   before — the CLI as it was before the package work (commit BEFORE below, run from its TypeScript sources through
 *            tsx with every command imported up front), extracted with `git archive` and sharing this node_modules;
 *   source — this checkout run from src/ through tsx (BALLOT_FROM_SOURCE=1): lazy commands, no build;
 *   dist   — the compiled package (dist/, built by `npm run build`), as an installed ballot runs.
 * Commands: `--help`, and `fit` / `analyze` on a 2,000-row × 10-LF label matrix. Median of RUNS runs each.
 * Targets (issue 11): --help < 0.25 s, fit/analyze < 0.6 s from dist.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveLabelMatrix, LabelMatrix, createRng } from '../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BEFORE = '6db0048';
const RUNS = Number(process.env.RUNS ?? 5);
const tmp = mkdtempSync(join(tmpdir(), 'ballot-startup-'));

// A 2,000-row matrix from a known generative model: 10 LFs, accuracy 0.8, coverage 0.5, balanced binary classes.
const n = 2000;
const m = 10;
const rng = createRng(1);
const votes = new Int8Array(n * m);
for (let i = 0; i < n; i++) {
  const y = rng.next() < 0.5 ? 0 : 1;
  for (let j = 0; j < m; j++) votes[i * m + j] = rng.next() < 0.5 ? -1 : rng.next() < 0.8 ? y : 1 - y;
}
const L = join(tmp, 'L.arrow');
saveLabelMatrix(L, new LabelMatrix({ n, m, votes, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`), labels: ['NEG', 'POS'] }));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// CPU seconds (user + sys, from /usr/bin/time) beside wall: on a shared, loaded machine wall time swings with the load.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpu: number[] = [];
function time(args: string[], env: Record<string, string> = {}): number {
  const ts: number[] = [];
  const cs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const [cmd, argv] = TIME ? [TIME, ['-f', 'CPU %U %S', process.execPath, ...args]] : [process.execPath, args];
    const p = spawnSync(cmd, argv, { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    ts.push((performance.now() - t0) / 1000);
    if (p.status !== 0) throw new Error(`${args.join(' ')} failed: ${p.stderr}`);
    const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(p.stderr);
    if (m) cs.push(Number(m[1]) + Number(m[2]));
  }
  cpu.push(cs.length ? median(cs) : NaN);
  return median(ts);
}

// The "before" tree: the old commit's files next to this node_modules.
let beforeBin: string | undefined;
try {
  const dir = join(tmp, 'before');
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${BEFORE} | tar -x -C "${dir}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  beforeBin = join(dir, 'bin', 'ballot.mjs');
} catch (e) {
  console.log(`(no "before" column: ${(e as Error).message.split('\n')[0]})`);
}
const distBuilt = existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'));
if (!distBuilt) console.log('(no "dist" column: run npm run build first)');
const bin = join(ROOT, 'bin', 'ballot.mjs');

const commands: [string, string[]][] = [
  ['--help', ['--help']],
  ['fit (mc, 2,000 rows)', ['fit', '--L', L, '--out', join(tmp, 'model.json'), '--workers', '1']],
  ['analyze (2,000 rows)', ['analyze', '--L', L]],
];
const nodeBase = time(['-e', '0']);
console.log(`CLI start-up, wall seconds, median of ${RUNS} (node -e 0: ${nodeBase.toFixed(3)} s on this machine now)\n`);
const nodeCpu = cpu.pop()!;
console.log(`CPU seconds (user+sys) of node -e 0: ${nodeCpu.toFixed(2)}; each cell below is "wall s (CPU s)"\n`);
console.log(
  `${'command'.padEnd(24)}${'before (tsx)'.padStart(16)}${'source (tsx)'.padStart(16)}${'dist'.padStart(16)}${'dist / node -e 0'.padStart(18)}`,
);
for (const [name, args] of commands) {
  const a = args.filter((x) => x !== '--workers' && x !== '1');
  const before = beforeBin ? time([beforeBin, ...a]) : NaN;
  const source = time([bin, ...a], { BALLOT_FROM_SOURCE: '1' });
  const dist = distBuilt ? time([bin, ...a]) : NaN;
  const [cd, cs, cb] = [distBuilt ? cpu.pop()! : NaN, cpu.pop()!, beforeBin ? cpu.pop()! : NaN];
  const f = (x: number, c: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(2)} (${c.toFixed(2)})`).padStart(16);
  console.log(
    `${name.padEnd(24)}${f(before, cb)}${f(source, cs)}${f(dist, cd)}${(Number.isNaN(dist) ? '–' : `${(dist / nodeBase).toFixed(1)}×`).padStart(18)}`,
  );
}
rmSync(tmp, { recursive: true, force: true });
