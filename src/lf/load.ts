import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLabelingFunction, type LabelingFunction } from './labeling-function.js';
import { defineLabels, type LabelSpace } from './labels.js';
import { assertUniqueLFNames } from './apply.js';
import { ConfigError } from '../util/errors.js';

export interface LoadedLFs {
  lfs: LabelingFunction[];
  /** The label space the module exports as `labels` (a defineLabels result or a string array), if any. */
  labels?: LabelSpace;
  /** Where each LF came from: file path and export name. */
  sources: Map<string, { file: string; exportName: string }>;
}

function isLabelSpace(x: unknown): x is LabelSpace {
  return typeof x === 'object' && x !== null && Array.isArray((x as LabelSpace).names) && typeof (x as LabelSpace).indexOf === 'function';
}

/**
 * Imports LF modules (TypeScript runs through tsx, no build step) and collects every exported LabelingFunction,
 * including LFs inside exported arrays. Export a label space as `labels` to fix the class order.
 */
export async function loadLFModules(files: readonly string[]): Promise<LoadedLFs> {
  const lfs: LabelingFunction[] = [];
  const sources = new Map<string, { file: string; exportName: string }>();
  let labels: LabelSpace | undefined;
  let labelsFrom = '';
  for (const file of files) {
    const abs = resolve(file);
    if (!existsSync(abs)) throw new ConfigError(`LF file not found: ${file}`);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`could not load LF file ${file}: ${(e as Error).message}`, { cause: e });
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
      for (const c of candidates) {
        if (!isLabelingFunction(c)) continue;
        const prev = sources.get(c.name);
        if (prev) {
          if (lfs.includes(c)) continue; // the same LF object exported twice (e.g. alone and in a list)
          throw new ConfigError(`two LFs are named "${c.name}": ${prev.file} (export ${prev.exportName}) and ${file} (export ${exportName})`);
        }
        lfs.push(c);
        sources.set(c.name, { file, exportName });
      }
    }
  }
  if (lfs.length === 0) throw new ConfigError(`no labeling functions exported from ${files.join(', ')}`);
  assertUniqueLFNames(lfs);
  return { lfs, labels, sources };
}
