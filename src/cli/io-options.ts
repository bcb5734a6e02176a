import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../util/errors.js';

/**
 * Which options of each command name files it reads and files it writes. One table, checked in one place (a yargs
 * middleware in main.ts) before any command computes anything: an output that is one of the command's own inputs
 * would destroy the input (`sample --data a.csv --out a.csv` left 8 of 20 rows). A new command adds one row here.
 */
export const IO_OPTIONS: Readonly<Record<string, { inputs: readonly string[]; outputs: readonly string[] }>> = Object.freeze({
  apply: { inputs: ['data', 'lfs'], outputs: ['out', 'cache-dir'] },
  watch: { inputs: ['data', 'lfs'], outputs: ['out'] },
  fit: { inputs: ['L', 'dev', 'dev-L'], outputs: ['out'] },
  'fit-stats': { inputs: ['stats'], outputs: ['out'] },
  train: { inputs: ['data', 'L', 'model', 'gold'], outputs: ['out'] },
  predict: { inputs: ['model', 'L', 'end-model', 'data', 'gold'], outputs: ['out'] },
  score: { inputs: ['model', 'L', 'gold', 'end-model', 'data'], outputs: [] },
  export: { inputs: ['L'], outputs: ['out'] },
  sample: { inputs: ['recipe', 'L', 'model', 'data', 'end-model', 'labeled', 'reference-L', 'reference-data'], outputs: ['out', 'report'] },
  analyze: { inputs: ['L', 'model', 'gold'], outputs: ['out', 'pairs-out'] },
  disagreements: { inputs: ['L', 'model', 'gold', 'data', 'end-model'], outputs: ['out'] },
  report: { inputs: ['L', 'model', 'end-model', 'data', 'gold', 'sample'], outputs: ['out'] },
  slices: { inputs: ['L', 'data', 'model', 'gold', 'end-model-probs'], outputs: [] },
  drift: { inputs: ['L', 'data', 'model'], outputs: [] },
  worker: { inputs: [], outputs: [] },
});

/** The file behind a path: device and inode (so hard links and symlinks count as the same file), or undefined if absent. */
function fileId(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

function values(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * Refuses a command whose output option names the same file as one of its inputs (same device and inode after
 * following links) or as another of its outputs. Options not in the table, and outputs that do not exist yet (they
 * cannot be an existing input), pass. Glob patterns among inputs (apply --lfs) match only literal file paths.
 */
export function checkOutputsAgainstInputs(command: string, argv: Readonly<Record<string, unknown>>): void {
  const spec = IO_OPTIONS[command];
  if (!spec) return;
  const inputs = new Map<string, string>(); // file id → "--option path"
  for (const opt of spec.inputs) {
    for (const path of values(argv[opt])) {
      const id = fileId(path);
      if (id && !inputs.has(id)) inputs.set(id, `--${opt} ${path}`);
    }
  }
  const outputs = new Map<string, string>(); // file id or resolved path → "--option path"
  for (const opt of spec.outputs) {
    for (const path of values(argv[opt])) {
      const id = fileId(path);
      const clash = id ? inputs.get(id) : undefined;
      if (clash)
        throw new ConfigError(`--${opt} ${path} is the same file as ${clash}: writing it would destroy the input; choose another output path`);
      const key = id ?? `path:${resolve(path)}`;
      const other = outputs.get(key);
      if (other) throw new ConfigError(`--${opt} ${path} is the same file as ${other}: two outputs cannot share a file`);
      outputs.set(key, `--${opt} ${path}`);
    }
  }
}
