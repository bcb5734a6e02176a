// `npm run build`: emits dist/ (ESM JavaScript + .d.ts) from src/ and the spam demo with tsconfig.build.json, copies
// the worker bootstrap (a plain .mjs tsc does not emit), stores the top-level help text, and stamps the build so bin/ballot.mjs can tell a stale one.
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
// `ballot --help` from text yargs printed (src/cli/stored-help.ts): run the compiled CLI's live help once, through a
// pipe (so at the 110-column width a pipe gets) and in English (the locale yargs would otherwise guess).
const env = { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'en_US.UTF-8', LANGUAGE: '', NO_COLOR: '1' };
const help = execFileSync(process.execPath, ['--input-type=module', '-e', "await (await import('./dist/src/cli/main.js')).main(['--help'])"], {
  cwd: root,
  env,
  encoding: 'utf8',
});
writeFileSync(join(dist, 'src', 'cli', 'help.txt'), help);
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
