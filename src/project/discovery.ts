import type { LabelingFunction } from '../lf/labeling-function.js';
import type { LabelSpace } from '../matrix/labels.js';
import { loadLFModules, type LFSource } from './load.js';
import { expandLFPatterns } from './glob.js';
import { SourceAnalyzer } from './fingerprint.js';
import { ensureTypeScriptLoader } from '../util/ts-loader.js';
import { displayPath } from './paths.js';

/** One exported LF: its run-time object plus where it is declared and what its code fingerprint is. */
export interface DiscoveredLF {
  name: string;
  lf: LabelingFunction;
  /** Absolute path of the file that exports it. */
  file: string;
  exportName: string;
  /** Position in the exported array, for LFs exported in a list. */
  index?: number;
  /** Where the LF is declared (the export, the array element, or the declaration an element names). */
  declaredIn: string;
  line?: number;
  /** Its doc comment, if any. */
  doc?: string;
  description?: string;
  /** sha256 of its code closure (see fingerprint.ts), or null when it cannot be determined statically. */
  codeHash: string | null;
  /** Why codeHash is null. */
  codeHashNote?: string;
  /** Source files its code closure spans. */
  sourceFiles: string[];
}

export interface Discovery {
  lfs: DiscoveredLF[];
  labels?: LabelSpace;
  /** The LF files matched by the patterns. */
  files: string[];
  /** Every source file any LF depends on (LF files and the local modules they import). */
  sourceFiles: string[];
}

/**
 * Finds every exported LF in the files matching `patterns`: loads the modules (TypeScript with no build step) for the LF objects and
 * their names, and analyzes the source with ts-morph for locations, doc comments and fingerprints.
 * Two LFs with one name are an error naming both declarations.
 */
export async function discoverLFs(patterns: string | readonly string[], options: { cwd?: string } = {}): Promise<Discovery> {
  const cwd = options.cwd ?? process.cwd();
  const files = expandLFPatterns(typeof patterns === 'string' ? [patterns] : patterns, cwd);
  // Hooks for .ts files first: their thread loads the compiler while ts-morph loads here (two cores, not one after the other).
  for (const f of files) await ensureTypeScriptLoader(f);
  const analyzer = new SourceAnalyzer(files);
  const show = (s: LFSource) => {
    const loc = analyzer.locate(s.file, s.exportName, s.index);
    const at = loc ? `${displayPath(loc.file, cwd)}:${loc.line}` : displayPath(s.file, cwd);
    return `${at} (export ${s.exportName}${s.index !== undefined ? `[${s.index}]` : ''})`;
  };
  const loaded = await loadLFModules(files, { locate: show });
  const all = new Set<string>(files);
  const lfs = loaded.lfs.map((lf): DiscoveredLF => {
    const src = loaded.sources.get(lf.name)!;
    const loc = analyzer.locate(src.file, src.exportName, src.index);
    const fp = analyzer.fingerprint(src.file, src.exportName, src.index);
    for (const f of fp.files) all.add(f);
    return {
      name: lf.name,
      lf,
      file: src.file,
      exportName: src.exportName,
      index: src.index,
      declaredIn: loc?.file ?? src.file,
      line: loc?.line,
      doc: loc?.doc,
      description: lf.description,
      codeHash: fp.hash,
      codeHashNote: fp.reason,
      sourceFiles: fp.files,
    };
  });
  return { lfs, labels: loaded.labels, files, sourceFiles: [...all].sort() };
}
