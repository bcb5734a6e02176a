import { ConfigError } from '../util/errors.js';

/** The abstain vote. Same convention as Snorkel: -1 in the label matrix. */
export const ABSTAIN = -1 as const;
export type Abstain = typeof ABSTAIN;

/** A fixed, ordered set of class names; class i of every matrix and probability row is `names[i]`. */
export interface LabelSpace<L extends string = string> {
  readonly names: readonly L[];
  /** Number of classes, k. */
  readonly k: number;
  /** Index 0..k-1 of a class name, or -1 when the name is not in the space. */
  indexOf(name: string): number;
  /** Index of a class name; throws a ConfigError naming the valid classes when it is not in the space. */
  index(name: string): number;
  /** Class name of index i. */
  name(i: number): L;
  has(name: string): name is L;
}

/** Most label models and the Int8 label matrix support up to 127 classes. */
export const MAX_CLASSES = 127;

/**
 * Defines a label space. With `as const`, LF votes are checked against it at compile time:
 * `const Spam = defineLabels(['HAM', 'SPAM'] as const)`.
 */
export function defineLabels<const T extends readonly string[]>(names: T): LabelSpace<T[number]> {
  if (names.length < 2) throw new ConfigError(`a label space needs at least 2 classes, got ${JSON.stringify(names)}`);
  if (names.length > MAX_CLASSES) throw new ConfigError(`at most ${MAX_CLASSES} classes are supported, got ${names.length}`);
  const map = new Map<string, number>();
  names.forEach((n, i) => {
    if (typeof n !== 'string' || n.length === 0) throw new ConfigError(`label names must be non-empty strings, got ${JSON.stringify(n)}`);
    if (map.has(n)) throw new ConfigError(`label "${n}" appears twice in ${JSON.stringify(names)}`);
    map.set(n, i);
  });
  const frozen = Object.freeze([...names]) as readonly T[number][];
  return Object.freeze({
    names: frozen,
    k: frozen.length,
    indexOf: (name: string) => map.get(name) ?? -1,
    index(name: string) {
      const i = map.get(name);
      if (i === undefined) throw new ConfigError(`"${name}" is not a label; labels are ${frozen.join(', ')}`);
      return i;
    },
    name(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= frozen.length) throw new RangeError(`class index ${i} is outside 0..${frozen.length - 1}`);
      return frozen[i];
    },
    has: (name: string): name is T[number] => map.has(name),
  });
}
