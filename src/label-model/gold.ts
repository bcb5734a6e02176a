import { checkGold, isGold, type GoldLabels } from '../matrix/checked.js';
import { ConfigError } from '../util/errors.js';

/**
 * Gold labels for scoring and dev fits, by the one rule of `checkGold` (each -1 = unknown, or a class index; -2 or
 * 1.5 is an error, never "unknown"). A checked value passes through; a bare array is checked with the label-model
 * wording ("dev gold label 5 at row 2 is not …"). `labels` may be the class indices when only k is known.
 */
export function goldFor(gold: GoldLabels | ArrayLike<number>, labels: readonly string[], what = 'gold label', n?: number): GoldLabels {
  if (isGold(gold)) {
    if (gold.labels.length !== labels.length)
      throw new ConfigError(`${what}s were checked against ${gold.labels.length} classes, not ${labels.length}`);
    if (n !== undefined && gold.values.length !== n) throw new ConfigError(`${n} rows but ${gold.values.length} ${what}s`);
    return gold;
  }
  const k = labels.length;
  if (n !== undefined && gold.length !== n) throw new ConfigError(`${n} rows but ${gold.length} ${what}s`);
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    if (!Number.isInteger(g) || g < -1 || g >= k)
      throw new ConfigError(`${what} ${g} at row ${i} is not -1 (unknown) or a class index 0..${k - 1} (${labels.join(', ')})`);
  }
  return checkGold(gold, labels, `${what}s`);
}

/** Class names 0..k-1, for checks where only the number of classes is known. */
export function indexLabels(k: number): string[] {
  return Array.from({ length: k }, (_, y) => String(y));
}
