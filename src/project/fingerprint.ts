import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Project, SourceFile, ts } from 'ts-morph';
import { loadTsMorph, tsIndexer, type FileInfo, type TsApi, type TsIndexer, type Unit } from './ts-index.js';

/**
 * Source fingerprints of exported labeling functions, found statically with ts-morph.
 *
 * An LF's fingerprint hashes the normalized source of its declaration plus, transitively, the declarations of the
 * project-local identifiers it uses (functions, constants, classes, and what it imports from relative modules),
 * plus any top-level statement (a loop, a call) that touches one of those declarations. Imports of packages count
 * by package name and version. Normalization keeps every token and whether tokens are separated by a line break,
 * and drops comments and indentation: reformatting or commenting an LF does not re-apply it, any code change does.
 *
 * When the code behind an LF cannot be pinned down statically (dynamic imports, eval, reading files at load time,
 * an export the analysis cannot find), the fingerprint is `null` with a reason, and the LF is always re-applied.
 */

export interface CodeFingerprint {
  /** sha256 hex of the LF's code closure, or null when it cannot be determined (then the LF is always re-applied). */
  hash: string | null;
  /** Why `hash` is null. */
  reason?: string;
  /** Files whose code went into the hash (for `ballot watch`). */
  files: string[];
}

export interface SourceLocation {
  file: string;
  /** 1-based line of the declaration. */
  line: number;
  /** The doc comment (JSDoc text without the stars), if any. */
  doc?: string;
}

interface Closure {
  keys: Set<string>;
  texts: Map<string, string>;
  files: Set<string>;
  problems: string[];
}

const FS_MODULES = new Set(['fs', 'fs/promises', 'http', 'https', 'net', 'child_process', 'worker_threads', 'readline']);
const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];

/** Static analysis of a set of LF source files: where each export is, its doc comment, and its code fingerprint. */
export class SourceAnalyzer {
  private readonly project: Project;
  private readonly T: TsApi;
  private readonly ix: TsIndexer;
  private readonly infos = new Map<string, FileInfo>();
  private readonly normalized = new Map<ts.Node, string>();
  private readonly packageVersions = new Map<string, string>();

  constructor(files: readonly string[] = []) {
    const morph = loadTsMorph();
    this.T = morph.ts;
    this.ix = tsIndexer(this.T);
    this.project = new morph.Project({
      skipAddingFilesFromTsConfig: true,
      skipFileDependencyResolution: true,
      skipLoadingLibFiles: true,
      compilerOptions: { allowJs: true, noLib: true },
    });
    for (const f of files) this.file(resolve(f));
  }

  /** Where an export (or element `index` of an exported array literal) is declared, with its doc comment. */
  locate(file: string, exportName: string, index?: number): SourceLocation | undefined {
    const info = this.file(resolve(file));
    if (!info) return undefined;
    const unit = this.resolveExport(info, exportName, new Set());
    if (unit?.kind !== 'node') return undefined;
    let { file: where, node } = unit;
    const element = index === undefined ? undefined : this.ix.arrayElement(node, index);
    if (element) {
      // An element that is just a name points at that name's declaration (`export const all = [lfA, lfB]`).
      const target = this.T.isIdentifier(element) ? where.bindings.get(element.text) : undefined;
      if (target?.kind === 'decl') node = target.node;
      else if (target?.kind === 'import') {
        const u = this.resolveImport(where, target.module, target.imported, new Set());
        if (u?.kind === 'node') ({ file: where, node } = u);
        else node = element;
      } else node = element;
    }
    return { file: where.path, line: this.ix.lineOf(where.sf, node), doc: this.ix.docOf(where.sf, node) };
  }

  /** The fingerprint of an export, or of element `index` of an exported array literal when that is well defined. */
  fingerprint(file: string, exportName: string, index?: number): CodeFingerprint {
    const info = this.file(resolve(file));
    if (!info) return { hash: null, reason: `cannot parse ${file}`, files: [] };
    const unit = this.resolveExport(info, exportName, new Set());
    if (!unit) return { hash: null, reason: `export "${exportName}" of ${file} was not found by static analysis`, files: [info.path] };
    const whole = this.closure([unit]);
    let closure = whole;
    if (index !== undefined && unit.kind === 'node') {
      const element = this.ix.arrayElement(unit.node, index);
      // Per-element fingerprints only when nothing at top level touches the array (no push, sort, reassignment);
      // otherwise the element at `index` at run time may not be the literal one.
      const name = this.ix.declaredName(unit.node);
      const touched =
        name !== undefined && unit.file.effects.some((s) => whole.keys.has(this.ix.nodeKey(unit.file, s)) && this.ix.references(s).has(name));
      if (element && !touched) closure = this.closure([{ kind: 'node', file: unit.file, node: element }]);
    }
    if (closure.problems.length) return { hash: null, reason: closure.problems[0], files: [...closure.files] };
    const h = createHash('sha256');
    // Sorted by content, not by position: moving code around a file (or to another file) is not a change.
    for (const text of [...closure.texts.values()].sort()) h.update(text).update('\u0000');
    return { hash: h.digest('hex'), files: [...closure.files].sort() };
  }

