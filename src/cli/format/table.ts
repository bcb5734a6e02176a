// Terminal tables and colour: presentation lives only in the CLI.
import { safeForTerminal } from './terminal.js';

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'dim' | 'bold';
const ANSI: Record<Colour, [string, string]> = {
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  blue: ['\x1b[34m', '\x1b[39m'],
  magenta: ['\x1b[35m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

/** Whether to colour output on this stream: only a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean } = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export function colourText(text: string, colour: Colour): string {
  const [on, off] = ANSI[colour];
  return `${on}${text}${off}`;
}

export interface TableOptions {
  /** Colour of a body cell (row index, column index, value), or undefined for none. Applied after padding. */
  colour?: (row: number, col: number, value: string | number) => Colour | undefined;
  /** Cut string cells longer than this, ending them with "…". */
  maxCellWidth?: number;
}

/** Formats rows as an aligned text table; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[], options: TableOptions = {}): string {
  const max = options.maxCellWidth;
  const clip = (c: string) => (max !== undefined && c.length > max ? `${c.slice(0, Math.max(0, max - 1))}…` : c);
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : clip(safeForTerminal(c.replace(/[\r\n\t]+/g, ' '))))));
  header = header.map(safeForTerminal);
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] ?? '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number'));
  const pad = (c: string, j: number) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]));
  const line = (r: readonly string[]) => r.map(pad).join('  ').trimEnd();
  const body = cells.map((r, i) => {
    if (!options.colour) return line(r);
    return r
      .map((c, j) => {
        const colour = options.colour!(i, j, rows[i][j]);
        return colour ? colourText(pad(c, j), colour) : pad(c, j);
      })
      .join('  ')
      .trimEnd();
  });
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body].join('\n');
}

export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  if (!Number.isFinite(x)) return String(x);
  return x.toFixed(3);
}
