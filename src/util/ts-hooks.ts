// Module hooks (registered with node:module's register by ts-loader.ts) that let the compiled CLI import users'
// TypeScript files with no build step. Types are removed by TypeScript's own transpileModule, from the compiler that
// ts-morph bundles (already a dependency): no esbuild, so no native binary and no install script for consumers.
// Only the compiled package uses them; run from the sources, ballot itself runs under tsx, which loads these files.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire, type LoadHook, type ResolveHook } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { Script } from 'node:vm';
import { fileURLToPath } from 'node:url';

type TsApi = typeof import('ts-morph')['ts'];

/** Start of the error a TypeScript file in a CommonJS package gets (load.ts turns it into the fix). */
export const COMMONJS_TS = 'TypeScript file in a CommonJS package';
/** Start of the error for a file TypeScript cannot parse; then a `file:line:column: message` line. */
export const TS_SYNTAX = 'TypeScript could not parse';

const TS_FILE = /\.(c|m)?tsx?$/;
const isTypeScript = (url: string) => url.startsWith('file:') && TS_FILE.test(url) && !/\.d\.(c|m)?ts$/.test(url);

let ts: TsApi | undefined;
/**
 * The TypeScript compiler bundled with ts-morph (@ts-morph/common/dist/typescript.js), loaded on the first .ts file.
 * Compiling its 9 MB of JavaScript is most of the cost (~0.5 s), so V8's code cache for it is kept in
 * node_modules/.cache/ballot/ (the project's own folder, never a shared one such as /tmp: a planted cache would be
 * code) and reused while it fits this Node and this compiler file: ~0.1 s then.
 */
function typescript(): TsApi {
  if (ts) return ts;
  const require = createRequire(import.meta.url);
  const file = createRequire(require.resolve('ts-morph')).resolve('@ts-morph/common/dist/typescript.js');
  const code = readFileSync(file, 'utf8');
  const at = file.lastIndexOf(`${sep}node_modules${sep}`);
  const stat = statSync(file);
  const cacheFile =
    at < 0
      ? undefined
      : join(
          file.slice(0, at),
          'node_modules',
          '.cache',
          'ballot',
          `typescript-${process.version}-${process.arch}-${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`,
        );
  let cached: Buffer | undefined;
  try {
    if (cacheFile) cached = readFileSync(cacheFile);
  } catch {
    /* no cache yet */
  }
  const script = new Script(Module.wrap(code), { filename: file, ...(cached ? { cachedData: cached } : {}) });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  ts = module.exports as TsApi;
  if (cacheFile && (!cached || script.cachedDataRejected)) {
    // After a first transpile, so the cache holds the compiled code of the functions transpiling needs.
    ts.transpileModule('export const x: number = 1;', {});
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
      // Caches for another Node or compiler version would only pile up.
      for (const f of readdirSync(dirname(cacheFile)))
        if (f.startsWith('typescript-') && f !== basename(cacheFile)) rmSync(join(dirname(cacheFile), f), { force: true });
    } catch {
      /* a read-only install: no cache, only slower */
    }
  }
  return ts;
}

/**
 * Runs when the hooks are registered, i.e. right before a TypeScript file is imported: load the compiler now, in this
 * hooks thread, while the main thread goes on (apply parses the same files with ts-morph meanwhile).
 */
export function initialize(): void {
  setImmediate(typescript);
}

/**
 * The files a TypeScript import may mean when the specifier as written does not exist: `./x.js` written for
 * `./x.ts` (what tsc's node16 resolution asks for), and extensionless `./x` or a folder (bundler resolution).
 */
function candidates(url: URL): URL[] {
  const s = url.href;
  const swap: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
  const ext = /\.(js|jsx|mjs|cjs)$/.exec(s)?.[0];
  if (ext) return swap[ext]!.map((e) => new URL(s.slice(0, -ext.length) + e));
  if (/\.[a-z]+$/i.test(url.pathname)) return [];
  return ['.ts', '.tsx', '.mts', '.js', '/index.ts', '/index.tsx', '/index.js'].map((e) => new URL(s.replace(/\/$/, '') + e));
}

