export { writeJSONFile } from '../data/atomic.js';

/** Prints a value as JSON on stdout (the `--json` form of every command). */
export function printJSON(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v), 2)}\n`,
  );
}
