/**
 * Every label model kind and its display name. A leaf module (no model imports) so that the base class can name a
 * model in its messages without importing the registry, which imports every model (an import cycle otherwise).
 * `LABEL_MODELS` in registry.ts reads its titles from here.
 */
export const LABEL_MODEL_TITLES = {
  mv: 'majority-vote',
  wmv: 'weighted-majority-vote',
  ds: 'Dawid-Skene',
  mc: 'matrix-completion',
  triplet: 'triplet',
  auto: 'auto',
} as const;

export type LabelModelKind = keyof typeof LABEL_MODEL_TITLES;

/** Every label model by its CLI name. `auto` picks among the others on dev gold labels. */
export const LABEL_MODEL_KINDS = Object.keys(LABEL_MODEL_TITLES) as readonly LabelModelKind[];