// This module is dist/src/util/ts-hooks.js; in a git checkout, the sources it was compiled from are in src/.
const DIST_SRC = new URL('../', import.meta.url).href;
const OWN_SRC = new URL('../../../src/', import.meta.url).href;

/**
 * In a checkout, a file that imports ballot's own sources (`../../src/index.js`, as examples/spam/lfs.ts does) gets the
 * compiled modules the CLI itself runs, not a second copy compiled from src/ (the counterpart of bin/source-hooks.mjs,
 * which sends 'ballot' to src/ when the CLI runs from src/). bin/ballot.mjs runs dist/ only when it is up to date.
 */
function ownCompiled(url: URL): string | undefined {
  if (!url.href.startsWith(OWN_SRC)) return undefined;
  const compiled = new URL(DIST_SRC + url.href.slice(OWN_SRC.length).replace(/\.(ts|js)$/, '.js'));
  return existsSync(compiled) ? compiled.href : undefined;
}

/** Resolves imports written in TypeScript files the way tsc does (`./x.js` → `./x.ts`); everything else as Node does. */
export const resolve: ResolveHook = async (specifier, context, next) => {
  const parent = context.parentURL;
  if (parent && /^(\.{1,2}\/|\/|file:)/.test(specifier)) {
    const own = ownCompiled(new URL(specifier, parent));
    if (own) return next(own, context);
  }
  try {
    return await next(specifier, context);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const pathLike = /^(\.{1,2}\/|\/|file:)/.test(specifier);
    if (!parent || !isTypeScript(parent) || !pathLike || (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT')) throw e;
    const found = candidates(new URL(specifier, parent)).find((u) => existsSync(u));
    if (!found) throw e;
    return next(found.href, context);
  }
};

/** "module" or "commonjs": the `type` of the nearest package.json above `dir`, as Node decides for a .js file. */
function packageType(dir: string): 'module' | 'commonjs' {
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    const up = dirname(dir);
    if (up === dir) return 'commonjs';
    dir = up;
  }
}

/**
 * Compiles a TypeScript file to JavaScript: `.mts`, and `.ts` in a `"type": "module"` package, become ES modules;
 * `.cts` becomes CommonJS. A `.ts` file in a CommonJS package is refused (LF files are ES modules: they import ballot).
 */
export const load: LoadHook = async (url, context, next) => {
  if (!isTypeScript(url)) return next(url, context);
  const path = fileURLToPath(url);
  const format = url.endsWith('.mts') ? 'module' : url.endsWith('.cts') ? 'commonjs' : packageType(dirname(path));
  if (format === 'commonjs' && !url.endsWith('.cts')) throw new Error(`${COMMONJS_TS}: ${path}`);
  const T = typescript();
  const out = T.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    reportDiagnostics: true,
    compilerOptions: {
      module: format === 'module' ? T.ModuleKind.ESNext : T.ModuleKind.CommonJS,
      target: T.ScriptTarget.ES2022,
      jsx: T.JsxEmit.ReactJSX,
      esModuleInterop: true,
      useDefineForClassFields: true,
      // Stack traces of a failing LF point into the .ts file (ts-loader.ts turns source maps on).
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  // The first error only: TypeScript recovers and goes on, so the ones after it are mostly echoes of the first.
  const first = (out.diagnostics ?? []).find((d) => d.category === T.DiagnosticCategory.Error);
  if (first) {
    const at = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const what = T.flattenDiagnosticMessageText(first.messageText, ' ');
    throw new SyntaxError(`${TS_SYNTAX} ${path}:\n${path}:${at ? at.line + 1 : 0}:${at ? at.character + 1 : 0}: ${what}`);
  }
  return { format, source: out.outputText, shortCircuit: true };
};