  // ------------------------------------------------------------------------------------------ files and bindings

  private file(path: string): FileInfo | undefined {
    const known = this.infos.get(path);
    if (known) return known;
    if (!existsSync(path)) return undefined;
    let sf: SourceFile;
    try {
      sf = this.project.getSourceFile(path) ?? this.project.addSourceFileAtPath(path);
    } catch {
      return undefined;
    }
    const info = this.ix.indexFile(path, sf.compilerNode);
    this.infos.set(path, info);
    return info;
  }

  private resolveModule(from: FileInfo, spec: string): Unit | undefined {
    if (!spec.startsWith('.') && !isAbsolute(spec)) {
      const bare = spec.replace(/^node:/, '');
      if (spec.startsWith('node:') || FS_MODULES.has(bare)) return { kind: 'external', id: `node:${bare}` };
      return { kind: 'external', id: `${spec}@${this.packageVersion(from.path, spec)}` };
    }
    const base = resolve(dirname(from.path), spec);
    if (/\.json$/i.test(base)) return existsSync(base) ? { kind: 'json', path: base } : undefined;
    const stem = base.replace(/\.(m|c)?jsx?$/, '');
    const candidates = [base, ...TS_EXTENSIONS.map((e) => stem + e), ...TS_EXTENSIONS.map((e) => join(base, `index${e}`))];
    for (const c of candidates) {
      if (existsSync(c) && statSync(c).isFile()) {
        const info = this.file(c);
        if (info) return { kind: 'file', file: info };
      }
    }
    return undefined;
  }

