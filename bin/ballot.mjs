#!/usr/bin/env node
// The ballot CLI. An installed package runs its compiled JavaScript (dist/); a git checkout runs dist/ when it is
// up to date with src/ and otherwise the TypeScript sources through tsx (so tests never run a stale build).
// Users' .ts LF files load through tsx from the sources, and through ballot's own TypeScript hooks (src/util/ts-hooks.ts,
// registered only by the commands that load LF files) from dist/: tsx is a development dependency only.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/src/cli/main.js', root);
const src = new URL('src/', root);

/** Newest modification time of any file under dir (ms). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs);
  }
  return t;
}

function useDist() {
  if (!existsSync(dist)) return false;
  if (process.env.BALLOT_FROM_SOURCE) return false;
  if (!existsSync(src)) return true; // an installed package: no sources to compare with
  const stamp = new URL('dist/.build-stamp', root);
  return (
    existsSync(stamp) && statSync(stamp).mtimeMs >= newest(src.pathname) && statSync(stamp).mtimeMs >= newest(new URL('examples/spam', root).pathname)
  );
}

let main;
if (useDist()) {
  ({ main } = await import(dist.href));
} else {
  if (!existsSync(new URL('src/cli/main.ts', root))) {
    console.error('ballot: neither dist/ nor src/ found; reinstall ballot');
    process.exit(1);
  }
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  register(new URL('source-hooks.mjs', import.meta.url));
  ({ main } = await import(new URL('src/cli/main.ts', root).href));
}
await main(process.argv.slice(2));
