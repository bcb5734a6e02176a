import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { ballotRoot, ballotVersion, isGitCheckout } from '../util/package-root.js';

/** The root of this ballot installation (holds package.json and templates/). */
export const BALLOT_ROOT = ballotRoot();
const TEMPLATE = join(BALLOT_ROOT, 'templates', 'project');

export interface ScaffoldOptions {
  /** package.json name (default: the directory's name, made npm-safe). */
  name?: string;
  /**
   * How the new project depends on ballot: a version range or any npm spec, or a path (a ballot folder or a packed
   * .tgz), which becomes `file:<absolute path>`. Default: `^<this version>`, or `file:<this ballot>` when this ballot
   * runs from a git checkout (not published, so a range would not install).
   */
  ballotDependency?: string;
  /** Write into a directory that already has files (existing files are never overwritten). */
  force?: boolean;
}

export interface ScaffoldResult {
  dir: string;
  files: string[];
  skipped: string[];
  /** The ballot dependency written to package.json, and why. */
  ballotDependency: string;
  dependencyFrom: 'option' | 'version' | 'checkout';
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
    throw new ConfigError(
      `${dir} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}); set \`force\` to add the missing files`,
      { option: 'force' },
    );
  }
  const dep = ballotDependency(options.ballotDependency);
  const own = JSON.parse(readFileSync(join(BALLOT_ROOT, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  // The project's own tsx and typescript (to run and type-check its LFs), at the versions ballot is built with.
  const pinned = (name: string, fallback: string) => own.devDependencies?.[name] ?? own.dependencies?.[name] ?? fallback;
  const vars: Record<string, string> = {
    name: options.name ?? npmName(basename(target)),
    ballotDependency: dep.spec,
    tsxVersion: pinned('tsx', '^4.23.15'),
    typescriptVersion: pinned('typescript', '^7.0.2'),
    typesNodeVersion: pinned('@types/node', '^20.19.43'),
  };
  const files: string[] = [];
  const skipped: string[] = [];
  const copy = (from: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, entry.name);
      const rel = relative(TEMPLATE, src)
        .split('/')
        .map((p) => p.replace(/^_(npmrc|gitignore)$/, '.$1'))
        .join('/');
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
  return { dir: target, files: files.sort(), skipped, ballotDependency: dep.spec, dependencyFrom: dep.from };
}

function ballotDependency(given: string | undefined): { spec: string; from: ScaffoldResult['dependencyFrom'] } {
  if (given !== undefined) {
    const looksLikePath = given.startsWith('.') || given.startsWith('/') || given.endsWith('.tgz') || existsSync(given);
    if (given.startsWith('file:') || !looksLikePath) return { spec: given, from: 'option' };
    if (!existsSync(given)) throw new ConfigError(`ballot dependency path not found: ${given}`);
    return { spec: `file:${resolve(given)}`, from: 'option' };
  }
  if (isGitCheckout()) return { spec: `file:${BALLOT_ROOT}`, from: 'checkout' };
  return { spec: `^${ballotVersion()}`, from: 'version' };
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
  const name = s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 214);
  return name || 'ballot-project';
}
