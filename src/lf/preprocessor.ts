/**
 * A preprocessor maps a row to an enriched row (e.g. lower-cased text, token counts, a parsed URL).
 * It runs at most once per row however many LFs use it: the applier memoizes it per row by object identity.
 */
export interface Preprocessor<In = any, Out = any> {
  readonly name: string;
  map(row: In): Out;
}

export function preprocessor<In, Out>(name: string, map: (row: In) => Out): Preprocessor<In, Out> {
  return Object.freeze({ name, map });
}