  private packageVersion(fromFile: string, spec: string): string {
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    const key = `${dirname(fromFile)}\u0000${pkg}`;
    const cached = this.packageVersions.get(key);
    if (cached !== undefined) return cached;
    let version = '?';
    for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
      const p = join(dir, 'node_modules', pkg, 'package.json');
      if (existsSync(p)) {
        try {
          version = String(JSON.parse(readFileSync(p, 'utf8')).version ?? '?');
        } catch {
          /* unreadable package.json: the name alone identifies it */
        }
        break;
      }
      if (dirname(dir) === dir) break;
    }
    this.packageVersions.set(key, version);
    return version;
  }

  private resolveExport(info: FileInfo, name: string, seen: Set<string>): Unit | undefined {
    const key = `${info.path}\u0000${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const target = info.exports.get(name);
    if (target?.kind === 'node') return { kind: 'node', file: info, node: target.node };
    if (target?.kind === 'local') return this.resolveBinding(info, target.name, seen);
    if (target?.kind === 'reexport') return this.resolveImport(info, target.module, target.imported, seen);
    if (name === 'default') return undefined;
    for (const spec of info.starExports) {
      const m = this.resolveModule(info, spec);
      if (m?.kind === 'file') {
        const u = this.resolveExport(m.file, name, seen);
        if (u) return u;
      }
    }
    return undefined;
  }

  private resolveBinding(info: FileInfo, name: string, seen: Set<string>): Unit | undefined {
    const b = info.bindings.get(name);
    if (!b) return undefined;
    if (b.kind === 'decl') return { kind: 'node', file: info, node: b.node };
    return this.resolveImport(info, b.module, b.imported, seen);
  }

  private resolveImport(info: FileInfo, spec: string, imported: string, seen: Set<string>): Unit | undefined {
    const m = this.resolveModule(info, spec);
    if (m?.kind !== 'file') return m;
    if (imported === '*') return m;
    return this.resolveExport(m.file, imported, seen);
  }

  // ------------------------------------------------------------------------------------------ closures

  private closure(roots: Unit[]): Closure {
    const c: Closure = { keys: new Set(), texts: new Map(), files: new Set(), problems: [] };
    const queue = [...roots];
    const drain = () => {
      while (queue.length) this.visit(queue.pop()!, c, queue);
    };
    drain();
    // Top-level statements with effects (a loop filling an array, a call that mutates a table) join the closure
    // when what they touch overlaps it; repeat until nothing new joins.
    for (let changed = true; changed; ) {
      changed = false;
      for (const path of [...c.files]) {
        const info = this.infos.get(path);
        if (!info) continue;
        for (const s of info.effects) {
          const key = this.ix.nodeKey(info, s);
          if (c.keys.has(key)) continue;
          const own = this.closureWithoutEffects({ kind: 'node', file: info, node: s });
          if ([...own.keys].some((k) => k !== key && c.keys.has(k))) {
            queue.push({ kind: 'node', file: info, node: s });
            drain();
            changed = true;
          }
        }
      }
    }
    return c;
  }

  /** The closure of one unit without the effect pass (used to test whether an effect statement touches a closure). */
  private closureWithoutEffects(root: Unit): Closure {
    const c: Closure = { keys: new Set(), texts: new Map(), files: new Set(), problems: [] };
    const queue = [root];
    while (queue.length) this.visit(queue.pop()!, c, queue);
    return c;
  }

  private visit(u: Unit, c: Closure, queue: Unit[]): void {
    if (u.kind === 'external') {
      const key = `external:${u.id}`;
      if (!c.keys.has(key)) {
        c.keys.add(key);
        c.texts.set(key, key);
      }
      return;
    }
    if (u.kind === 'json') {
      const key = `json:${u.path}`;
      if (c.keys.has(key)) return;
      c.keys.add(key);
      c.files.add(u.path);
      c.texts.set(key, `json:${createHash('sha256').update(readFileSync(u.path)).digest('hex')}`);
      return;
    }
    if (u.kind === 'file') {
      // A namespace import uses the whole module: every top-level statement.
      for (const s of u.file.sf.statements) queue.push({ kind: 'node', file: u.file, node: s });
      c.files.add(u.file.path);
      return;
    }
    const { file, node } = u;
    const key = this.ix.nodeKey(file, node);
    if (c.keys.has(key)) return;
    c.keys.add(key);
    c.files.add(file.path);
    c.texts.set(key, this.normalize(file.sf, node));
    for (const problem of this.ix.dynamicCode(node, file.sf)) if (!c.problems.includes(problem)) c.problems.push(problem);
    for (const name of this.ix.references(node)) {
      const b = file.bindings.get(name);
      if (!b) {
        if (name === 'fetch' || name === 'require')
          c.problems.push(`${this.ix.where(file, node)} uses ${name}(), whose result is not part of the source`);
        continue;
      }
      if (b.kind === 'decl') {
        if (b.node !== node) queue.push({ kind: 'node', file, node: b.node });
        continue;
      }
      const target = this.resolveImport(file, b.module, b.imported, new Set());
      if (!target) {
        c.problems.push(`${this.ix.where(file, node)}: cannot resolve ${b.imported === '*' ? '' : `"${b.imported}" from `}"${b.module}"`);
        continue;
      }
      if (target.kind === 'external' && FS_MODULES.has(target.id.slice(5))) {
        c.problems.push(`${this.ix.where(file, node)} reads files or the network (${b.module}) at load time; their contents are not fingerprinted`);
      }
      queue.push(target);
    }
  }

  /** Tokens of a node joined by one space, or by a line break where the source had one; comments dropped. */
  private normalize(sf: ts.SourceFile, node: ts.Node): string {
    const cached = this.normalized.get(node);
    if (cached !== undefined) return cached;
    const parts: string[] = [];
    const text = sf.text;
    const walk = (n: ts.Node) => {
      if (n.kind >= this.T.SyntaxKind.FirstJSDocNode && n.kind <= this.T.SyntaxKind.LastJSDocNode) return;
      const children = n.getChildren(sf);
      if (children.length === 0) {
        const start = n.getStart(sf);
        if (start >= n.end) return; // empty syntax lists, EOF
        if (parts.length) parts.push(text.slice(n.pos, start).includes('\n') ? '\n' : ' ');
        parts.push(text.slice(start, n.end));
        return;
      }
      for (const ch of children) walk(ch);
    };
    walk(node);
    const out = parts.join('');
    this.normalized.set(node, out);
    return out;
  }
}

// ------------------------------------------------------------------------------------------------ helpers
