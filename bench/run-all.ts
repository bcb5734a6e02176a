/**
 * `npm run bench`: runs every benchmark script in its own child process (so each one's peak RSS is its own)
 * and prints their tables one after the other. A script that needs ../shared/data skips itself with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, '..', 'bin', 'run-ts.mjs');
const scripts = [
  'apply.ts',
  'label-model-speed.ts',
  'crowd-shape.ts',
  'accuracy.ts',
  'sampling.ts',
  'analysis.ts',
  'io.ts',
  'report.ts',
  'slices-drift.ts',
  'startup.ts',
  'end-model.ts',
];
const only = process.argv.slice(2);
let failed = 0;
for (const s of scripts) {
  const path = join(here, s);
  if (!existsSync(path)) continue;
  if (only.length && !only.some((o) => s.includes(o))) continue;
  console.log(`\n=== bench/${s} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', runner, path], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${s} exited with ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
