import { ConfigError } from '../util/errors.js';

/**
 * Run-time checks of label-model options. Types reject a misspelt option at compile time; these reject it at run
 * time (options from JSON, JavaScript callers, `as any`), naming the option. Each model lists one check per option it
 * takes (`OptionSpec` makes the list complete); the checks are about shape only, the models check ranges themselves.
 */

/** Returns what is wrong with a value ("must be a number"), or undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

/** One check per option key of O: a key missing here is a compile error, an extra key in the options a run-time one. */
export type OptionSpec<O> = { readonly [P in keyof O]-?: OptionCheck };

/** Throws a ConfigError (with `option` set) for an unknown key or a value of the wrong shape; undefined values pass. */
export function checkOptions<O extends object>(title: string, options: O | undefined, spec: OptionSpec<O>): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options))
    throw new ConfigError(`${title}: options must be an object, got ${JSON.stringify(options)}`);
  const known = Object.keys(spec);
  for (const [key, value] of Object.entries(options)) {
    const check = (spec as Record<string, OptionCheck | undefined>)[key];
    if (!check || !Object.hasOwn(spec, key)) {
      throw new ConfigError(`${title}: unknown option "${key}"; its options are ${known.length ? known.join(', ') : '(none)'}`, { option: key });
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem) throw new ConfigError(`${title}: option ${key} ${problem}`, { option: key });
  }
}

const show = (v: unknown): string =>
  typeof v === 'string' ? `"${v}"` : Array.isArray(v) ? `[${v.slice(0, 5).join(', ')}${v.length > 5 ? ', …' : ''}]` : String(v);

export const isNumber: OptionCheck = (v) => (typeof v === 'number' && !Number.isNaN(v) ? undefined : `must be a number, got ${show(v)}`);
export const isInteger: OptionCheck = (v) => (Number.isInteger(v) ? undefined : `must be an integer, got ${show(v)}`);
export const isBoolean: OptionCheck = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${show(v)}`);
export const isObject: OptionCheck = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : `must be an object, got ${show(v)}`;

export function oneOf(...values: readonly string[]): OptionCheck {
  return (v) => (typeof v === 'string' && values.includes(v) ? undefined : `must be ${values.map((x) => `"${x}"`).join(' or ')}, got ${show(v)}`);
}

const isNumberList = (v: unknown): boolean =>
  (Array.isArray(v) || ArrayBuffer.isView(v)) && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === 'number');

/** A list of numbers, or one of the named modes (class balance: 'uniform', 'estimate'). */
export function numbersOr(...modes: readonly string[]): OptionCheck {
  return (v) =>
    isNumberList(v) || (typeof v === 'string' && modes.includes(v))
      ? undefined
      : `must be ${[...modes.map((x) => `"${x}"`), 'a list of numbers'].join(' or ')}, got ${show(v)}`;
}

/** One number, or one per LF. */
export const isNumberOrList: OptionCheck = (v) =>
  typeof v === 'number' || isNumberList(v) ? undefined : `must be a number or a list of numbers, got ${show(v)}`;

/** A list of strings (e.g. candidate kinds). */
export const isStringList: OptionCheck = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `must be a list of names, got ${show(v)}`;

/** Dev gold labels: `{ L, gold }`. */
export const isDev: OptionCheck = (v) => {
  const d = v as { L?: unknown; gold?: unknown } | null;
  return d && typeof d === 'object' && d.L && typeof d.L === 'object' && d.gold && typeof d.gold === 'object'
    ? undefined
    : 'must be { L: LabelMatrix, gold: gold labels }';
};

/** Class balance option: explicit probabilities, checked and normalized. */
export function checkClassBalance(p: ArrayLike<number>, k: number): Float64Array {
  if (p.length !== k) throw new ConfigError(`class balance has ${p.length} entries, expected k = ${k}`, { option: 'classBalance' });
  let s = 0;
  for (let y = 0; y < k; y++) {
    if (!(p[y] > 0) || !Number.isFinite(p[y]))
      throw new ConfigError(`class balance entries must be > 0, got ${Array.from(p).join(', ')}`, { option: 'classBalance' });
    s += p[y];
  }
  return Float64Array.from(p, (x) => x / s);
}
