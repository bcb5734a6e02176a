import type { DiscoveredLF } from './discovery.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../util/errors.js';
import { SourceAnalyzer } from './fingerprint.js';
import { expandLFPatterns } from './glob.js';
import { displayPath } from './paths.js';
import { isSliceFunction, type SliceFunction } from '../lf/slice-function.js';

/** One exported slice function with where it is declared and its code fingerprint (the same facts as a DiscoveredLF). */
export interface DiscoveredSlice extends Omit<DiscoveredLF, 'lf'> {
  slice: SliceFunction;
}

export interface SliceDiscovery {
  slices: DiscoveredSlice[];
  /** The files matched by the patterns. */
  files: string[];
}

/**
 * Finds every exported slice function (alone or inside an exported array) in the files matching `patterns`, with
 * locations, doc comments and fingerprints from the same static analysis as LFs. Files may mix LFs and slices; LFs
 * are ignored here. Two slices with one name are an error naming both; no slice at all is an error unless `allowNone`.
 */
export async function discoverSlices(
  patterns: string | readonly string[],
  options: { cwd?: string; allowNone?: boolean } = {},
): Promise<SliceDiscovery> {
  const cwd = options.cwd ?? process.cwd();
  const files = expandLFPatterns(typeof patterns === 'string' ? [patterns] : patterns, cwd);
  const found: { slice: SliceFunction; file: string; exportName: string; index?: number }[] = [];
  const byName = new Map<string, (typeof found)[number]>();
  for (const file of files) {
    const abs = resolve(cwd, file);
    if (!existsSync(abs)) throw new ConfigError(`slice file not found: ${file}`);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`could not load slice file ${displayPath(abs, cwd)}: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}`, { cause: e });
    }
    for (const [exportName, value] of Object.entries(mod)) {
      const candidates = Array.isArray(value) ? value : [value];
      candidates.forEach((c: unknown, i) => {
        if (!isSliceFunction(c)) return;
        const here = { slice: c, file: abs, exportName, ...(Array.isArray(value) ? { index: i } : {}) };
        const prev = byName.get(c.name);
        if (prev) {
          if (prev.slice === c) return; // the same object exported alone and in a list
          const at = (s: typeof here) => `${displayPath(s.file, cwd)} (export ${s.exportName}${s.index !== undefined ? `[${s.index}]` : ''})`;
          throw new ConfigError(`two slice functions are named "${c.name}": ${at(prev)} and ${at(here)}`);
        }
        byName.set(c.name, here);
        found.push(here);
      });
    }
  }
  if (found.length === 0 && !options.allowNone) {
    throw new ConfigError(
      `no slice functions exported from ${files.map((f) => displayPath(f, cwd)).join(', ')} (define them with sliceFunction({ name, test }))`,
    );
  }
  const analyzer = new SourceAnalyzer(found.length ? files : []);
  const slices = found.map((s): DiscoveredSlice => {
    const loc = analyzer.locate(s.file, s.exportName, s.index);
    const fp = analyzer.fingerprint(s.file, s.exportName, s.index);
    return {
      name: s.slice.name,
      slice: s.slice,
      file: s.file,
      exportName: s.exportName,
      index: s.index,
      declaredIn: loc?.file ?? s.file,
      line: loc?.line,
      doc: loc?.doc,
      description: s.slice.description,
      codeHash: fp.hash,
      codeHashNote: fp.reason,
      sourceFiles: fp.files,
    };
  });
  return { slices, files };
}
