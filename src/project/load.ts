import { ensureTypeScriptLoader } from '../util/ts-loader.js';
import { COMMONJS_TS, TS_SYNTAX } from '../util/ts-hooks.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLabelingFunction, type LabelingFunction } from '../lf/labeling-function.js';
import { defineLabels, type LabelSpace } from '../matrix/labels.js';
import { assertUniqueLFNames } from '../lf/apply.js';
import { ConfigError } from '../util/errors.js';
import { displayPath } from './paths.js';

export interface LoadedLFs {
  lfs: LabelingFunction[];
  /** The label space the module exports as `labels` (a defineLabels result or a string array), if any. */
  labels?: LabelSpace;
  /** Where each LF came from: file path, export name and, for an LF inside an exported array, its position. */
  sources: Map<string, LFSource>;
}

export interface LFSource {
  file: string;
  exportName: string;
  /** Position in the exported array, when the export is an array of LFs. */
  index?: number;
}

export interface LoadOptions {
  /** Describes where an LF is declared (e.g. `lfs/spam.ts:12`) for the duplicate-name error; default `file (export name)`. */
  locate?: (source: LFSource) => string;
}

/**
 * The load error as one line. A syntax error comes from TypeScript (the compiled package's hooks, ts-hooks.ts) as
 * "TypeScript could not parse <file>:\n<file>:<line>:<col>: <what>", or from esbuild (tsx, run from the sources) as
 * "Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: <what>" (col 0-based): keep "syntax error at line L,
 * column C: <what>" (1-based, as editors count) for each error.
 */
function describeLoadError(e: unknown, abs: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const at = (f: string | undefined) => (f === abs || f === undefined ? '' : `in ${displayPath(f, process.cwd())} `);
  if (msg.startsWith(TS_SYNTAX)) {
    const errors = [...msg.matchAll(/^(.+?):(\d+):(\d+): (.*)$/gm)].map(
      ([, f, line, col, what]) => `syntax error ${at(f)}at line ${line}, column ${col}: ${what}`,
    );
    if (errors.length) return errors.join('; ');
  }
  if (/^Transform failed with \d+ errors?:/.test(msg)) {
    const errors = [...msg.matchAll(/^(.+?):(\d+):(\d+): ERROR: (.*)$/gm)].map(
      ([, f, line, col, what]) =>
        `syntax error ${f === abs ? '' : `in ${displayPath(f, process.cwd())} `}at line ${line}, column ${Number(col) + 1}: ${what}`,
    );
    if (errors.length) return errors.join('; ');
  }
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * `import(url)`, failing clearly when the module's top-level await can never settle: Node then empties the event
 * loop and exits with status 13 and no message. 'beforeExit' fires exactly then (nothing left to wait on), so a
 * pending import at that moment is stuck for good.
 */
async function importWatched(url: string, file: string): Promise<unknown> {
  let onStuck: () => void = () => {};
  const stuck = new Promise<never>((_, reject) => {
    onStuck = () =>
      reject(
        new ConfigError(
          `could not load LF file ${displayPath(file, process.cwd())}: its top-level await never settles (it waits on a promise nothing will resolve)`,
        ),
      );
    process.once('beforeExit', onStuck);
  });
  try {
    return await Promise.race([import(url), stuck]);
  } finally {
    process.off('beforeExit', onStuck);
  }
}

function isLabelSpace(x: unknown): x is LabelSpace {
  return typeof x === 'object' && x !== null && Array.isArray((x as LabelSpace).names) && typeof (x as LabelSpace).indexOf === 'function';
}

/**
 * Imports LF modules (TypeScript needs no build step: ts-loader.ts) and collects every exported LabelingFunction,
 * including LFs inside exported arrays. Export a label space as `labels` to fix the class order.
 */
export async function loadLFModules(files: readonly string[], options: LoadOptions = {}): Promise<LoadedLFs> {
  const lfs: LabelingFunction[] = [];
  const sources = new Map<string, LFSource>();
  const locate = options.locate ?? ((s: LFSource) => `${s.file} (export ${s.exportName})`);
  let labels: LabelSpace | undefined;
  let labelsFrom = '';
  for (const file of files) {
    const abs = resolve(file);
    if (!existsSync(abs)) throw new ConfigError(`LF file not found: ${file}`);
    let mod: Record<string, unknown>;
    try {
      await ensureTypeScriptLoader(abs);
      mod = (await importWatched(pathToFileURL(abs).href, file)) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const msg = describeLoadError(e, abs);
      // A .ts file outside an ESM package is CommonJS (tsx compiles it so; ballot's own hooks refuse it): it cannot import ballot.
      // Node's own text for that is long and about require() cycles; the fix is what the user needs.
      const cjs = msg.startsWith(COMMONJS_TS) ? msg.slice(COMMONJS_TS.length + 2) : /require\(\) (of )?ES Module/i.test(msg) ? abs : undefined;
      const why =
        cjs !== undefined
          ? `${cjs === abs ? 'it' : displayPath(cjs, process.cwd())} loads as CommonJS, but LF files are ES modules: add "type": "module" to the nearest package.json, or name the file .mts`
          : msg;
      throw new ConfigError(`could not load LF file ${displayPath(file, process.cwd())}: ${why}`, { cause: e });
    }
    for (const [exportName, value] of Object.entries(mod)) {
      if (exportName === 'labels') {
        const space = isLabelSpace(value) ? value : Array.isArray(value) ? defineLabels(value as string[]) : undefined;
        if (!space) throw new ConfigError(`${file}: export "labels" must be defineLabels([...]) or a string array`);
        if (labels && labels.names.join('\u0000') !== space.names.join('\u0000')) {
          throw new ConfigError(`${file} exports labels [${space.names}] but ${labelsFrom} exports [${labels.names}]`);
        }
        labels = space;
        labelsFrom = file;
        continue;
      }
      const candidates = Array.isArray(value) ? value : [value];
      for (let i = 0; i < candidates.length; i++) {
        const c: unknown = candidates[i];
        if (!isLabelingFunction(c)) continue;
        const prev = sources.get(c.name);
        const here: LFSource = Array.isArray(value) ? { file, exportName, index: i } : { file, exportName };
        if (prev) {
          if (lfs.includes(c)) {
            // The same LF object exported twice (alone and in a list): the standalone export is the better source.
            if (prev.index !== undefined && here.index === undefined) sources.set(c.name, here);
            continue;
          }
          throw new ConfigError(`two LFs are named "${c.name}": ${locate(prev)} and ${locate(here)}`);
        }
        lfs.push(c);
        sources.set(c.name, here);
      }
    }
  }
  if (lfs.length === 0) throw new ConfigError(`no labeling functions exported from ${files.join(', ')}`);
  assertUniqueLFNames(lfs);
  return { lfs, labels, sources };
}
