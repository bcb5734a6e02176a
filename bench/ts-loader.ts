/**
 * `npm run bench:ts-loader`: what loading a user's .ts LF file costs the compiled CLI, beside `node -e 0` and a plain
 * `import('ballot')` measured in the same run. The LF file imports ballot and a helper (`./words.js` → words.ts).
 *   tsx                  — tsx's hooks (esbuild), as the compiled CLI used before (tsx was a run-time dependency);
 *   ballot hooks, cold   — src/util/ts-hooks.ts (TypeScript's transpileModule) with no V8 code cache (first run);
 *   ballot hooks, warm   — the same with the compiler's code cache in node_modules/.cache/ballot (every later run).
 * Median of RUNS runs, wall and CPU (user+sys) seconds. Needs `npm run build` (dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RUNS ?? 5);
const HOOKS = pathToFileURL(join(ROOT, 'dist', 'src', 'util', 'ts-hooks.js')).href;
const CACHE = join(ROOT, 'node_modules', '.cache', 'ballot');
if (!existsSync(fileURLToPath(HOOKS))) throw new Error('run npm run build first');
const TSX = import.meta.resolve('tsx/esm/api');

const dir = mkdtempSync(join(tmpdir(), 'ballot-ts-loader-'));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
mkdirSync(join(dir, 'node_modules'));
symlinkSync(ROOT, join(dir, 'node_modules', 'ballot'), 'dir');
writeFileSync(
  join(dir, 'lfs.ts'),
  "import { defineLabels, keywordLF } from 'ballot';\nimport { WORDS } from './words.js';\nexport const labels = defineLabels(['HAM', 'SPAM'] as const);\nexport const check = keywordLF({ name: 'check', keywords: WORDS, label: 'SPAM' });\n",
);
writeFileSync(join(dir, 'words.ts'), "export const WORDS: string[] = ['check out', 'subscribe'];\n");
const load = "const m = await import('./lfs.ts'); if (!m.check) throw new Error('no LF');";
const scripts: Record<string, string> = {
  'import ballot (no .ts)': "await import('ballot');",
  tsx: `await import('ballot'); (await import(${JSON.stringify(TSX)})).register(); ${load}`,
  'ballot hooks, cold': `await import('ballot'); (await import('node:module')).register(${JSON.stringify(HOOKS)}); ${load}`,
  'ballot hooks, warm': `await import('ballot'); (await import('node:module')).register(${JSON.stringify(HOOKS)}); ${load}`,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(args: string[], before?: () => void): [number, number] {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    before?.();
    const t0 = performance.now();
    const p = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...args], { cwd: dir, encoding: 'utf8' });
    wall.push((performance.now() - t0) / 1000);
    if (p.status !== 0) throw new Error(`${args.join(' ')}: ${p.stderr}`);
    const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(p.stderr);
    if (m) cpu.push(Number(m[1]) + Number(m[2]));
  }
  return [median(wall), median(cpu)];
}

const [nw, nc] = time(['-e', '0']);
console.log(`Loading a .ts LF file from the compiled package: wall s (CPU s), median of ${RUNS}; node -e 0: ${nw.toFixed(3)} (${nc.toFixed(2)})\n`);
const fmt = (w: number, c: number) => `${w.toFixed(3)} (${c.toFixed(2)})`;
let base: [number, number] | undefined;
for (const [name, code] of Object.entries(scripts)) {
  const cold = name.endsWith('cold') ? () => rmSync(CACHE, { recursive: true, force: true }) : undefined;
  if (name.endsWith('warm')) time(['--input-type=module', '-e', code]); // make sure the cache exists
  const [w, c] = time(['--input-type=module', '-e', code], cold);
  base ??= [w, c];
  console.log(`${name.padEnd(26)}${fmt(w, c).padStart(16)}   +${fmt(w - base[0], c - base[1])} over import ballot`);
}
rmSync(dir, { recursive: true, force: true });
