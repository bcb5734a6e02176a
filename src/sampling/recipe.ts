import { ensureTypeScriptLoader } from '../util/ts-loader.js';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, DataError } from '../util/errors.js';
import { confidentSampler, type ConfidentOptions } from './confident.js';
import type { DedupeOptions } from './dedupe.js';
import { coverageGapSampler } from './coverage.js';
import { disagreementSampler } from './disagreement.js';
import { driftSampler, type DriftSamplerOptions } from './drift.js';
import { randomSampler } from './random.js';
import { stratifiedSampler, type StratifiedOptions } from './stratified.js';
import type { Sampler, SampleContext } from './types.js';
import { uncertaintySampler, type UncertaintyOptions } from './uncertainty.js';
import {
  diverseUncertainSampler,
  modelDisagreementSampler,
  representativeSampler,
  type DiverseOptions,
  type DiverseUncertainOptions,
} from './end-model-samplers.js';
import type { CoverageGapOptions } from './coverage.js';
import type { Rng } from '../util/rng.js';
import { ownValue } from '../util/own.js';
import { readTextOrFail } from '../util/read-file.js';

/** Options every built-in part takes: a name, and `max`, an upper bound on the rows the part selects. */
type Named = { name?: string; max?: number };
/** One part of a recipe: the sampler's name as the key, its fraction of the budget as the value, plus options. */
export type RecipePart =
  | (Named & { random: number })
  | (Named & { stratified: number } & StratifiedOptions)
  | (Named & { uncertainty: number } & UncertaintyOptions)
  | (Named & { disagreement: number })
  | (Named & { coverageGap: number } & CoverageGapOptions)
  | (Named & { diverseUncertain: number } & DiverseUncertainOptions)
  | (Named & { representative: number } & DiverseOptions)
  | (Named & { modelDisagreement: number } & DiverseOptions)
  | (Named & { confident: number } & ConfidentOptions)
  | (Named & { drift: number } & DriftSamplerOptions)
  | ExplicitPart
  | CustomPart;

/** The same parts in explicit form: { sampler: 'uncertainty', fraction: 0.2, ...options }. */
export type ExplicitPart = { sampler: string; fraction: number; name?: string; [option: string]: unknown };

/** A part with your own sampler (TypeScript recipes only). */
export interface CustomPart {
  name: string;
  fraction: number;
  max?: number;
  sampler: Sampler | ((ctx: SampleContext, count: number, taken: Uint8Array, rng: Rng) => number[]);
}

export interface Recipe {
  /** Rows to select in total. */
  budget: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Parts run in this order; each never picks a row an earlier part (or dedupe) took. */
  parts: RecipePart[];
  /** Drop duplicates from the pool before selecting: true for defaults, or options. Default off. */
  dedupe?: boolean | DedupeOptions;
  /**
   * When the fractions sum to less than 1: 'error' (default) refuses the recipe; 'scale' scales the parts up to fill
   * the budget; 'random' gives the rest to an extra random part named 'fill'. Fractions above 1 in total are an error.
   */
  fill?: 'error' | 'scale' | 'random';
  /** Redistribute a part's shortfall to the other parts (default true). */
  redistribute?: boolean;
}

/** A validated part, ready to run. */
export interface PreparedPart {
  name: string;
  kind: string;
  fraction: number;
  sampler: Sampler;
  /**
   * At most this many rows from the part, however large the budget; what its fraction asks beyond that goes to the other
   * parts like a shortfall. E.g. typical rows for a cold start up to a few hundred, then rows the models disagree on.
   */
  max?: number;
}

export interface PreparedRecipe {
  budget: number;
  seed: number;
  parts: PreparedPart[];
  dedupe: DedupeOptions | null;
  redistribute: boolean;
  /** Sum of the fractions as written. */
  fractionSum: number;
  fill: 'error' | 'scale' | 'random';
}

const preparedRecipes = new WeakSet<object>();

/** True for the result of `prepareRecipe` / `loadRecipe` (already checked). */
export function isPreparedRecipe(x: unknown): x is PreparedRecipe {
  return typeof x === 'object' && x !== null && preparedRecipes.has(x);
}

interface SamplerSpec {
  options: Record<string, (v: unknown) => boolean>;
  make: (opts: Record<string, unknown>) => Sampler;
}

