import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../util/errors.js';

/** The root of this ballot installation (holds package.json and templates/). */
export const BALLOT_ROOT = realpathSync(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const TEMPLATE = join(BALLOT_ROOT, 'templates', 'project');

export interface ScaffoldOptions {
  /** package.json name (default: the directory's name, made npm-safe). */
  name?: string;
  /** How the new project depends on ballot (default `file:<this ballot's directory>`, which installs offline). */
  ballotDependency?: string;
  /** Write into a directory that already has files (existing files are never overwritten). */
  force?: boolean;
}

export interface ScaffoldResult {
  dir: string;
  files: string[];
  skipped: string[];
}

/**
 * Creates a working ballot project from templates/project: package.json, tsconfig, lfs/example.ts (two LFs and the
 * label space), data/tiny.csv, recipe.json, .npmrc, .gitignore. Template files named `_npmrc` / `_gitignore` become
 * dotfiles (npm would drop real dotfiles from a published package). `{{name}}` and `{{ballotDependency}}` are filled in.
 */
export function scaffoldProject(dir: string, options: ScaffoldOptions = {}): ScaffoldResult {
  const target = resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new ConfigError(`${dir} exists and is not a directory`);
  const existing = existsSync(target) ? readdirSync(target).filter((f) => f !== '.git') : [];
  if (existing.length && !options.force) {
    throw new ConfigError(`${dir} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}); use --force to add the missing files`);
  }
  const vars: Record<string, string> = {
    name: options.name ?? npmName(basename(target)),
    ballotDependency: options.ballotDependency ?? `file:${BALLOT_ROOT}`,
  };
  const files: string[] = [];
  const skipped: string[] = [];
  const copy = (from: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, entry.name);
      const rel = relative(TEMPLATE, src).split('/').map((p) => p.replace(/^_(npmrc|gitignore)$/, '.$1')).join('/');
      const dest = join(target, rel);
      if (entry.isDirectory()) {
        copy(src);
        continue;
      }
      if (existsSync(dest)) {
        skipped.push(rel);
        continue;
      }
      refuseSymlinks(target, rel);
      mkdirSync(dirname(dest), { recursive: true });
      // In a .json template the value goes inside a JSON string: escape it as JSON.stringify does (quotes, backslashes).
      const fill = (v: string) => (dest.endsWith('.json') ? JSON.stringify(v).slice(1, -1) : v);
      const text = readFileSync(src, 'utf8').replace(/\{\{(\w+)\}\}/g, (m, key: string) => (Object.hasOwn(vars, key) ? fill(vars[key]) : m));
      writeFileSync(dest, text, { flag: 'wx' }); // never through a link or over a file that appeared meanwhile
      files.push(rel);
    }
  };
  copy(TEMPLATE);
  return { dir: target, files: files.sort(), skipped };
}

/** Refuses a symlink at `rel` or at any folder on the way to it inside `target`: init writes only real files it creates. */
function refuseSymlinks(target: string, rel: string): void {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const p = join(target, ...parts.slice(0, i));
    let link = false;
    try {
      link = lstatSync(p).isSymbolicLink();
    } catch {
      return; // missing: nothing below it exists either
    }
    if (link) throw new ConfigError(`${p} is a symbolic link; ballot init does not write through links (remove it or choose another directory)`);
  }
}

function npmName(s: string): string {
  const name = s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '').slice(0, 214);
  return name || 'ballot-project';
}
