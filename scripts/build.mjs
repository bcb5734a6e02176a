// `npm run build`: emits dist/ (ESM JavaScript + .d.ts) from src/ and the spam demo with tsconfig.build.json, copies
// the worker bootstrap (a plain .mjs tsc does not emit), and stamps the build so bin/ballot.mjs can tell a stale one.
// The type-check of everything (tests, benches, scripts included) is `tsc -p tsconfig.json`, run first by the script.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = join(root, 'node_modules', '.bin', 'tsc');
execFileSync(tsc, ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
for (const f of ['src/project/parallel/bootstrap.mjs', 'src/report/page/app.js', 'src/report/page/style.css']) {
  mkdirSync(dirname(join(dist, f)), { recursive: true });
  copyFileSync(join(root, f), join(dist, f));
}
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