const isBy = (v: unknown) => typeof v === 'string' || typeof v === 'function';
const isAllocation = (v: unknown) => v === 'proportional' || v === 'equal';
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isFactor = (v: unknown) => isNum(v) && (v as number) >= 1;
const isBalance = (v: unknown) => v === 'equal' || v === 'sqrt' || v === 'proportional';

/** The built-in samplers: each recipe key, the options it accepts (with a check), and how to build it. */
const SAMPLERS: Record<string, SamplerSpec> = {
  random: { options: {}, make: () => randomSampler() },
  stratified: {
    options: { by: isBy, allocation: isAllocation },
    make: (o) => stratifiedSampler(o as StratifiedOptions),
  },
  uncertainty: {
    options: { measure: (v) => v === 'entropy' || v === 'margin', includeUncovered: (v) => typeof v === 'boolean' },
    make: (o) => uncertaintySampler(o as UncertaintyOptions),
  },
  disagreement: { options: {}, make: () => disagreementSampler() },
  coverageGap: { options: { pick: (v) => v === 'random' || v === 'representative' }, make: (o) => coverageGapSampler(o as CoverageGapOptions) },
  // End-model samplers (need SampleContext.endModel): uncertainty, density and disagreement on the rows' own features.
  diverseUncertain: {
    options: { measure: (v) => v === 'entropy' || v === 'margin', candidates: isFactor, density: (v) => typeof v === 'boolean', balance: isBalance },
    make: (o) => diverseUncertainSampler(o as DiverseUncertainOptions),
  },
  representative: { options: { candidates: isFactor, balance: isBalance }, make: (o) => representativeSampler(o as DiverseOptions) },
  modelDisagreement: { options: { candidates: isFactor, balance: isBalance }, make: (o) => modelDisagreementSampler(o as DiverseOptions) },
  confident: {
    options: { by: isBy, floor: isNum, allocation: isAllocation, minConfidence: isNum },
    make: (o) => confidentSampler(o as ConfidentOptions),
  },
  drift: { options: { textColumn: (v) => typeof v === 'string' }, make: (o) => driftSampler(o as DriftSamplerOptions) },
};

export const SAMPLER_NAMES = Object.keys(SAMPLERS);

const DEDUPE_KEYS: Record<string, (v: unknown) => boolean> = {
  column: (v) => typeof v === 'string' || (Array.isArray(v) && v.every((c) => typeof c === 'string')),
  near: (v) => typeof v === 'boolean',
  threshold: isNum,
  numHashes: isNum,
  shingle: isNum,
  bands: isNum,
};

/** The largest budget: typed-array index range (a budget of 1e21 crashed with "Invalid array length"). */
export const MAX_BUDGET = 2 ** 31 - 1;

const RECIPE_KEYS = ['budget', 'seed', 'parts', 'dedupe', 'fill', 'redistribute'];

/**
 * Checks a recipe (parsed JSON or a TypeScript object) and builds its samplers. Every problem is a ConfigError that
 * names `source` and the part: unknown sampler names, unknown or ill-typed options, fractions outside [0, 1] or
 * summing above 1, duplicate part names.
 */
