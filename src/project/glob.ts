import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../util/errors.js';

/**
 * Expands LF file patterns (`lfs/**\/*.ts`, `lfs/{spam,ham}.ts`, or plain paths) into sorted absolute paths.
 * A small matcher of our own (Node 20 has no fs.glob): `**` spans directories, `*` and `?` stay inside one
 * name, `{a,b}` alternates. node_modules, dot-directories and `.d.ts` files are skipped.
 */
export function expandLFPatterns(patterns: readonly string[], cwd = process.cwd()): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    if (!/[*?{]/.test(pattern)) {
      const abs = resolve(cwd, pattern);
      if (!existsSync(abs)) throw new ConfigError(`LF file not found: ${pattern}`);
      if (statSync(abs).isDirectory()) {
        for (const f of walk(abs)) if (isSourceFile(f)) out.add(f);
      } else out.add(abs);
      continue;
    }
    const normalized = pattern.split(sep).join('/');
    const parts = normalized.split('/');
    const firstGlob = parts.findIndex((p) => /[*?{]/.test(p));
    const base = resolve(cwd, parts.slice(0, firstGlob).join('/') || '.');
    const re = globToRegExp(parts.slice(firstGlob).join('/'));
    if (!existsSync(base)) continue;
    for (const f of walk(base)) {
      const rel = relative(base, f).split(sep).join('/');
      if (re.test(rel) && isSourceFile(f)) out.add(f);
    }
  }
  const files = [...out].sort();
  if (files.length === 0) throw new ConfigError(`no LF files match ${patterns.map((p) => JSON.stringify(p)).join(', ')} (in ${cwd})`);
  return files;
}

/** The directory a pattern searches (its part before the first wildcard), e.g. `lfs` for `lfs/**\/*.ts`. */
export function patternBase(pattern: string, cwd = process.cwd()): string {
  const parts = pattern.split(sep).join('/').split('/');
  const firstGlob = parts.findIndex((p) => /[*?{]/.test(p));
  if (firstGlob < 0) return resolve(cwd, parts.slice(0, -1).join('/') || '.');
  return resolve(cwd, parts.slice(0, firstGlob).join('/') || '.');
}

function isSourceFile(f: string): boolean {
  return /\.(ts|mts|tsx|js|mjs)$/.test(f) && !/\.d\.(ts|mts)$/.test(f);
}

function* walk(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** Translates a glob (relative, `/`-separated) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches anything.
        if (glob[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 3;
        } else {
          re += '.*';
          i += 2;
        }
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    i++;
  }
  if (braces) throw new ConfigError(`unbalanced braces in pattern ${JSON.stringify(glob)}`);
  return new RegExp(`^${re}$`);
}
