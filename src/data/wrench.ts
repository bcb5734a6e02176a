import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LabelMatrix } from '../matrix/label-matrix.js';
import { MAX_CLASSES } from '../matrix/labels.js';
import { DataError } from '../util/errors.js';
import { readTextOrFail } from '../util/read-file.js';

/**
 * Reader for the WRENCH benchmark format (Zhang et al., NeurIPS 2021 datasets track): a folder with `label.json`
 * ({"0": "ham", "1": "spam"}) and `train.json` / `valid.json` / `test.json`, each mapping an id to
 * `{ label, weak_labels: number[] (-1 abstain), data: { text, ... } }`.
 */
export type WrenchSplitName = 'train' | 'valid' | 'test';

export interface WrenchSplit {
  /** Weak labels as a label matrix; LFs are named lf0..lf{m-1} (WRENCH files carry no LF names). */
  L: LabelMatrix;
  /** Gold label per row (-1 when a record has none). */
  gold: Int32Array;
  /** `data.text` per row ('' when absent). */
  texts: string[];
  /** Record ids, in file order. */
  ids: string[];
  /** Class names from label.json, index = class. */
  labels: string[];
}

/** Reads label.json: class names indexed 0..k-1. */
export function loadWrenchLabels(dir: string): string[] {
  const file = join(dir, 'label.json');
  const raw = readJSON(file);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new DataError(file, 'expected an object mapping class index to class name');
  const entries = Object.entries(raw as Record<string, unknown>);
  const k = entries.length;
  if (k < 2 || k > MAX_CLASSES) throw new DataError(file, `expected 2..${MAX_CLASSES} classes, found ${k}`);
  const labels: string[] = new Array(k);
  for (const [key, name] of entries) {
    const y = Number(key);
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new DataError(file, `class index "${key}" is not an integer in 0..${k - 1}`);
    if (typeof name !== 'string' || name === '') throw new DataError(file, `class ${key} needs a non-empty name`);
    labels[y] = name;
  }
  return labels;
}

/** Loads one split of a WRENCH folder, validating every record; rows come in file order. */
export function loadWrenchSplit(dir: string, split: WrenchSplitName): WrenchSplit {
  return loadWrenchFile(join(dir, `${split}.json`));
}

/**
 * Loads one WRENCH split file (its classes from the label.json beside it); rows come in file order. This is what
 * `loadLabelMatrix` reads for a `.json` path, so `ballot fit -L train.json` works.
 */
export function loadWrenchFile(file: string): WrenchSplit {
  const labels = loadWrenchLabels(dirname(file));
  const k = labels.length;
  const text = readTextOrFail(file);
  const raw = parseJSON(file, text);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new DataError(file, 'expected an object mapping record id to { label, weak_labels, data }');
  // JSON.parse lists integer-like keys ("2", "10") first and in numeric order: take the order from the text instead.
  const keys = topLevelKeys(text, file);
  if (new Set(keys).size !== keys.length) throw new DataError(file, `record id "${keys.find((key, i) => keys.indexOf(key) !== i)}" appears twice`);
  const entries = keys.map((key) => [key, (raw as Record<string, unknown>)[key]] as const);
  const n = entries.length;
  let m = -1;
  let votes = new Int8Array(0);
  const gold = new Int32Array(n);
  const texts: string[] = new Array(n);
  const ids: string[] = new Array(n);
  entries.forEach(([id, rec], i) => {
    const where = { row: i };
    if (!rec || typeof rec !== 'object') throw new DataError(file, `record "${id}" is not an object`, where);
    const r = rec as { label?: unknown; weak_labels?: unknown; data?: unknown };
    const wl = r.weak_labels;
    if (!Array.isArray(wl)) throw new DataError(file, `record "${id}": "weak_labels" must be an array`, where);
    if (m < 0) {
      m = wl.length;
      if (m === 0) throw new DataError(file, `record "${id}": "weak_labels" is empty`, where);
      votes = new Int8Array(n * m);
    } else if (wl.length !== m) {
      throw new DataError(file, `record "${id}" has ${wl.length} weak labels, earlier records have ${m}`, where);
    }
    for (let j = 0; j < m; j++) {
      const v = wl[j];
      if (!Number.isInteger(v) || v < -1 || v >= k)
        throw new DataError(file, `record "${id}": weak label of LF ${j} is ${JSON.stringify(v)}, expected -1..${k - 1}`, where);
      votes[i * m + j] = v;
    }
    const label = r.label ?? -1;
    if (!Number.isInteger(label) || (label as number) < -1 || (label as number) >= k) {
      throw new DataError(file, `record "${id}": label ${JSON.stringify(r.label)} is not a class index 0..${k - 1} (or -1)`, where);
    }
    gold[i] = label as number;
    const data = r.data as { text?: unknown } | undefined;
    texts[i] = data && typeof data.text === 'string' ? data.text : '';
    ids[i] = id;
  });
  if (n === 0) throw new DataError(file, 'no records');
  const L = new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
  return { L, gold, texts, ids, labels };
}

/** True when `dir` looks like one WRENCH set: label.json and at least one split file (some sets ship no train.json). */
export function isWrenchSet(dir: string): boolean {
  return existsSync(join(dir, 'label.json')) && ['train', 'valid', 'test'].some((split) => existsSync(join(dir, `${split}.json`)));
}

/**
 * WRENCH sets under `dir`: `[dir]` itself when it is one, else its immediate sub-folders that are, sorted by name.
 * Returns absolute paths.
 */
export function listWrenchSets(dir: string): string[] {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new DataError(dir, 'not a directory');
  if (isWrenchSet(abs)) return [abs];
  return readdirSync(abs)
    .sort()
    .map((name) => join(abs, name))
    .filter((p) => statSync(p).isDirectory() && isWrenchSet(p));
}

/** A set's short name: its folder name. */
export function wrenchSetName(dir: string): string {
  return basename(resolve(dir));
}

function readJSON(file: string): unknown {
  return parseJSON(file, readTextOrFail(file));
}

function parseJSON(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(file, `invalid JSON: ${(e as Error).message}`, {}, { cause: e });
  }
}

/**
 * The keys of a JSON text's top-level object in file order. The text is valid JSON (JSON.parse read it first), so
 * the scan only tracks strings and nesting depth.
 */
export function topLevelKeys(text: string, file = 'JSON'): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        keys.push(JSON.parse(text.slice(i, end + 1)) as string);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  if (depth !== 0) throw new DataError(file, 'unbalanced brackets');
  return keys;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
