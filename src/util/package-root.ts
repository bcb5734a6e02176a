import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The root of this ballot installation (the folder holding its package.json, templates/ and examples/). Found by
 * walking up from this module, so it is the same whether ballot runs from its TypeScript sources (src/util/) or from
 * the compiled package (dist/src/util/).
 */
export function ballotRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'ballot') return (root = realpathSync(dir));
      } catch {
        /* not ours: keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`ballot: cannot find ballot's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** This ballot's version, from its package.json. */
export function ballotVersion(): string {
  return String((JSON.parse(readFileSync(join(ballotRoot(), 'package.json'), 'utf8')) as { version: unknown }).version);
}

/** True when ballot runs from a git checkout (sources present) rather than an installed package. */
export function isGitCheckout(): boolean {
  return existsSync(join(ballotRoot(), '.git'));
}