export function prepareRecipe(recipe: unknown, source = 'recipe'): PreparedRecipe {
  const fail = (what: string): never => {
    throw new ConfigError(`${source}: ${what}`);
  };
  if (typeof recipe !== 'object' || recipe === null || Array.isArray(recipe)) fail('a recipe must be an object with budget and parts');
  const r = recipe as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!RECIPE_KEYS.includes(key)) fail(`unknown key "${key}"; a recipe has ${RECIPE_KEYS.join(', ')}`);
  const budget = r.budget;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 0 || budget > MAX_BUDGET)
    fail(`budget must be a whole number from 0 to ${MAX_BUDGET}, got ${JSON.stringify(budget)}`);
  const seed = r.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) fail(`seed must be an integer, got ${JSON.stringify(seed)}`);
  const fill = r.fill ?? 'error';
  if (fill !== 'error' && fill !== 'scale' && fill !== 'random') fail(`fill must be 'error', 'scale' or 'random', got ${JSON.stringify(fill)}`);
  const redistribute = r.redistribute ?? true;
  if (typeof redistribute !== 'boolean') fail(`redistribute must be true or false, got ${JSON.stringify(redistribute)}`);
  if (!Array.isArray(r.parts) || r.parts.length === 0) fail('parts must be a non-empty list, e.g. [{ "random": 1 }]');

  const parts: PreparedPart[] = (r.parts as unknown[]).map((p, idx) => preparePart(p, `${source}: part ${idx + 1}`));
  const names = new Set<string>();
  for (const p of parts) {
    if (names.has(p.name)) fail(`two parts are named "${p.name}"; give one a different "name"`);
    names.add(p.name);
  }
  const fractionSum = parts.reduce((a, p) => a + p.fraction, 0);
  const EPS = 1e-9;
  if (fractionSum > 1 + EPS)
    fail(`the fractions sum to ${round(fractionSum)}, more than 1 (${parts.map((p) => `${p.name} ${p.fraction}`).join(' + ')})`);
  if (fractionSum < 1 - EPS) {
    if (fill === 'error') {
      fail(
        `the fractions sum to ${round(fractionSum)}, not 1; fix them, or set "fill": "scale" (scale the parts up) or "random" (a random part takes the rest)`,
      );
    }
    if (fill === 'random') {
      if (names.has('fill')) fail('fill: "random" adds a part named "fill", but a part already has that name');
      parts.push({ name: 'fill', kind: 'random', fraction: 1 - fractionSum, sampler: randomSampler() });
    }
    if (fill === 'scale' && fractionSum <= 0) fail('fill: "scale" needs at least one part with a fraction above 0');
  }
  let dedupe: DedupeOptions | null = null;
  if (r.dedupe === true) dedupe = {};
  else if (r.dedupe !== undefined && r.dedupe !== false) {
    if (typeof r.dedupe !== 'object' || r.dedupe === null || Array.isArray(r.dedupe))
      fail('dedupe must be true, false or an object like { "threshold": 0.9 }');
    for (const [key, v] of Object.entries(r.dedupe as Record<string, unknown>)) {
      const check = ownValue(DEDUPE_KEYS, key);
      if (!check) fail(`dedupe: unknown option "${key}"; options are ${Object.keys(DEDUPE_KEYS).join(', ')}`);
      if (!check!(v)) fail(`dedupe: ${key} has an invalid value ${JSON.stringify(v)}`);
    }
    dedupe = r.dedupe as DedupeOptions;
  }
  const prepared: PreparedRecipe = {
    budget: budget as number,
    seed: seed as number,
    parts,
    dedupe,
    redistribute: redistribute as boolean,
    fractionSum,
    fill: fill as PreparedRecipe['fill'],
  };
  preparedRecipes.add(prepared);
  return prepared;
}

/** A prepared recipe with a different budget, seed or dedupe text column (CLI flags), checked like the file. */
export function overrideRecipe(
  recipe: PreparedRecipe,
  overrides: { budget?: number; seed?: number; textColumns?: string[] },
  source = 'recipe',
): PreparedRecipe {
  const { budget = recipe.budget, seed = recipe.seed, textColumns } = overrides;
  if (!Number.isInteger(budget) || budget < 0 || budget > MAX_BUDGET)
    throw new ConfigError(`${source}: budget must be a whole number from 0 to ${MAX_BUDGET}, got ${budget}`);
  if (!Number.isInteger(seed)) throw new ConfigError(`${source}: seed must be an integer, got ${seed}`);
  const dedupe = textColumns ? { ...(recipe.dedupe ?? {}), column: textColumns } : recipe.dedupe;
  const out: PreparedRecipe = { ...recipe, budget, seed, dedupe };
  preparedRecipes.add(out);
  return out;
}

