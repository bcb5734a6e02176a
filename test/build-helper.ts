// Tests that use the compiled package (dist/): rebuild it when stale (emit only; the type-check is `tsc -p`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

function newest(d: string): number {
  let t = 0;
  for (const e of readdirSync(d, { withFileTypes: true, recursive: true }))
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

/** Builds dist/ unless it is newer than every file in src/ and examples/spam/ (CI has built it already). */
export function ensureBuilt(): void {
  const stamp = join(ROOT, 'dist', '.build-stamp');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'examples', 'spam')))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}
