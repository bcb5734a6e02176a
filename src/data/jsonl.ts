import { DataError } from '../util/errors.js';
import type { Row } from './types.js';

/** What to do with a number JSON cannot give back exactly: an integer beyond ±(2^53−1) or one out of range (1e400). */
export type UnsafeNumbers = 'error' | 'string';

/**
 * A JSON Lines parser that accepts text in chunks: one JSON object per line, blank lines allowed, LF or CRLF.
 * Columns are the union of all keys in first-seen order. A line that is not valid JSON, or is valid JSON but not an
 * object, throws a DataError naming the file and the 1-based line.
 */
export class JsonlParser {
  readonly file: string;
  private readonly seen = new Set<string>();
  readonly columns: string[] = [];
  /** Text of an incomplete last line carried to the next chunk. */
  private rest = '';
  private line = 0;
  private started = false;

  private readonly unsafeNumbers: UnsafeNumbers;

  /** `unsafeNumbers`: 'error' (default) refuses them naming line and key; 'string' keeps their digits as a string. */
  constructor(file: string, options: { unsafeNumbers?: UnsafeNumbers } = {}) {
    this.file = file;
    this.unsafeNumbers = options.unsafeNumbers ?? 'error';
  }

  push(text: string): Row[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: Row[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.rest += text;
      return out;
    }
    if (this.rest !== '') {
      this.parseLine(this.rest + text.slice(0, nl), out);
      this.rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      this.parseLine(text.slice(start, nl), out);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
    return out;
  }

  end(): Row[] {
    const out: Row[] = [];
    if (this.rest !== '') this.parseLine(this.rest, out);
    this.rest = '';
    return out;
  }

  private parseLine(s: string, out: Row[]): void {
    this.line++;
    // Blank (or whitespace-only, or a lone CR) lines are allowed.
    if (s.length === 0 || (s.length <= 2 && s.trim() === '')) return;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      if (s.trim() === '') return;
      throw new DataError(this.file, `invalid JSON: ${(e as Error).message}`, { line: this.line }, { cause: e });
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      const kind = v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
      throw new DataError(this.file, `expected a JSON object on each line, got ${kind}`, { line: this.line });
    }
    // A null-prototype copy: keys are data ("__proto__", "constructor" are ordinary columns).
    const parsed = v as Row;
    let row: Row = Object.create(null);
    for (const key of Object.keys(parsed)) row[key] = parsed[key];
    // Cheap check on the parsed values; the line's text is scanned only when one looks wrong.
    const bad = firstUnsafeNumber(row);
    const literal = bad === undefined ? undefined : unsafeLiteral(s);
    if (bad !== undefined && literal !== undefined) {
      if (this.unsafeNumbers === 'error') {
        throw new DataError(
          this.file,
          `key "${bad.key}" holds the number ${literal}, which ${bad.why}; quote it in the file (or read unsafe numbers as strings)`,
          { line: this.line },
        );
      }
      row = Object.create(null);
      const again = JSON.parse(quoteUnsafeNumbers(s)) as Row;
      for (const key of Object.keys(again)) row[key] = again[key];
    }
    for (const key in row) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.columns.push(key);
      }
    }
    out.push(row);
  }
}

/** Parses a whole JSON Lines text. */
export function parseJSONL(text: string, file: string, options: { unsafeNumbers?: UnsafeNumbers } = {}): { columns: string[]; rows: Row[] } {
  const p = new JsonlParser(file, options);
  const rows = p.push(text);
  for (const r of p.end()) rows.push(r);
  return { columns: p.columns, rows };
}

/**
 * The first number in a parsed value that JSON did not give back exactly, with its key path. JSON.parse turns 1e400
 * into Infinity and 12345678901234567891 into …67000 without a word; both would be written back wrong.
 */
function firstUnsafeNumber(v: unknown, path = ''): { key: string; text: string; why: string } | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { key: path, text: String(v), why: 'is out of the range of a 64-bit float' };
    if (Number.isInteger(v) && !Number.isSafeInteger(v))
      return { key: path, text: String(v), why: 'is an integer beyond ±(2^53−1) and cannot be kept exactly' };
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = firstUnsafeNumber(v[i], `${path}[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  for (const k of Object.keys(v)) {
    const r = firstUnsafeNumber((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    if (r) return r;
  }
  return undefined;
}

// Strings (skipped whole) or number literals, in a JSON text.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function isUnsafeLiteral(tok: string): boolean {
  const x = Number(tok);
  return !Number.isFinite(x) || (/^-?\d+$/.test(tok) && !Number.isSafeInteger(x));
}

/** The line's first literal that cannot be kept, if any (a large float like 1.5e300 is fine). */
function unsafeLiteral(line: string): string | undefined {
  for (const m of line.matchAll(TOKENS)) if (m[0][0] !== '"' && isUnsafeLiteral(m[0])) return m[0];
  return undefined;
}

/** The line with each unsafe number literal turned into a string holding its digits. */
function quoteUnsafeNumbers(line: string): string {
  return line.replace(TOKENS, (tok) => (tok[0] !== '"' && isUnsafeLiteral(tok) ? `"${tok}"` : tok));
}