function preparePart(part: unknown, where: string): PreparedPart {
  const fail = (what: string): never => {
    throw new ConfigError(`${where}: ${what}`);
  };
  if (typeof part !== 'object' || part === null || Array.isArray(part))
    fail(`a part must be an object like { "random": 0.1 }, got ${JSON.stringify(part)}`);
  const p = part as Record<string, unknown>;
  const name = p.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) fail(`name must be a non-empty string, got ${JSON.stringify(name)}`);

  if ('sampler' in p && typeof p.sampler === 'string') {
    // Explicit form { "sampler": "uncertainty", "fraction": 0.2, ...options }: rewrite to the short form.
    const kind = p.sampler;
    if (!Object.hasOwn(SAMPLERS, kind)) fail(`unknown sampler "${kind}"; samplers are ${SAMPLER_NAMES.join(', ')}`);
    if ('share' in p && !('fraction' in p)) fail('write "fraction" (of the budget), not "share"');
    if (kind in p) fail(`give the fraction once: "fraction" or "${kind}"`);
    const { sampler: _s, fraction, ...rest } = p;
    return preparePart({ ...rest, [kind]: fraction }, where);
  }
  if ('sampler' in p) {
    const s = p.sampler;
    if (typeof name !== 'string') fail('a part with a custom sampler needs a "name"');
    const fraction = checkFraction(p.fraction, where);
    for (const key of Object.keys(p))
      if (!['name', 'fraction', 'sampler', 'max'].includes(key)) fail(`unknown key "${key}" in a custom-sampler part`);
    const max = checkMax(p.max, fail);
    let sampler: Sampler;
    if (typeof s === 'function') sampler = { kind: name as string, select: s as Sampler['select'] };
    else if (typeof s === 'object' && s !== null && typeof (s as Sampler).select === 'function') sampler = s as Sampler;
    else return fail('sampler must be a sampler name, a function, or an object with select(ctx, count, taken, rng)');
    return { name: name as string, kind: sampler.kind || (name as string), fraction, sampler, ...(max === undefined ? {} : { max }) };
  }

  const kinds = Object.keys(p).filter((k) => Object.hasOwn(SAMPLERS, k));
  if (kinds.length === 0) {
    const unknown = Object.keys(p).filter((k) => k !== 'name' && typeof p[k] === 'number');
    if (unknown.length > 0) fail(`unknown sampler "${unknown[0]}"; samplers are ${SAMPLER_NAMES.join(', ')}`);
    return fail(`no sampler named; write e.g. { "uncertainty": 0.2 } (samplers are ${SAMPLER_NAMES.join(', ')})`);
  }
  if (kinds.length > 1) fail(`one sampler per part, got ${kinds.join(' and ')}`);
  const kind = kinds[0];
  const spec = ownValue(SAMPLERS, kind)!;
  const fraction = checkFraction(p[kind], `${where} (${kind})`);
  const max = checkMax(p.max, fail);
  const options: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(p)) {
    if (key === kind || key === 'name' || key === 'max') continue;
    const check = ownValue(spec.options, key);
    if (!check) {
      const known = Object.keys(spec.options);
      fail(`${kind} has no option "${key}"${known.length ? `; its options are ${known.join(', ')}` : ' (it takes no options)'}`);
    }
    if (!check!(v)) fail(`${kind} option ${key} has an invalid value ${JSON.stringify(v)}`);
    options[key] = v;
  }
  let sampler: Sampler;
  try {
    sampler = spec.make(options);
  } catch (e) {
    return fail((e as Error).message);
  }
  return { name: (name as string | undefined) ?? kind, kind, fraction, sampler, ...(max === undefined ? {} : { max }) };
}

function checkMax(v: unknown, fail: (what: string) => never): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_BUDGET)
    fail(`max (the most rows this part selects) must be a whole number from 0 to ${MAX_BUDGET}, got ${JSON.stringify(v)}`);
  return v as number;
}

function checkFraction(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new ConfigError(`${where}: the fraction of the budget must be a number in [0, 1], got ${JSON.stringify(v)}`);
  }
  return v;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Reads a recipe file: JSON (.json), or a TypeScript/JavaScript module (.ts, .mts, .js, .mjs) whose default export
 * (or export named `recipe`) is the recipe, which may then use functions for `by` and custom samplers.
 */
export async function loadRecipe(path: string): Promise<PreparedRecipe> {
  const ext = extname(path).toLowerCase();
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    let mod: Record<string, unknown>;
    try {
      await ensureTypeScriptLoader(path);
      mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`could not load recipe ${path}: ${(e as Error).message}`, { cause: e });
    }
    const recipe = mod.default ?? mod.recipe;
    if (recipe === undefined) throw new ConfigError(`${path}: export the recipe as the default export (or as "recipe")`);
    return prepareRecipe(recipe, path);
  }
  return parseRecipeText(readTextOrFail(path, { what: 'the recipe' }), path);
}

/** A JSON recipe's text, checked and prepared; `path` names it in errors. */
export function parseRecipeText(text: string, path: string): PreparedRecipe {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataError(path, `the recipe is not valid JSON: ${(e as Error).message}`);
  }
  return prepareRecipe(value, path);
}
